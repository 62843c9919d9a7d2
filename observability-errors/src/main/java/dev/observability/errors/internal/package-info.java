/** Implementation of the errors module. Not public API: it may change in any release. */
@NullMarked
package dev.observability.errors.internal;

import org.jspecify.annotations.NullMarked;
