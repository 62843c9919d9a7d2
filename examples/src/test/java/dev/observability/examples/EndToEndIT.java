package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.examples.LoopbackCollector.ExportedSpan;
import io.opentelemetry.proto.trace.v1.Span;
import io.sentry.SentryEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example jar against a loopback OTLP receiver and Sentry ingest, with every trace kept: for
 * each endpoint, the access-log line, the exported spans, the metrics and the error event agree.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EndToEndIT {

  private static final String UUID =
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

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
                "OBSERVABILITY_TRACING_SAMPLE_RATIO",
                "1.0",
                "OBSERVABILITY_TRACING_EXPORT_SCHEDULE_DELAY",
                "200ms"),
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

  private HttpResponse<String> send(String method, String path, String body, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    if (method.equals("POST")) {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The exported server span of {@code route} in the trace, once it arrives. */
  private ExportedSpan serverSpan(String traceId, String route) {
    await().atMost(Duration.ofSeconds(30)).until(() -> findServerSpan(traceId, route).isPresent());
    return findServerSpan(traceId, route).orElseThrow();
  }

  private Optional<ExportedSpan> findServerSpan(String traceId, String route) {
    return collector.trace(traceId).stream()
        .filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .filter(s -> route.equals(s.attribute("http.route")))
        .findFirst();
  }

  record Call(String name, String method, String path, String body, int status, String route) {}

  @Test
  void everyEndpoint_logLineTraceIdIsTheExportedServerSpansAndRouteIsTheTemplate()
      throws Exception {
    List<Call> calls =
        List.of(
            new Call("hello", "GET", "/", "", 200, "/"),
            new Call(
                "register",
                "POST",
                "/api/register",
                "{\"email\":\"e2e@example.com\",\"password\":\"hunter2\",\"source\":\"e2e\"}",
                201,
                "/api/register"),
            new Call("user", "GET", "/api/users/1", "", 200, "/api/users/{id}"),
            new Call("nouser", "GET", "/api/users/999", "", 404, "/api/users/{id}"),
            new Call(
                "checkout",
                "POST",
                "/api/checkout",
                "{\"user_id\":1,\"items\":[{\"sku\":\"BOOK-1\",\"quantity\":1,\"price\":10}]}",
                201,
                "/api/checkout"),
            new Call("slow", "GET", "/api/slow", "", 200, "/api/slow"),
            new Call("fail", "GET", "/api/fail?card=4111111111111111", "", 500, "/api/fail"));

    for (Call call : calls) {
      String requestId = "e2e-" + call.name();
      HttpResponse<String> response =
          send(call.method(), call.path(), call.body(), "X-Request-ID", requestId);
      assertThat(response.statusCode()).as(call.name()).isEqualTo(call.status());
      assertThat(response.headers().firstValue("X-Request-ID")).contains(requestId);

      JsonNode access = example.accessLine(requestId);
      String traceId = access.path("trace_id").asText();
      assertThat(traceId).as(call.name()).matches("[0-9a-f]{32}");
      assertThat(access.path("route").asText()).isEqualTo(call.route());
      assertThat(access.path("status").asInt()).isEqualTo(call.status());
      assertThat(response.headers().firstValue("traceparent").orElseThrow())
          .startsWith("00-" + traceId + "-");

      ExportedSpan server = serverSpan(traceId, call.route());
      assertThat(server.traceId()).isEqualTo(traceId);
      assertThat(server.spanId()).isEqualTo(access.path("span_id").asText());
      assertThat(server.attribute("http.route")).as(call.name()).isEqualTo(call.route());
      assertThat(server.attribute("http.response.status_code"))
          .isEqualTo(String.valueOf(call.status()));
    }
  }

  @Test
  void checkout_childOperationsAndTheInventoryCallShareOneTrace() throws Exception {
    HttpResponse<String> response =
        send(
            "POST",
            "/api/checkout",
            "{\"user_id\":2,\"items\":[{\"sku\":\"PEN-7\",\"quantity\":3,\"price\":1.5}]}",
            "X-Request-ID",
            "e2e-checkout-trace");
    assertThat(response.statusCode()).isEqualTo(201);
    String traceId = example.accessLine("e2e-checkout-trace").path("trace_id").asText();

    List<String> expected =
        List.of(
            "checkout",
            "validate_cart",
            "process_payment",
            "create_order",
            "inventory.reserve",
            "send_confirmation");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                collector.trace(traceId).stream()
                    .map(ExportedSpan::name)
                    .toList()
                    .containsAll(expected));
    List<ExportedSpan> trace = collector.trace(traceId);
    ExportedSpan checkout =
        trace.stream().filter(s -> s.name().equals("checkout")).findFirst().orElseThrow();
    for (String child :
        List.of("validate_cart", "process_payment", "create_order", "send_confirmation")) {
      ExportedSpan span =
          trace.stream().filter(s -> s.name().equals(child)).findFirst().orElseThrow();
      assertThat(span.parentSpanId()).as(child).isEqualTo(checkout.spanId());
    }
    assertThat(checkout.attribute("flow")).isEqualTo("web");
    assertThat(checkout.attribute("user.id")).isEqualTo("2");

    // The inventory's own server span continues the trace through the propagated traceparent.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                collector.trace(traceId).stream()
                    .anyMatch(s -> "/api/inventory/reserve".equals(s.attribute("http.route"))));
    JsonNode inventoryLog =
        example.jsonLines().stream()
            .filter(l -> "Inventory reserved".equals(l.path("message").asText()))
            .filter(l -> traceId.equals(l.path("trace_id").asText()))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no inventory log line in trace " + traceId));
    assertThat(inventoryLog.path("request_id").asText()).isNotEqualTo("e2e-checkout-trace");
  }

  @Test
  void metrics_showRouteTemplatesNotRawPaths() throws Exception {
    send("GET", "/api/users/2", "");
    send("GET", "/api/users/3", "");

    String metrics = send("GET", "/metrics", "").body();

    assertThat(metrics)
        .containsPattern("http_requests_total\\{[^}]*endpoint=\"/api/users/\\{id}\"[^}]*}")
        .containsPattern("db_query_duration_seconds_bucket\\{[^}]*query_type=\"select_user\"")
        .doesNotContain("endpoint=\"/api/users/2\"")
        .doesNotContain("endpoint=\"/api/users/3\"")
        .doesNotContain("endpoint=\"/metrics\"");
  }

  @Test
  void fail_givesOneErrorEventWithTheTraceIdAndAKeptErrorTrace() throws Exception {
    HttpResponse<String> response =
        send(
            "GET",
            "/api/fail?card=4111111111111111&token=t0ps3cret",
            "",
            "X-Request-ID",
            "e2e-fail-event");
    assertThat(response.statusCode()).isEqualTo(500);
    JsonNode access = example.accessLine("e2e-fail-event");
    String traceId = access.path("trace_id").asText();

    await().atMost(Duration.ofSeconds(30)).until(() -> eventsOf(traceId).size() >= 1);
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(5))
        .until(() -> eventsOf(traceId).size() == 1);
    SentryEvent event = eventsOf(traceId).get(0);
    assertThat(event.getContexts().getTrace().getTraceId().toString()).isEqualTo(traceId);
    assertThat(event.getExceptions()).isNotEmpty();
    assertThat(event.getExceptions().get(0).getType()).isEqualTo("IllegalStateException");
    assertThat(collector.rawEnvelopes())
        .doesNotContain("4111111111111111")
        .doesNotContain("t0ps3cret");

    ExportedSpan root = serverSpan(traceId, "/api/fail");
    assertThat(root.attribute("sampling.policy")).isEqualTo("error");
    assertThat(root.span().getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(example.output()).doesNotContain("4111111111111111").doesNotContain("t0ps3cret");
  }

  @Test
  void percentEncodedSecretsInTheQuery_areMaskedInTheAccessLineTheSpanAndTheEvent()
      throws Exception {
    String query =
        "q=password%3Dhunter9e2e"
            + "&next=https%3A%2F%2Fann%3As3cr3tE2E%40login.example%2Fhome"
            + "&pan=4111%201111%201111%201111"
            + "&form=card%3D5555+5555+5555+4444";
    String masked =
        "q=password%3D[REDACTED]"
            + "&next=https%3A%2F%2Fann%3A[REDACTED]%40login.example%2Fhome"
            + "&pan=[REDACTED]"
            + "&form=card%3D[REDACTED]";
    HttpResponse<String> response =
        send("GET", "/api/fail?" + query, "", "X-Request-ID", "e2e-encoded-secrets");
    assertThat(response.statusCode()).isEqualTo(500);

    JsonNode access = example.accessLine("e2e-encoded-secrets");
    assertThat(access.path("path").asText()).isEqualTo("/api/fail?" + masked);
    String traceId = access.path("trace_id").asText();
    ExportedSpan root = serverSpan(traceId, "/api/fail");
    assertThat(root.attribute("url.query")).isEqualTo(masked);
    await().atMost(Duration.ofSeconds(30)).until(() -> eventsOf(traceId).size() >= 1);
    SentryEvent event = eventsOf(traceId).get(0);
    assertThat(event.getRequest().getQueryString()).isEqualTo(masked);
    assertThat(event.getExceptions().get(0).getValue())
        .isEqualTo("payment provider rejected the request: " + masked);

    for (String secret :
        List.of("hunter9e2e", "s3cr3tE2E", "4111%201111", "5555+5555", "4111 1111", "5555 5555")) {
      assertThat(example.output()).as("stdout").doesNotContain(secret);
      assertThat(collector.rawEnvelopes()).as("Sentry envelopes").doesNotContain(secret);
      assertThat(root.span().toString()).as("exported span").doesNotContain(secret);
    }
  }

  private List<SentryEvent> eventsOf(String traceId) throws IOException {
    return collector.events().stream()
        .filter(
            e ->
                e.getContexts().getTrace() != null
                    && traceId.equals(e.getContexts().getTrace().getTraceId().toString()))
        .toList();
  }

  @Test
  void slowAsyncRequest_isRecordedWhenItCompletesAndKeptForLatency() throws Exception {
    HttpResponse<String> response = send("GET", "/api/slow", "", "X-Request-ID", "e2e-slow");

    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode access = example.accessLine("e2e-slow");
    assertThat(access.path("duration_ms").asDouble()).isGreaterThanOrEqualTo(1000.0);
    ExportedSpan root = serverSpan(access.path("trace_id").asText(), "/api/slow");
    assertThat(root.attribute("sampling.policy")).isEqualTo("latency");
    // The access line and the span start and stop at the same readings of the clock.
    long spanNanos = root.span().getEndTimeUnixNano() - root.span().getStartTimeUnixNano();
    assertThat(access.path("duration_ms").asDouble())
        .isEqualTo(Math.round(spanNanos / 1_000.0) / 1_000.0);
  }

  @Test
  void hostileRequestId_isReplacedAndNeverEchoed() throws Exception {
    String tooLong = "x".repeat(200);
    HttpResponse<String> longId = send("GET", "/", "", "X-Request-ID", tooLong);
    HttpResponse<String> script = send("GET", "/", "", "X-Request-ID", "<script>alert(1)</script>");

    assertThat(longId.headers().firstValue("X-Request-ID").orElseThrow()).matches(UUID);
    assertThat(script.headers().firstValue("X-Request-ID").orElseThrow()).matches(UUID);
    String generated = script.headers().firstValue("X-Request-ID").orElseThrow();
    assertThat(example.accessLine(generated).path("request_id").asText()).isEqualTo(generated);

    String raw = rawRequest("X-Request-ID: " + "y".repeat(10 * 1024) + "\r\n");
    String crlf = rawRequest("X-Request-ID: abc\rInjected: yes\r\n");
    assertThat(raw).doesNotContain("yyyyyyyy");
    assertThat(crlf).doesNotContain("Injected").doesNotContain("X-Request-ID: abc\r");
    assertThat(example.output()).doesNotContain("yyyyyyyyyyyyyyyy").doesNotContain("<script>");
  }

  private String rawRequest(String extraHeaders) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(
          ("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + extraHeaders + "Connection: close\r\n\r\n")
              .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void malformedTraceparent_isIgnoredAndANewTraceStarts() throws Exception {
    String malformed = "00-zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz-00f067aa0ba902b7-01";
    HttpResponse<String> response =
        send("GET", "/", "", "X-Request-ID", "e2e-bad-parent", "traceparent", malformed);

    assertThat(response.statusCode()).isEqualTo(200);
    String traceId = example.accessLine("e2e-bad-parent").path("trace_id").asText();
    assertThat(traceId).matches("[0-9a-f]{32}").isNotEqualTo("0".repeat(32));
    assertThat(response.headers().firstValue("traceparent").orElseThrow())
        .startsWith("00-" + traceId + "-");
    ExportedSpan root = serverSpan(traceId, "/");
    assertThat(root.parentSpanId()).isEmpty();
  }

  @Test
  void validTraceparent_isContinued() throws Exception {
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    HttpResponse<String> response =
        send(
            "GET",
            "/api/users/1",
            "",
            "X-Request-ID",
            "e2e-parent",
            "traceparent",
            "00-" + traceId + "-00f067aa0ba902b7-01");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(example.accessLine("e2e-parent").path("trace_id").asText()).isEqualTo(traceId);
    assertThat(serverSpan(traceId, "/api/users/{id}").parentSpanId()).isEqualTo("00f067aa0ba902b7");
  }
}
