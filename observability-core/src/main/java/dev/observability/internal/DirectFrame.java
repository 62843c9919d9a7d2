package dev.observability.internal;

import io.micrometer.observation.Observation;
import org.jspecify.annotations.Nullable;

/**
 * An open direct scope, as {@link FacadeObservationRegistry} keeps them per thread: its
 * observation, the direct scope that was innermost before it on its thread, and Micrometer's scope
 * that was current when it opened. Owned by the thread that opened it.
 */
interface DirectFrame {

  /** The observation whose scope this is. */
  DirectObservation observation();

  /** The direct scope that was innermost before this one, or null. */
  @Nullable DirectFrame previousFrame();

  /** Micrometer's current scope when this one opened, or null. */
  Observation.@Nullable Scope micrometerScope();

  /** Replaces the previous frame (when that one was closed out of order). */
  void unlink(@Nullable DirectFrame previous);
}
