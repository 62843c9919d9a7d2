package dev.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentry.JsonSerializer;
import io.sentry.SentryEvent;
import io.sentry.SentryOptions;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** What leaves for Sentry, read back with Sentry's classes, holds no secret of the corpus. */
class ScrubbingTest {

  private static final String PASSWORD = "hunter2";
  private static final String CARD = "4111 1111 1111 1111";
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  private static final String BEARER = "Bearer abc.def.ghi";
  private static final List<String> SECRETS = List.of(PASSWORD, CARD, JWT, "abc.def.ghi");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void credentialHeaders_areMaskedAndCookiesDropped_whateverTheScrubberPolicy() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(sentry, registry, Map.of("errors.send-default-pii", "true"))) {
      HttpServerObservationContext request = ErrorsTesting.request(null, secretHeaders());
      RuntimeException failure = new RuntimeException("header check");

      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () -> {
                        throw failure;
                      }))
          .isSameAs(failure);

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "header check"));
      String mask = obs.scrubber().mask();
      assertThat(event.getRequest().getHeaders())
          .containsEntry("Authorization", mask)
          .containsEntry("Cookie", mask)
          .containsEntry("X-Api-Key", mask)
          .containsEntry("User-Agent", "curl/8.5");
      assertThat(event.getRequest().getCookies()).isNull();
    }
  }

  @Test
  void withoutDefaultPii_onlyAllowListedHeadersAreSent() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      Map<String, String> headers = new LinkedHashMap<>(secretHeaders());
      headers.put("X-Customer-Email", "alice@example.com");
      HttpServerObservationContext request = ErrorsTesting.request(null, headers);
      RuntimeException failure = new RuntimeException("allow list");

      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () -> {
                        throw failure;
                      }))
          .isSameAs(failure);

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "allow list"));
      assertThat(event.getRequest().getHeaders())
          .containsKey("User-Agent")
          .doesNotContainKey("X-Customer-Email");
    }
  }

  @Test
  void secrets_areScrubbedFromEveryPartOfTheEvent() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(sentry, registry, Map.of("errors.send-default-pii", "true"))) {
      HttpServerObservationContext request =
          ErrorsTesting.request("user=alice&password=" + PASSWORD, secretHeaders());

      ErrorsTesting.serve(
          obs,
          request,
          () -> {
            MDC.put("api_key", "sk_live_" + PASSWORD);
            try {
              LoggerFactory.getLogger("com.example.Payments")
                  .atError()
                  .setMessage("charge failed for card " + CARD)
                  .addKeyValue("password", PASSWORD)
                  .addKeyValue("authorization", BEARER)
                  .setCause(
                      new IllegalStateException(
                          "gateway rejected card " + CARD + " with token " + JWT))
                  .log();
            } finally {
              MDC.remove("api_key");
            }
            obs.errors().capture("login failed: password=" + PASSWORD);
            request.setStatus(500);
          });

      SentryEvent logged = sentry.awaitEvent(e -> e.getTags().get("source").equals("log"));
      SentryEvent message = sentry.awaitEvent(e -> e.getTags().get("source").equals("api"));
      for (SentryEvent event : List.of(logged, message)) {
        String json = json(event);
        for (String secret : SECRETS) {
          assertThat(json).as("event JSON").doesNotContain(secret);
        }
      }
      assertThat(logged.getRequest().getQueryString()).startsWith("user=alice");
    }
  }

  @Test
  void percentEncodedSecretsInTheQuery_areMaskedInTheEventAsEncoded() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      String query =
          "q=password%3D"
              + PASSWORD
              + "&next=https%3A%2F%2Fann%3As3cr3t-key%40login.example%2Fhome"
              + "&pan=4111%201111%201111%201111"
              + "&page=2";
      HttpServerObservationContext request = ErrorsTesting.request(query, Map.of());
      RuntimeException failure = new RuntimeException("lookup failed for " + query);

      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () -> {
                        throw failure;
                      }))
          .isSameAs(failure);

      String masked =
          "q=password%3D[REDACTED]"
              + "&next=https%3A%2F%2Fann%3A[REDACTED]%40login.example%2Fhome"
              + "&pan=[REDACTED]"
              + "&page=2";
      SentryEvent event =
          sentry.awaitEvent(e -> FakeSentry.hasException(e, "lookup failed for " + masked));
      assertThat(event.getRequest().getQueryString()).isEqualTo(masked);
      assertThat(json(event))
          .doesNotContain(PASSWORD)
          .doesNotContain("s3cr3t-key")
          .doesNotContain("4111%201111");
    }
  }

  private static Map<String, String> secretHeaders() {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", BEARER);
    headers.put("Cookie", "session=" + JWT);
    headers.put("X-Api-Key", PASSWORD);
    headers.put("User-Agent", "curl/8.5");
    return headers;
  }

  private static String json(SentryEvent event) throws Exception {
    StringWriter out = new StringWriter();
    new JsonSerializer(new SentryOptions()).serialize(event, out);
    return out.toString();
  }
}
