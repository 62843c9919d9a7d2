package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.examples.LoopbackCollector.ExportedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.sentry.SentryEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example jar with the default sample ratio (0.1), against a loopback OTLP receiver and Sentry
 * ingest: a failure the service handles still leaves every signal of it behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailureCompleteIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A trace id the 0.1 ratio never keeps: its lower 8 bytes are the largest long. */
  private static final String OUTSIDE_RATIO = "4bf92f3577b34da67fffffffffffffff";

  private LoopbackCollector collector;
  private ExampleProcess example;
  private int port;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  void start() throws IOException {
    collector = new LoopbackCollector();
    example =
        ExampleProcess.start(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                collector.otlpEndpoint(),
                "SENTRY_DSN",
                collector.sentryDsn(),
                "OBSERVABILITY_TRACING_EXPORT_SCHEDULE_DELAY",
                "200ms",
                "OBSERVABILITY_LOGGING_DEBUG_ON_ERROR",
                "true"),
            "--port",
            "0",
            "--duration-seconds",
            "300");
    port = example.port();
  }

  @AfterAll
  void stop() {
    if (example != null) {
      example.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  private HttpResponse<String> post(String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path, String requestId)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .header("X-Request-ID", requestId)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The {@code exception} log line whose (scrubbed) message ends with {@code marker}. */
  private JsonNode exceptionLine(String marker) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                example.jsonLines().stream()
                    .anyMatch(l -> l.path("exception").path("message").asText().endsWith(marker)));
    return example.jsonLines().stream()
        .filter(l -> l.path("exception").path("message").asText().endsWith(marker))
        .findFirst()
        .orElseThrow();
  }

  private SentryEvent sentryEvent(String requestId) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                collector.events().stream()
                    .anyMatch(e -> requestId.equals(e.getTag("request_id"))));
    try {
      return collector.events().stream()
          .filter(e -> requestId.equals(e.getTag("request_id")))
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ExportedSpan serverSpan(List<ExportedSpan> trace, String route) {
    return trace.stream()
        .filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_SERVER)
        .filter(s -> route.equals(s.attribute("http.route")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no server span of " + route + " in " + trace));
  }

  @Test
  void inventoryFails_checkoutFallsBack_andTheWholeTraceIsKept_checkoutRootAsDownstream()
      throws Exception {
    HttpResponse<String> response =
        post(
            "/api/checkout",
            "{\"user_id\":1,\"items\":[{\"sku\":\"FAIL-INVENTORY\",\"quantity\":1,\"price\":9.5}]}",
            "traceparent",
            "00-" + OUTSIDE_RATIO + "-00f067aa0ba902b7-00",
            "X-Request-ID",
            "failure-complete-checkout");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode reply = JSON.readTree(response.body());
    assertThat(reply.path("inventory").asText()).isEqualTo("deferred");
    assertThat(reply.has("reservation_id")).isFalse();

    List<String> expected =
        List.of(
            "POST /api/checkout",
            "checkout",
            "validate_cart",
            "process_payment",
            "create_order",
            "inventory.reserve",
            "POST",
            "POST /api/inventory/reserve",
            "send_confirmation");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                collector.trace(OUTSIDE_RATIO).stream()
                    .map(ExportedSpan::name)
                    .toList()
                    .containsAll(expected));
    List<ExportedSpan> trace = collector.trace(OUTSIDE_RATIO);
    ExportedSpan checkout = serverSpan(trace, "/api/checkout");
    ExportedSpan inventory = serverSpan(trace, "/api/inventory/reserve");
    assertThat(checkout.attribute("sampling.policy")).isEqualTo("downstream");
    assertThat(checkout.attribute("http.response.status_code")).isEqualTo("200");
    assertThat(inventory.attribute("sampling.policy")).isEqualTo("error");
    assertThat(inventory.attribute("http.response.status_code")).isEqualTo("503");
    ExportedSpan call =
        trace.stream()
            .filter(s -> s.span().getKind() == SpanKind.SPAN_KIND_CLIENT)
            .findFirst()
            .orElseThrow();
    assertThat(inventory.parentSpanId()).isEqualTo(call.spanId());
    // The checkout's own caller hears of the keep too.
    assertThat(response.headers().firstValue("traceresponse"))
        .contains("00-" + OUTSIDE_RATIO + "-" + checkout.spanId() + "-01");
  }

  @Test
  void oneFailure_accessLineSpanSentryEventAndExceptionLine_shareOneFingerprint_soDoesTheNext()
      throws Exception {
    assertThat(get("/api/fail?attempt=fp-first", "fingerprint-first").statusCode()).isEqualTo(500);
    assertThat(get("/api/fail?attempt=fp-second&other=1", "fingerprint-second").statusCode())
        .isEqualTo(500);

    JsonNode access = example.accessLine("fingerprint-first");
    String fingerprint = access.path("error_fingerprint").asText();
    assertThat(fingerprint).matches("[0-9a-f]{16}");
    assertThat(access.path("error").asText()).isEqualTo("java.lang.IllegalStateException");
    // The exception line: the container's, outside the request's scope, same failure.
    assertThat(exceptionLine("attempt=fp-first").path("exception").path("fingerprint").asText())
        .isEqualTo(fingerprint);
    // The server span.
    String traceId = access.path("trace_id").asText();
    await().atMost(Duration.ofSeconds(30)).until(() -> !collector.trace(traceId).isEmpty());
    assertThat(serverSpan(collector.trace(traceId), "/api/fail").attribute("error.fingerprint"))
        .isEqualTo(fingerprint);
    // The Sentry event groups by it, and names it.
    SentryEvent event = sentryEvent("fingerprint-first");
    assertThat(event.getFingerprints()).containsExactly(fingerprint);
    assertThat(event.getTag("error_fingerprint")).isEqualTo(fingerprint);

    // Another occurrence, with another message: the same fingerprint everywhere.
    assertThat(example.accessLine("fingerprint-second").path("error_fingerprint").asText())
        .isEqualTo(fingerprint);
    assertThat(exceptionLine("other=1").path("exception").path("fingerprint").asText())
        .isEqualTo(fingerprint);
    assertThat(sentryEvent("fingerprint-second").getFingerprints()).containsExactly(fingerprint);
  }

  @Test
  void debugOnError_failedRequestsDebugLinesAreWrittenAndBreadcrumbs_healthyOnesNever()
      throws Exception {
    assertThat(get("/api/fail?token=s3cr3t-debug", "debug-failing").statusCode()).isEqualTo(500);
    assertThat(get("/", "debug-healthy").statusCode()).isEqualTo(200);

    example.accessLine("debug-healthy");
    JsonNode access = example.accessLine("debug-failing");
    JsonNode held =
        example.jsonLines().stream()
            .filter(l -> "DEBUG".equals(l.path("level").asText()))
            .filter(l -> "debug-failing".equals(l.path("request_id").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no held DEBUG line in:\n" + example.output()));
    assertThat(held.path("message").asText())
        .startsWith("sending the payment request ")
        .doesNotContain("s3cr3t-debug");
    assertThat(held.path("level").asText()).isEqualTo("DEBUG");
    assertThat(held.path("buffered").asBoolean()).isTrue();
    assertThat(held.path("trace_id").asText()).isEqualTo(access.path("trace_id").asText());
    assertThat(example.output()).doesNotContain("s3cr3t-debug");
    // Before its request's access line.
    List<JsonNode> lines = example.jsonLines();
    assertThat(lines.indexOf(held)).isLessThan(lines.indexOf(access));
    // The healthy request's DEBUG line is never written.
    assertThat(
            example.jsonLines().stream()
                .filter(l -> "DEBUG".equals(l.path("level").asText()))
                .filter(l -> "debug-healthy".equals(l.path("request_id").asText())))
        .isEmpty();

    SentryEvent event = sentryEvent("debug-failing");
    assertThat(event.getBreadcrumbs())
        .anySatisfy(
            b -> {
              assertThat(b.getMessage())
                  .startsWith("sending the payment request ")
                  .doesNotContain("s3cr3t-debug");
              assertThat(b.getLevel()).isEqualTo(io.sentry.SentryLevel.DEBUG);
            });
  }
}
