package dev.observability.logging;

import static dev.observability.logging.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import io.micrometer.observation.Observation;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The real scrubber (the running instance's, or its defaults) on every field the encoders write.
 */
class SecretsTest {

  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  private static final String CARD = "4111 1111 1111 1111";
  private static final List<String> SECRETS =
      List.of("hunter2", CARD, "4111111111111111", JWT, "abc.def.ghi", "s3cr3t-key", "987654321");

  private LogbackTestSupport.StdOut out;
  private Observability obs;

  @BeforeEach
  void setUp() {
    LogbackTestSupport.resetToDefault();
    out = new LogbackTestSupport.StdOut();
  }

  @AfterEach
  void tearDown() {
    if (obs != null) {
      obs.close();
    }
    out.close();
    LogbackTestSupport.resetToDefault();
  }

  private static TestEvents secretEverywhere() {
    Exception cause = new IllegalStateException("card " + CARD + " declined");
    Exception error = new RuntimeException("login with password=hunter2 failed", cause);
    error.addSuppressed(new IllegalArgumentException("token " + JWT));
    return event()
        .level(Level.ERROR)
        .message("user sent password=hunter2 and Authorization: Bearer abc.def.ghi")
        .kv("password", "hunter2")
        .kv("api_key", 987654321L)
        .kv("authorization", "Bearer abc.def.ghi")
        .kv("note", "card " + CARD)
        .mdc("api_key", "s3cr3t-key")
        .mdc("session_jwt", JWT)
        .thrown(error);
  }

  private static void assertNoSecret(String text) {
    for (String secret : SECRETS) {
      assertThat(text).as("output must not contain %s", secret).doesNotContain(secret);
    }
    assertThat(text).contains("[REDACTED]");
  }

  @Test
  void jsonEncoder_withRunningInstancesScrubber_masksEveryField() {
    obs = LogbackTestSupport.builder().start();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.start();

    byte[] line = encoder.encode(secretEverywhere().build());

    JsonNode node = JsonLines.parse(line);
    assertNoSecret(new String(line, StandardCharsets.UTF_8));
    assertThat(node.get("password").asText()).isEqualTo("[REDACTED]");
    assertThat(node.get("api_key").asText()).isEqualTo("[REDACTED]");
    assertThat(node.get("mdc_api_key").asText()).isEqualTo("[REDACTED]");
  }

  @Test
  void jsonEncoder_withoutInstance_usesDefaultPolicy() {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.start();

    byte[] line = encoder.encode(secretEverywhere().build());

    JsonLines.parse(line);
    assertNoSecret(new String(line, StandardCharsets.UTF_8));
  }

  @Test
  void textEncoder_masksEveryField() {
    obs = LogbackTestSupport.builder().start();
    TextEncoder encoder = new TextEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.start();

    assertNoSecret(new String(encoder.encode(secretEverywhere().build()), StandardCharsets.UTF_8));
  }

  @Test
  void accessLog_masksSensitiveQueryParameters() {
    obs = LogbackTestSupport.builder().start();
    out.mark();
    HttpServerObservationContext http =
        new HttpServerObservationContext(
            "GET",
            "/login",
            "user=ann&password=hunter2&api%5Fkey=s3cr3t-key&p%61ssword=987654321&page=2",
            h -> null);

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(() -> http.setStatus(200));
    LoggerFactory.getLogger("x").info("after");

    String text = out.text();
    assertNoSecret(text);
    JsonNode access =
        JsonLines.parseAll(text).stream()
            .filter(n -> n.path("message").asText().equals("request completed"))
            .findFirst()
            .orElseThrow();
    assertThat(access.get("path").asText()).startsWith("/login?user=ann&").endsWith("&page=2");
  }

  @Test
  void accessLog_masksSecretsThatArrivePercentEncoded() {
    obs = LogbackTestSupport.builder().start();
    out.mark();
    String query =
        "q=password%3Dhunter2"
            + "&next=https%3A%2F%2Fann%3As3cr3t-key%40login.example%2Fhome"
            + "&pan=4111%201111%201111%201111"
            + "&form=card%3D4111+1111+1111+1111"
            + "&page=2";
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/search", query, h -> null);

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(() -> http.setStatus(200));
    LoggerFactory.getLogger("x").info("after");

    String text = out.text();
    JsonNode access =
        JsonLines.parseAll(text).stream()
            .filter(n -> n.path("message").asText().equals("request completed"))
            .findFirst()
            .orElseThrow();
    assertThat(access.get("path").asText())
        .isEqualTo(
            "/search?q=password%3D[REDACTED]"
                + "&next=https%3A%2F%2Fann%3A[REDACTED]%40login.example%2Fhome"
                + "&pan=[REDACTED]"
                + "&form=card%3D[REDACTED]"
                + "&page=2");
    assertThat(text)
        .doesNotContain("hunter2")
        .doesNotContain("s3cr3t-key")
        .doesNotContain("4111%201111")
        .doesNotContain("4111+1111");
  }
}
