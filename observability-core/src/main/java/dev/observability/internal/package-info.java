/** Implementation of the facade. Not public API: it may change in any release. */
@NullMarked
package dev.observability.internal;

import org.jspecify.annotations.NullMarked;
