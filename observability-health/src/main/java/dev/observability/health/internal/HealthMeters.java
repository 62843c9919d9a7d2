package dev.observability.health.internal;

/**
 * The health module's meter names, in Micrometer's dot style; the Prometheus names they render as
 * are the contract in {@code docs/signals.md}.
 */
public final class HealthMeters {

  /** Gauge, 1 up / 0 down: {@code health_check_status{check}}. */
  public static final String CHECK_STATUS = "health.check.status";

  /** Timer: {@code health_check_duration_seconds{check}} (count, sum, max). */
  public static final String CHECK_DURATION = "health.check.duration";

  /** Gauge, 1 healthy / 0.5 degraded / 0 unhealthy: {@code health_status}. */
  public static final String STATUS = "health.status";

  /** Counter: {@code observability_health_check_timeouts_total{check}}. */
  public static final String CHECK_TIMEOUTS = "observability.health.check.timeouts";

  /** Counter: {@code observability_health_check_rejected_total{check}}. */
  public static final String CHECK_REJECTED = "observability.health.check.rejected";

  /** The label naming the check. */
  public static final String CHECK_TAG = "check";

  private HealthMeters() {}
}
