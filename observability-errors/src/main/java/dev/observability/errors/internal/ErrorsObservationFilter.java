package dev.observability.errors.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;

/**
 * Reports, when an observation stops, what {@code onError} did not: an HTTP server request answered
 * 5xx without an exception, or an error set on the context without {@code error()}.
 *
 * <p>An {@link ObservationFilter} rather than the handler's {@code onStop}: Micrometer applies
 * filters at {@code stop()} before any handler's {@code onStop}, while handlers stop in reverse
 * handler order, so the logging module's handler (400) would write the access line before the
 * errors handler (300) could put the event id in the context. Here the id is in the context, and on
 * the still open span, before every handler stops.
 *
 * <p>Runs on the thread that stops the observation; returns the context unchanged apart from the
 * event id; never throws (a failure is counted as an internal error).
 */
public final class ErrorsObservationFilter implements ObservationFilter {

  private final ErrorTracker tracker;

  /** Creates a filter that reports through {@code tracker}. */
  public ErrorsObservationFilter(ErrorTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public Observation.Context map(Observation.Context context) {
    try {
      tracker.onObservationStop(context);
    } catch (RuntimeException | LinkageError e) {
      tracker.internalError(e);
    }
    return context;
  }
}
