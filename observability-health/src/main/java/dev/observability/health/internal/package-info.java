/** Implementation of the health module. Not public API: it may change in any release. */
@NullMarked
package dev.observability.health.internal;

import org.jspecify.annotations.NullMarked;
