/**
 * Implementation of the tracing module: the span handler of the Observation spine, the error-biased
 * sampler and tail-sampling span processor, the export pipeline. Not public API: it may change in
 * any release, and is left out of the module's recorded API baseline ({@code api/*.api}, checked in
 * every build) and of its Javadoc.
 */
@NullMarked
package dev.observability.tracing.internal;

import org.jspecify.annotations.NullMarked;
