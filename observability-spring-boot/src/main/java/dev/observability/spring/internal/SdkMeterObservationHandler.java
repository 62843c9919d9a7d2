package dev.observability.spring.internal;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

/**
 * Stands in for Spring Boot Actuator's {@code DefaultMeterObservationHandler}, which Actuator adds
 * to the observation registry unless a {@link MeterObservationHandler} bean exists. The SDK's
 * metrics module already times every observation of the shared registry with the SDK's names
 * ({@code http_requests_total}, {@code method_duration_seconds}, {@code
 * operation_duration_seconds}); Actuator's handler would time each one a second time under
 * Micrometer's default names. This handler supports no context, so Actuator skips its own and no
 * observation is timed twice.
 *
 * <p>Stateless and thread-safe.
 */
public final class SdkMeterObservationHandler
    implements MeterObservationHandler<Observation.Context> {

  /** Created by the auto-configuration. */
  public SdkMeterObservationHandler() {}

  @Override
  public boolean supportsContext(Observation.Context context) {
    return false;
  }
}
