package dev.observability.spring.internal;

import dev.observability.HealthEndpoint;
import dev.observability.health.HealthCheck;
import dev.observability.health.HealthRegistry;
import dev.observability.health.HealthReport;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;

/**
 * The SDK's health checks in Actuator's health, as the component {@code observability}: DOWN when a
 * critical check is down (the SDK's {@code unhealthy}), else UP; {@code degraded} (only
 * non-critical checks down) is UP with {@code "status": "degraded"} in the details, since Actuator
 * has no such state. Each check's result (status, critical, duration, scrubbed error and details)
 * is a detail under its name.
 *
 * <p>The checks run as they do for {@code /health}: in parallel, each within its own timeout, with
 * the scrubber applied, so Actuator's health answers within the checks' deadlines even when a
 * dependency hangs. Thread-safe.
 */
public final class ObservabilityHealthIndicator implements HealthIndicator {

  private final HealthRegistry registry;
  private final HealthEndpoint.Group group;

  /**
   * An indicator over {@code group} of {@code registry}.
   *
   * @param registry the health module's registry
   * @param group the checks reported
   */
  public ObservabilityHealthIndicator(HealthRegistry registry, HealthEndpoint.Group group) {
    this.registry = registry;
    this.group = group;
  }

  @Override
  public Health health() {
    HealthReport report = registry.report(group);
    Health.Builder health =
        report.status() == HealthReport.Status.UNHEALTHY ? Health.down() : Health.up();
    health.withDetail("status", report.status().jsonName());
    report
        .checks()
        .forEach(
            (name, check) -> {
              Map<String, Object> detail = new LinkedHashMap<>();
              detail.put("status", check.status() == HealthCheck.Status.UP ? "up" : "down");
              detail.put("critical", check.critical());
              detail.put("duration_ms", check.durationMillis());
              if (check.error() != null) {
                detail.put("error", check.error());
              }
              if (!check.details().isEmpty()) {
                detail.put("details", check.details());
              }
              health.withDetail(name, detail);
            });
    return health.build();
  }
}
