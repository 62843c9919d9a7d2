/**
 * Implementation of method instrumentation: annotation resolution, the per-call recording path, the
 * proxy and the Byte Buddy subclass. Not public API: it may change in any release.
 */
@NullMarked
package dev.observability.instrument.internal;

import org.jspecify.annotations.NullMarked;
