package dev.observability.errors.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * The errors module's handler on the spine: an observation that ends with an exception is reported
 * in {@code onError} (while its scope is still open, so the event id reaches the MDC), an HTTP
 * server request answered 5xx without an exception at {@code onStop}; at scope close the MDC key it
 * set is removed.
 *
 * <p>Runs on the observation's thread; never throws into it (core wraps it as well).
 */
public final class ErrorsObservationHandler implements ObservationHandler<Observation.Context> {

  private final ErrorTracker tracker;

  /** Creates a handler that reports through {@code tracker}. */
  public ErrorsObservationHandler(ErrorTracker tracker) {
    this.tracker = tracker;
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return true;
  }

  @Override
  public void onError(Observation.Context context) {
    tracker.onObservationError(context);
  }

  @Override
  public void onScopeClosed(Observation.Context context) {
    tracker.onScopeClosed(context);
  }
}
