package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.observability.ConfigurationException;
import dev.observability.Observability;
import dev.observability.ScrapeEndpoint;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * OTLP push through Micrometer's OTLP registry, received on a loopback OTLP/HTTP receiver and
 * decoded with opentelemetry-proto.
 */
class OtlpExportTest {

  private OtlpMetricsReceiver receiver;

  @BeforeEach
  void setUp() throws IOException {
    receiver = new OtlpMetricsReceiver();
  }

  @AfterEach
  void tearDown() {
    receiver.close();
  }

  private Observability start(String exporters, String endpoint, String... properties) {
    var builder =
        Instances.builder()
            .serviceName("checkout")
            .environment("staging")
            .version("1.4.2")
            .property("metrics.exporter", exporters)
            .property("metrics.otlp.metrics-endpoint", endpoint)
            .property("metrics.otlp.interval", "100ms");
    for (int i = 0; i < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    return builder.start();
  }

  private static Optional<Metric> metric(List<Metric> metrics, String name) {
    return metrics.stream().filter(m -> m.getName().equals(name)).findFirst();
  }

  private static double counterValue(Exposition e, String name, Map<String, String> labels) {
    return e.value(name, labels);
  }

  @Test
  void otlp_everySeriesOfTheScrapeHasItsCounterpart_withTheContractsBucketsAndTheResource() {
    try (Observability obs =
        start(
            "prometheus,otlp",
            receiver.endpoint(),
            "metrics.otlp.headers",
            "api-key=s3cr%3Dt,x-tenant=shop",
            "resource.attributes",
            "k8s.namespace.name=prod")) {
      Feeds.everything(obs);
      // The last push after the feed has every meter with the final counts.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  metric(receiver.latestWith("http.requests"), "http.requests")
                      .map(m -> m.getSum().getDataPointsCount() >= 3)
                      .orElse(false));
      String scrape = Instances.scrape(obs);
      Set<String> expected = PrometheusCounterparts.ofExposition(scrape);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(PrometheusCounterparts.ofOtlp(receiver.lastMetrics()));
                assertThat(missing).as("series of /metrics without an OTLP counterpart").isEmpty();
              });

      List<Metric> metrics = receiver.lastMetrics();
      Metric duration = metric(metrics, "http.request.duration").orElseThrow();
      assertThat(duration.getUnit()).isEqualTo("seconds");
      assertThat(duration.getHistogram().getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
      HistogramDataPoint point = duration.getHistogram().getDataPoints(0);
      assertThat(point.getExplicitBoundsList())
          .containsExactly(0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0);
      assertThat(point.getBucketCountsCount()).isEqualTo(8);
      assertThat(metric(metrics, "http.request.duration.max")).isPresent();

      Metric requests = metric(metrics, "http.requests").orElseThrow();
      assertThat(requests.getSum().getIsMonotonic()).isTrue();
      Exposition e = Exposition.parse(scrape);
      NumberDataPoint ok =
          requests.getSum().getDataPointsList().stream()
              .filter(
                  p ->
                      OtlpMetricsReceiver.attributes(p.getAttributesList())
                          .equals(
                              Map.of(
                                  "method", "GET", "endpoint", "/api/users/{id}", "status", "200")))
              .findFirst()
              .orElseThrow();
      assertThat(ok.getAsDouble())
          .isEqualTo(
              counterValue(
                  e,
                  "http_requests_total",
                  Map.of("method", "GET", "endpoint", "/api/users/{id}", "status", "200")));

      Map<String, String> resource =
          OtlpMetricsReceiver.attributes(
              receiver
                  .requests
                  .get(0)
                  .request()
                  .getResourceMetrics(0)
                  .getResource()
                  .getAttributesList());
      assertThat(resource)
          .containsEntry("service.name", "checkout")
          .containsEntry("service.version", "1.4.2")
          .containsEntry("deployment.environment.name", "staging")
          .containsEntry("k8s.namespace.name", "prod");
      Map<String, String> headers = receiver.requests.get(0).headers();
      assertThat(headers)
          .containsEntry("api-key", "s3cr=t")
          .containsEntry("x-tenant", "shop")
          .containsEntry("content-type", "application/x-protobuf");
      assertThat(
              Exposition.parse(Instances.scrape(obs))
                  .value("observability_metrics_exports_total", Map.of()))
          .isGreaterThan(0);
    }
  }

  @Test
  void otlp_cardinalityGuardIsInFront() {
    try (Observability obs = start("otlp", receiver.endpoint(), "metrics.max-endpoints", "10")) {
      for (int i = 0; i < 300; i++) {
        String route = "/route/path-" + i + "-x";
        Instances.request(obs, "GET", route, route, 200);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  metric(receiver.latestWith("http.requests"), "http.requests")
                      .map(
                          m ->
                              m.getSum().getDataPointsList().stream()
                                      .mapToDouble(NumberDataPoint::getAsDouble)
                                      .sum()
                                  == 300)
                      .orElse(false));
      Metric requests = metric(receiver.latestWith("http.requests"), "http.requests").orElseThrow();
      Set<String> endpoints = new TreeSet<>();
      requests
          .getSum()
          .getDataPointsList()
          .forEach(
              p ->
                  endpoints.add(
                      OtlpMetricsReceiver.attributes(p.getAttributesList()).get("endpoint")));
      assertThat(endpoints).hasSizeLessThanOrEqualTo(11).contains("OTHER");
    }
  }

  @Test
  void otlpOnly_scrapeEndpointSaysWhyItIsEmpty() {
    try (Observability obs = start("otlp", receiver.endpoint())) {
      var response = obs.require(ScrapeEndpoint.class).scrape(null, null);

      assertThat(response.status()).isEqualTo(404);
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .contains("metrics.exporter")
          .contains("prometheus");
    }
  }

  @Test
  void deltaTemporality_isHonoured() {
    try (Observability obs =
        start("otlp", receiver.endpoint(), "metrics.otlp.temporality", "delta")) {
      Instances.request(obs, "GET", "/a", "/a", 200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> metric(receiver.latestWith("http.requests"), "http.requests").isPresent());
      assertThat(
              metric(receiver.latestWith("http.requests"), "http.requests")
                  .orElseThrow()
                  .getSum()
                  .getAggregationTemporality())
          .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA);
    }
  }

  @Test
  void collectorDown_recordingIsUnaffectedAndFailuresAreCounted() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    try (Observability obs =
        start("prometheus,otlp", "http://127.0.0.1:" + closedPort + "/v1/metrics")) {
      for (int i = 0; i < 50; i++) {
        Instances.request(obs, "GET", "/a", "/a", 200);
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Exposition.parse(Instances.scrape(obs))
                          .value(
                              "observability_metrics_export_failures_total",
                              Map.of("reason", "network_error"))
                      >= 1);
      assertThat(
              Exposition.parse(Instances.scrape(obs))
                  .value(
                      "http_requests_total",
                      Map.of("method", "GET", "endpoint", "/a", "status", "200")))
          .isEqualTo(50);
    }
  }

  @Test
  void receiverRejects_isCountedAsHttpError() {
    receiver.answer(503);
    try (Observability obs = start("prometheus,otlp", receiver.endpoint())) {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Exposition.parse(Instances.scrape(obs))
                          .value(
                              "observability_metrics_export_failures_total",
                              Map.of("reason", "http_error"))
                      >= 1);
    }
  }

  @Test
  @Timeout(120)
  void collectorHangs_requestsAreRecordedMeanwhile_timeoutCounted_andCloseReturns() {
    receiver.hang();
    Observability obs =
        start(
            "prometheus,otlp",
            receiver.endpoint(),
            "metrics.otlp.timeout",
            "1s",
            "shutdown.timeout",
            "2s");
    try {
      // The push thread is now inside the receiver, which does not answer.
      await().atMost(Duration.ofSeconds(30)).until(() -> receiver.arrived.get() >= 1);
      for (int i = 0; i < 200; i++) {
        Instances.request(obs, "GET", "/a", "/a", 200);
      }
      assertThat(
              Exposition.parse(Instances.scrape(obs))
                  .value(
                      "http_requests_total",
                      Map.of("method", "GET", "endpoint", "/a", "status", "200")))
          .isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  Exposition.parse(Instances.scrape(obs))
                          .value(
                              "observability_metrics_export_failures_total",
                              Map.of("reason", "timeout"))
                      >= 1);
    } finally {
      // The last push meets the same hanging receiver: close still returns.
      obs.close();
    }
  }

  @Test
  void otlpOverGrpc_failsStartWithWhatToChange() {
    assertThatThrownBy(() -> start("otlp", receiver.endpoint(), "metrics.otlp.protocol", "grpc"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("http/protobuf");
  }

  @Test
  void standaloneServerWithoutPrometheus_failsStart() {
    assertThatThrownBy(() -> start("otlp", receiver.endpoint(), "metrics.server.port", "0"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("metrics.server.port");
  }

  @Test
  void badHeader_failsStartWithoutEchoingTheValue() {
    assertThatThrownBy(
            () ->
                start("otlp", receiver.endpoint(), "metrics.otlp.headers", "api-key=%zzTOPSECRET"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("api-key")
        .hasMessageNotContaining("TOPSECRET");
  }

  @Test
  void otelEnvironmentVariables_areRead() {
    try (Observability obs =
        Instances.builder()
            .environmentVariables(
                Map.of(
                    "OTEL_METRICS_EXPORTER", "otlp,prometheus",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint().replace("/v1/metrics", ""),
                    "OTEL_METRIC_EXPORT_INTERVAL", "100",
                    "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "x-env=yes"))
            .start()) {
      Instances.request(obs, "GET", "/a", "/a", 200);
      await().atMost(Duration.ofSeconds(30)).until(() -> !receiver.requests.isEmpty());
      assertThat(receiver.requests.get(0).headers()).containsEntry("x-env", "yes");
      assertThat(Instances.scrape(obs)).contains("http_requests_total");
    }
  }
}
