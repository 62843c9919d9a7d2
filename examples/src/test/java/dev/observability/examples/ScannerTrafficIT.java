package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.examples.LoopbackCollector.ExportedSpan;
import io.opentelemetry.proto.trace.v1.Span;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A scanner's traffic against the example jar, over real HTTP: 10,000 random paths that no route
 * matches (answered 404 by the default servlet), then the service's real routes. Every real route
 * keeps its own label in the metrics, its own span name and its own access-log route; the scanner's
 * requests are one {@code NOT_FOUND} series, spans named by their method alone and access lines
 * without a route.
 */
class ScannerTrafficIT {

  private static final int SCANNER_REQUESTS = 10_000;

  /** One sample line: name, labels (whose quoted values may hold braces), value. */
  private static final Pattern SAMPLE =
      Pattern.compile(
          "^([a-zA-Z_:][a-zA-Z0-9_:]*)\\{((?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*)} (\\S+)$");

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final Random random = new Random(15);

  record Call(String method, String path, String body, int status, String route) {}

  @Test
  void tenThousandRandomUnroutedPaths_realRoutesKeepTheirLabelsInMetricsSpanNamesAndAccessLines()
      throws Exception {
    try (LoopbackCollector collector = new LoopbackCollector();
        ExampleProcess example =
            ExampleProcess.start(
                Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    collector.otlpEndpoint(),
                    // Only traces whose caller sampled them are kept: the real routes' below.
                    "OBSERVABILITY_TRACING_SAMPLE_RATIO",
                    "0",
                    "OBSERVABILITY_TRACING_EXPORT_SCHEDULE_DELAY",
                    "200ms"),
                "--port",
                "0",
                "--duration-seconds",
                "600")) {
      int port = example.port();

      assertThat(scan(port)).as("every scanner request answered 404").isEqualTo(SCANNER_REQUESTS);
      String scannerTrace = traceId();
      HttpResponse<String> scanned =
          send(port, "GET", "/wp-admin/setup-config.php", "", "scan-last", scannerTrace);
      assertThat(scanned.statusCode()).isEqualTo(404);

      List<Call> calls =
          List.of(
              new Call("GET", "/", "", 200, "/"),
              new Call(
                  "POST",
                  "/api/register",
                  "{\"email\":\"scan@example.com\",\"password\":\"x\",\"source\":\"web\"}",
                  201,
                  "/api/register"),
              new Call("GET", "/api/users/1", "", 200, "/api/users/{id}"),
              new Call("GET", "/api/users/999", "", 404, "/api/users/{id}"),
              new Call(
                  "POST",
                  "/api/checkout",
                  "{\"user_id\":1,\"items\":[{\"sku\":\"BOOK-1\",\"quantity\":1,\"price\":10}]}",
                  201,
                  "/api/checkout"));
      Map<String, Call> byTrace = new LinkedHashMap<>();
      for (int i = 0; i < calls.size(); i++) {
        Call call = calls.get(i);
        String traceId = traceId();
        HttpResponse<String> response =
            send(port, call.method(), call.path(), call.body(), "real-" + i, traceId);
        assertThat(response.statusCode()).as(call.path()).isEqualTo(call.status());
        byTrace.put(traceId, call);
      }

      // Access lines: the real routes' templates; the scanner's request has none.
      for (int i = 0; i < calls.size(); i++) {
        JsonNode access = example.accessLine("real-" + i);
        assertThat(access.path("route").asText())
            .as(calls.get(i).path())
            .isEqualTo(calls.get(i).route());
      }
      JsonNode scannerLine = example.accessLine("scan-last");
      assertThat(scannerLine.path("status").asInt()).isEqualTo(404);
      assertThat(scannerLine.has("route")).as(scannerLine.toString()).isFalse();

      // Span names: "{method} {route}" for the real routes; the method alone for the scanner's.
      for (Map.Entry<String, Call> entry : byTrace.entrySet()) {
        Call call = entry.getValue();
        ExportedSpan server = serverSpan(collector, entry.getKey());
        assertThat(server.name()).isEqualTo(call.method() + " " + call.route());
        assertThat(server.attribute("http.route")).isEqualTo(call.route());
      }
      ExportedSpan scannerSpan = serverSpan(collector, scannerTrace);
      assertThat(scannerSpan.name()).isEqualTo("GET");
      assertThat(scannerSpan.attribute("http.route")).isNull();

      // Metrics: the real routes under their templates, the scanner under one NOT_FOUND series.
      Map<String, Double> requestsByEndpoint = new LinkedHashMap<>();
      double overflow = 0;
      for (String line : scrape(port).split("\n")) {
        Matcher m = SAMPLE.matcher(line);
        if (!m.matches()) {
          continue;
        }
        Map<String, String> labels = labels(m.group(2));
        double value = Double.parseDouble(m.group(3));
        if (m.group(1).equals("http_requests_total")) {
          requestsByEndpoint.merge(labels.get("endpoint"), value, Double::sum);
        } else if (m.group(1).equals("observability_cardinality_overflow_total")) {
          overflow += value;
        }
      }
      assertThat(requestsByEndpoint.keySet())
          .containsExactlyInAnyOrder(
              "/",
              "/api/register",
              "/api/users/{id}",
              "/api/checkout",
              "/api/inventory/reserve",
              "NOT_FOUND");
      // The server's own count is the truth: the JDK client sends an idempotent request once more
      // when its connection drops before the answer, and the service then served it twice. Every
      // scanner request served is one NOT_FOUND count and one access line without a route.
      long servedNotFound =
          example.jsonLines().stream()
              .filter(line -> "request completed".equals(line.path("message").asText()))
              .filter(line -> line.path("status").asInt() == 404 && !line.has("route"))
              .count();
      assertThat(servedNotFound).isGreaterThanOrEqualTo(SCANNER_REQUESTS + 1);
      assertThat(requestsByEndpoint.get("NOT_FOUND")).isEqualTo((double) servedNotFound);
      assertThat(requestsByEndpoint.get("/api/users/{id}")).isEqualTo(2.0);
      assertThat(overflow).isZero();
    }
  }

  /** Sends the scanner's requests from four threads; returns how many were answered 404. */
  private int scan(int port) throws Exception {
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < SCANNER_REQUESTS; i++) {
      paths.add(randomPath(i));
    }
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> parts = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        List<String> part = paths.subList(t * SCANNER_REQUESTS / 4, (t + 1) * SCANNER_REQUESTS / 4);
        parts.add(
            threads.submit(
                () -> {
                  int notFound = 0;
                  for (int i = 0; i < part.size(); i++) {
                    String method = i % 5 == 0 ? "POST" : "GET";
                    if (send(port, method, part.get(i), "", null, null).statusCode() == 404) {
                      notFound++;
                    }
                  }
                  return notFound;
                }));
      }
      int notFound = 0;
      for (Future<Integer> part : parts) {
        notFound += part.get(5, TimeUnit.MINUTES);
      }
      return notFound;
    } finally {
      threads.shutdownNow();
    }
  }

  /** What scanners ask for: WordPress, PHP admin pages, dot files, random ids. */
  private String randomPath(int i) {
    String token = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
    return switch (i % 5) {
      case 0 -> "/wp-" + i + "/login";
      case 1 -> "/admin/" + token + ".php";
      case 2 -> "/." + token + "/config";
      case 3 -> "/cgi-bin/" + token;
      default -> "/" + token + "/" + token.substring(0, Math.min(3, token.length()));
    };
  }

  private String traceId() {
    byte[] id = new byte[16];
    random.nextBytes(id);
    return HexFormat.of().formatHex(id);
  }

  private HttpResponse<String> send(
      int port, String method, String path, String body, String requestId, String traceId)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                method.equals("POST")
                    ? HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)
                    : HttpRequest.BodyPublishers.noBody());
    if (method.equals("POST")) {
      request.header("Content-Type", "application/json");
    }
    if (requestId != null) {
      request.header("X-Request-ID", requestId);
    }
    if (traceId != null) {
      request.header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01");
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private String scrape(int port) throws Exception {
    return client
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8))
        .body();
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    Matcher m = LABEL.matcher(text);
    while (m.find()) {
      labels.put(m.group(1), m.group(2));
    }
    return labels;
  }

  private static ExportedSpan serverSpan(LoopbackCollector collector, String traceId) {
    await().atMost(Duration.ofSeconds(60)).until(() -> findServer(collector, traceId).isPresent());
    return findServer(collector, traceId).orElseThrow();
  }

  private static Optional<ExportedSpan> findServer(LoopbackCollector collector, String traceId) {
    return collector.trace(traceId).stream()
        .filter(s -> s.span().getKind() == Span.SpanKind.SPAN_KIND_SERVER)
        .filter(s -> s.parentSpanId().equals("00f067aa0ba902b7"))
        .findFirst();
  }
}
