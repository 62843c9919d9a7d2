/**
 * Implementation of method instrumentation: annotation resolution, the per-call recording path, the
 * proxy and the Byte Buddy subclass. Not public API: it may change in any release, and is left out
 * of the module's recorded API baseline ({@code api/*.api}, checked in every build) and of its
 * Javadoc.
 */
@NullMarked
package dev.observability.instrument.internal;

import org.jspecify.annotations.NullMarked;
