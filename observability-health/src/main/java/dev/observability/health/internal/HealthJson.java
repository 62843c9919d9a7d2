package dev.observability.health.internal;

import dev.observability.health.HealthCheck;
import dev.observability.health.HealthConfig;
import dev.observability.health.HealthReport;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;

/**
 * Renders a {@link HealthReport} as the documented JSON object:
 *
 * <pre>{@code
 * {"status":"healthy|degraded|unhealthy","timestamp":"2025-01-01T12:00:00.000Z","version":"1.4.2",
 *  "checks":{"database":{"status":"up|down","duration_ms":3,"critical":true,
 *   "taken_at":"2025-01-01T12:00:00.000Z","error":"...","details":{...}}}}
 * }</pre>
 *
 * <p>The report's texts are already scrubbed; this class only encodes. Stateless and thread-safe.
 */
public final class HealthJson {

  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  private HealthJson() {}

  /** The JSON text of {@code report}; {@code level} decides whether errors and details show. */
  public static String render(HealthReport report, String version, HealthConfig.DetailLevel level) {
    JsonWriter json = new JsonWriter(128 + 160 * report.checks().size());
    json.beginObject()
        .name("status")
        .value(report.status().jsonName())
        .name("timestamp")
        .value(timestamp(report.timestamp()))
        .name("version")
        .value(version)
        .name("checks")
        .beginObject();
    for (Map.Entry<String, HealthReport.Check> e : report.checks().entrySet()) {
      HealthReport.Check check = e.getValue();
      json.name(e.getKey())
          .beginObject()
          .name("status")
          .value(check.status() == HealthCheck.Status.UP ? "up" : "down")
          .name("duration_ms")
          .value(check.durationMillis())
          .name("critical")
          .value(check.critical())
          .name("taken_at")
          .value(timestamp(check.takenAt()));
      if (level == HealthConfig.DetailLevel.FULL) {
        String error = check.error();
        if (error != null) {
          json.name("error").value(error);
        }
        if (!check.details().isEmpty()) {
          json.name("details").beginObject();
          for (Map.Entry<String, Object> detail : check.details().entrySet()) {
            json.name(detail.getKey()).simpleValue(detail.getValue());
          }
          json.endObject();
        }
      }
      json.endObject();
    }
    return json.endObject().endObject().toString();
  }

  /** ISO-8601 UTC with milliseconds. */
  static String timestamp(Instant instant) {
    return TIMESTAMP.format(instant);
  }
}
