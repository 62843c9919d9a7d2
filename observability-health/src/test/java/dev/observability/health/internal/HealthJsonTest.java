package dev.observability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.health.HealthCheck;
import dev.observability.health.HealthConfig;
import dev.observability.health.HealthReport;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthJsonTest {

  @Test
  void timestamp_matchesIsoInstantWithMilliseconds() {
    for (String text :
        new String[] {
          "1970-01-01T00:00:00Z",
          "2000-02-29T23:59:59.999Z",
          "2025-01-01T12:00:00.007Z",
          "9999-12-31T23:59:59.999999999Z"
        }) {
      Instant instant = Instant.parse(text);
      String expected =
          DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
              .withZone(java.time.ZoneOffset.UTC)
              .format(instant);
      assertThat(HealthJson.timestamp(instant)).isEqualTo(expected);
      assertThat(Instant.parse(HealthJson.timestamp(instant)))
          .isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS));
    }
  }

  @Test
  void render_reportWithEveryField_isParsedBackByJackson() throws Exception {
    Instant at = Instant.parse("2025-03-04T05:06:07.089Z");
    HealthReport report =
        HealthReport.of(
            at,
            Map.of(
                "db",
                new HealthReport.Check(
                    HealthCheck.Status.DOWN, false, 12_345_678, at, "refused", Map.of("n", 1L))));

    JsonNode json =
        new ObjectMapper()
            .readTree(HealthJson.render(report, "2.0", HealthConfig.DetailLevel.FULL));

    assertThat(json.path("status").asText()).isEqualTo("degraded");
    assertThat(json.path("timestamp").asText()).isEqualTo("2025-03-04T05:06:07.089Z");
    assertThat(json.path("version").asText()).isEqualTo("2.0");
    JsonNode db = json.path("checks").path("db");
    assertThat(db.path("duration_ms").asLong()).isEqualTo(12);
    assertThat(db.path("critical").asBoolean()).isFalse();
    assertThat(db.path("taken_at").asText()).isEqualTo("2025-03-04T05:06:07.089Z");
    assertThat(db.path("error").asText()).isEqualTo("refused");
    assertThat(db.path("details").path("n").asLong()).isEqualTo(1);
  }
}
