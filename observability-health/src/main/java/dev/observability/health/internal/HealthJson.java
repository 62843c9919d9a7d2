package dev.observability.health.internal;

import dev.observability.health.HealthCheck;
import dev.observability.health.HealthConfig;
import dev.observability.health.HealthReport;
import java.time.Instant;
import java.time.LocalDateTime;
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

  /** ISO-8601 UTC with milliseconds: {@code 2025-01-01T12:00:00.000Z}. */
  static String timestamp(Instant instant) {
    LocalDateTime t = LocalDateTime.ofEpochSecond(instant.getEpochSecond(), 0, ZoneOffset.UTC);
    int year = t.getYear();
    if (year < 0 || year > 9999) {
      return TIMESTAMP.format(instant);
    }
    // DateTimeFormatter costs more than the rest of a cached health response together.
    char[] c = new char[24];
    digits(c, 0, year, 4);
    c[4] = '-';
    digits(c, 5, t.getMonthValue(), 2);
    c[7] = '-';
    digits(c, 8, t.getDayOfMonth(), 2);
    c[10] = 'T';
    digits(c, 11, t.getHour(), 2);
    c[13] = ':';
    digits(c, 14, t.getMinute(), 2);
    c[16] = ':';
    digits(c, 17, t.getSecond(), 2);
    c[19] = '.';
    digits(c, 20, instant.getNano() / 1_000_000, 3);
    c[23] = 'Z';
    return new String(c);
  }

  private static void digits(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
