package dev.observability.spring;

import dev.observability.Observability;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.List;

/**
 * The {@code MeterRegistry} bean of a Spring Boot application with the starter: a composite whose
 * one member is the SDK instance's registry, so that every meter the application, Spring and
 * Actuator's binders register lands in the SDK's registry and is exposed on {@code /metrics} and
 * {@code /actuator/prometheus} alike.
 *
 * <p>Why a composite in front rather than the instance's registry itself: Actuator configures its
 * {@code MeterFilter}s ({@code management.metrics.enable.*}, {@code tags.*}, {@code
 * distribution.*}) on every registry bean after creating it, and Micrometer warns when a filter
 * comes after a meter. The instance registers its own meters while it starts; this composite has
 * none when Actuator configures it. The SDK's own meters ({@code http_requests_total}, {@code
 * observability_*}) are therefore not subject to {@code management.metrics.*}: they are the signal
 * contract of {@code docs/signals.md}, configured through {@code observability.metrics.*}.
 *
 * <p>Thread-safe, as any Micrometer registry.
 */
public final class ObservabilityMeterRegistry extends CompositeMeterRegistry {

  /**
   * A composite in front of {@code observability}'s registry.
   *
   * @param observability the running instance
   */
  public ObservabilityMeterRegistry(Observability observability) {
    super(Clock.SYSTEM, List.of(observability.meterRegistry()));
  }
}
