package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exemplars that always resolve, checked with a real Prometheus server: the example jar (default
 * sample ratio 0.1, so most healthy traces are dropped) serves traffic, Prometheus started with
 * {@code --enable-feature=exemplar-storage} scrapes its {@code /metrics}, and every trace id that
 * {@code /api/v1/query_exemplars} returns for the HTTP meters is one the loopback OTLP receiver
 * got. Runs where Prometheus is installed (the {@code promtool} profile: Debian's {@code
 * prometheus} package brings both).
 */
@Tag("promtool")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExemplarsPrometheusIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private LoopbackCollector collector;
  private ExampleProcess example;
  private Process prometheus;
  private Path prometheusLog;
  private int port;
  private int prometheusPort;

  @TempDir Path work;

  private static String prometheusBinary() {
    for (String candidate : List.of("/usr/bin/prometheus", "/usr/local/bin/prometheus")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "prometheus is not installed: install it (Debian: apt-get install prometheus), or run"
            + " without the promtool tests (they are excluded where /usr/bin/promtool is absent)");
  }

  @BeforeAll
  void start() throws IOException {
    collector = new LoopbackCollector();
    example =
        ExampleProcess.start(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                collector.otlpEndpoint(),
                "OBSERVABILITY_TRACING_EXPORT_SCHEDULE_DELAY",
                "200ms"),
            "--port",
            "0",
            "--duration-seconds",
            "300");
    port = example.port();
  }

  @AfterAll
  void stop() throws InterruptedException {
    if (prometheus != null) {
      prometheus.destroy();
      if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
        prometheus.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (example != null) {
      example.close();
    }
    if (collector != null) {
      collector.close();
    }
  }

  private int send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20));
    if (method.equals("POST")) {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private void startPrometheus() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      prometheusPort = socket.getLocalPort();
    }
    Path config = work.resolve("prometheus.yml");
    Files.writeString(
        config,
        "global:\n"
            + "  scrape_interval: 1s\n"
            + "  scrape_timeout: 1s\n"
            + "scrape_configs:\n"
            + "  - job_name: example\n"
            + "    metrics_path: /metrics\n"
            + "    static_configs:\n"
            + "      - targets: ['127.0.0.1:"
            + port
            + "']\n",
        StandardCharsets.UTF_8);
    prometheusLog = work.resolve("prometheus.log");
    prometheus =
        new ProcessBuilder(
                prometheusBinary(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + work.resolve("data"),
                "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--enable-feature=exemplar-storage",
                "--log.level=warn")
            .redirectErrorStream(true)
            .redirectOutput(prometheusLog.toFile())
            .start();
  }

  /** The exemplars Prometheus holds for {@code query}: their trace ids, with their series. */
  private List<JsonNode> exemplars(String query) throws Exception {
    long now = System.currentTimeMillis() / 1000;
    URI uri =
        URI.create(
            "http://127.0.0.1:"
                + prometheusPort
                + "/api/v1/query_exemplars?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8)
                + "&start="
                + (now - 600)
                + "&end="
                + (now + 60));
    HttpResponse<String> response;
    try {
      response =
          client.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return List.of();
    }
    if (response.statusCode() != 200) {
      return List.of();
    }
    List<JsonNode> result = new ArrayList<>();
    for (JsonNode series : JSON.readTree(response.body()).path("data")) {
      for (JsonNode exemplar : series.path("exemplars")) {
        ((com.fasterxml.jackson.databind.node.ObjectNode) exemplar)
            .set("seriesLabels", series.path("seriesLabels"));
        result.add(exemplar);
      }
    }
    return result;
  }

  private String prometheusOutput() {
    try {
      return Files.readString(prometheusLog);
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Test
  void everyExemplarPrometheusStores_namesATraceTheOtlpReceiverGot() throws Exception {
    // Mostly healthy requests (about nine in ten traces dropped), some failing ones, a handled
    // failure: exemplars must name only the kept ones.
    for (int i = 0; i < 60; i++) {
      send("GET", "/api/users/" + (1 + i % 2), "");
    }
    for (int i = 0; i < 3; i++) {
      assertThat(send("GET", "/api/fail?attempt=" + i, "")).isEqualTo(500);
    }
    send(
        "POST",
        "/api/checkout",
        "{\"user_id\":1,\"items\":[{\"sku\":\"FAIL-INVENTORY\",\"quantity\":1,\"price\":9.5}]}");
    startPrometheus();

    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .failFast("prometheus exited", () -> !prometheus.isAlive())
        .until(
            () ->
                exemplars("http_requests_total").stream()
                    .anyMatch(e -> "500".equals(e.path("seriesLabels").path("status").asText())));

    List<JsonNode> all = new ArrayList<>(exemplars("http_request_duration_seconds_bucket"));
    all.addAll(exemplars("http_requests_total"));
    assertThat(all).as(prometheusOutput()).isNotEmpty();
    Set<String> traceIds = new LinkedHashSet<>();
    for (JsonNode exemplar : all) {
      String traceId = exemplar.path("labels").path("trace_id").asText();
      assertThat(traceId).as(exemplar.toString()).matches("[0-9a-f]{32}");
      assertThat(exemplar.path("labels").path("span_id").asText()).matches("[0-9a-f]{16}");
      traceIds.add(traceId);
    }
    // Every exemplar opens a trace the backend has (export is asynchronous: wait for it).
    for (String traceId : traceIds) {
      await().atMost(Duration.ofSeconds(30)).until(() -> !collector.trace(traceId).isEmpty());
    }
    // The failing requests' series name a failing request's trace.
    JsonNode failing =
        all.stream()
            .filter(e -> "500".equals(e.path("seriesLabels").path("status").asText()))
            .findFirst()
            .orElseThrow();
    String failingTrace = failing.path("labels").path("trace_id").asText();
    assertThat(collector.trace(failingTrace))
        .anySatisfy(s -> assertThat(s.attribute("http.route")).isEqualTo("/api/fail"));
    // And the span it names is in that trace.
    assertThat(collector.trace(failingTrace))
        .anySatisfy(
            s -> assertThat(s.spanId()).isEqualTo(failing.path("labels").path("span_id").asText()));
  }
}
