package dev.observability.health;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The outcome of one health request: the overall status and each check's result, already scrubbed.
 * The endpoints render it as JSON.
 *
 * @param status the overall status
 * @param timestamp when the report was assembled
 * @param checks each check's result, by name, in registration order; unmodifiable
 */
public record HealthReport(Status status, Instant timestamp, Map<String, Check> checks) {

  /**
   * Creates a report.
   *
   * @param status the overall status
   * @param timestamp when the report was taken
   * @param checks each check's result, by name
   */
  public HealthReport {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(timestamp, "timestamp");
    checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
  }

  /**
   * The report of {@code checks}: unhealthy when a critical check is DOWN, degraded when only
   * non-critical ones are, healthy otherwise (also when there are no checks).
   *
   * @param timestamp when the report was taken
   * @param checks each check's result, by name
   * @return the report
   */
  public static HealthReport of(Instant timestamp, Map<String, Check> checks) {
    Status status = Status.HEALTHY;
    for (Check check : checks.values()) {
      if (check.status() == HealthCheck.Status.DOWN) {
        if (check.critical()) {
          status = Status.UNHEALTHY;
          break;
        }
        status = Status.DEGRADED;
      }
    }
    return new HealthReport(status, timestamp, checks);
  }

  /**
   * The HTTP status for this report: 200 when healthy or degraded, 503 when unhealthy.
   *
   * @return 200 or 503
   */
  public int httpStatus() {
    return status.httpStatus();
  }

  /** The overall status of a report. */
  public enum Status {
    /** Every check is UP. HTTP 200. */
    HEALTHY(200, 1.0),
    /** Only non-critical checks are DOWN: the service works with reduced function. HTTP 200. */
    DEGRADED(200, 0.5),
    /** A critical check is DOWN. HTTP 503. */
    UNHEALTHY(503, 0.0);

    private final int httpStatus;
    private final double gaugeValue;
    private final String jsonName;

    Status(int httpStatus, double gaugeValue) {
      this.httpStatus = httpStatus;
      this.gaugeValue = gaugeValue;
      this.jsonName = name().toLowerCase(Locale.ROOT);
    }

    /**
     * The HTTP status code.
     *
     * @return the status code
     */
    public int httpStatus() {
      return httpStatus;
    }

    /**
     * The value of the {@code health_status} gauge: 1 healthy, 0.5 degraded, 0 unhealthy.
     *
     * @return the gauge value
     */
    public double gaugeValue() {
      return gaugeValue;
    }

    /**
     * The name in the JSON output: {@code healthy}, {@code degraded} or {@code unhealthy}.
     *
     * @return the JSON name
     */
    public String jsonName() {
      return jsonName;
    }
  }

  /**
   * One check's result as shown: scrubbed, with its timing.
   *
   * @param status UP or DOWN
   * @param critical whether the check is critical
   * @param durationNanos how long the run took (for a timeout: how long it had run when given up)
   * @param takenAt when the result was taken; older than the report when it came from the cache
   * @param error the scrubbed error text, or null
   * @param details the scrubbed details; unmodifiable
   */
  public record Check(
      HealthCheck.Status status,
      boolean critical,
      long durationNanos,
      Instant takenAt,
      @Nullable String error,
      Map<String, Object> details) {

    /**
     * Creates a check result.
     *
     * @param status the check's status
     * @param critical whether the check is critical
     * @param durationNanos how long the check ran, in nanoseconds
     * @param takenAt when the result was taken
     * @param error the scrubbed error text, or null
     * @param details the scrubbed details
     */
    public Check {
      Objects.requireNonNull(status, "status");
      Objects.requireNonNull(takenAt, "takenAt");
      details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
    }

    /**
     * The duration in whole milliseconds, as shown in {@code duration_ms}.
     *
     * @return the duration in milliseconds
     */
    public long durationMillis() {
      return durationNanos / 1_000_000L;
    }
  }
}
