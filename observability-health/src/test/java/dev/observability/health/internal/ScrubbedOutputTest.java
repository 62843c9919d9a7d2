package dev.observability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.HealthEndpoint;
import dev.observability.health.HealthCheck;
import dev.observability.health.HealthConfig;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every error text and detail passes the instance's scrubber: shown here with a scrubber that masks
 * a known secret, so that the wiring is tested whatever the real policy is.
 */
class ScrubbedOutputTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Masks "hunter2" in text, and keys containing "password" or "token". */
  private static final class RecordingScrubber implements Scrubber {
    final List<String> scrubbed = new ArrayList<>();

    @Override
    public synchronized String scrub(String text) {
      scrubbed.add(text);
      return text.replace("hunter2", mask());
    }

    @Override
    public void scrubTo(CharSequence text, StringBuilder out) {
      out.append(scrub(text.toString()));
    }

    @Override
    public boolean isSensitiveKey(String key) {
      String k = key.toLowerCase(Locale.ROOT);
      return k.contains("password") || k.contains("token");
    }

    @Override
    public String scrubValue(String key, String value) {
      return isSensitiveKey(key) ? mask() : scrub(value);
    }

    @Override
    public String mask() {
      return "***";
    }
  }

  private final RecordingScrubber scrubber = new RecordingScrubber();
  private final HealthAggregator registry =
      new HealthAggregator(2, 8, scrubber, new SimpleMeterRegistry(), e -> {});

  @AfterEach
  void close() {
    registry.close();
  }

  private JsonNode render() throws Exception {
    JsonHealthEndpoint endpoint =
        new JsonHealthEndpoint(registry, "1.0", HealthConfig.DetailLevel.FULL, e -> {});
    byte[] body = endpoint.check(HealthEndpoint.Group.ALL).body();
    String text = new String(body, StandardCharsets.UTF_8);
    assertThat(text).doesNotContain("hunter2");
    return JSON.readTree(text);
  }

  @Test
  void exceptionMessage_passesTheScrubber() throws Exception {
    registry.register(
        "db",
        () -> {
          throw new java.sql.SQLException("login as admin/hunter2 failed");
        });

    JsonNode db = render().path("checks").path("db");

    assertThat(db.path("error").asText())
        .isEqualTo("java.sql.SQLException: login as admin/*** failed");
  }

  @Test
  void details_sensitiveKeysAreMasked_valuesScrubbed_numbersUnderSecretKeysMasked()
      throws Exception {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("db_password", "plain");
    details.put("note", "uses hunter2 today");
    details.put("token_count", 7);
    details.put("connections", 3);
    registry.register("db", () -> HealthCheck.Result.up(details));

    JsonNode shown = render().path("checks").path("db").path("details");

    assertThat(shown.path("db_password").asText()).isEqualTo("***");
    assertThat(shown.path("note").asText()).isEqualTo("uses *** today");
    assertThat(shown.path("token_count").asText()).isEqualTo("***");
    assertThat(shown.path("connections").asInt()).isEqualTo(3);
  }

  @Test
  void jdbcPropertyPassword_isMaskedWithTheScrubbersMask() throws Exception {
    registry.register(
        "db",
        () -> HealthCheck.Result.down("cannot open jdbc:h2:mem:x;USER=sa;PASSWORD=s3cr3t;X=1"));

    JsonNode db = render().path("checks").path("db");

    assertThat(db.path("error").asText())
        .isEqualTo("cannot open jdbc:h2:mem:x;USER=sa;PASSWORD=***;X=1");
  }

  @Test
  void hugeErrorText_isCutBeforeScrubbing_andShownBounded() throws Exception {
    String huge = "hunter2 " + "y".repeat(1_000_000);
    registry.register("db", () -> HealthCheck.Result.down(huge));

    JsonNode db = render().path("checks").path("db");

    assertThat(db.path("error").asText()).startsWith("*** yyy").hasSize(2_000).endsWith("...");
    assertThat(scrubber.scrubbed).allSatisfy(t -> assertThat(t.length()).isLessThan(20_000));
  }
}
