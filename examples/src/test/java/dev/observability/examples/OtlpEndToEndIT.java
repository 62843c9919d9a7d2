package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.examples.LoopbackCollector.ExportedLog;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The example jar under its own traffic with {@code OTEL_METRICS_EXPORTER=prometheus,otlp} and
 * {@code OTEL_LOGS_EXPORTER=otlp}, against a loopback OTLP receiver: every series of {@code
 * /metrics} has its OTLP counterpart, and every JSON line on stdout its OTLP log record with the
 * same ids.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OtlpEndToEndIT {

  private LoopbackCollector collector;
  private ExampleProcess example;
  private int port;

  @BeforeAll
  void start() throws IOException {
    collector = new LoopbackCollector();
    example =
        ExampleProcess.start(
            Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", collector.otlpEndpoint(),
                "OTEL_METRICS_EXPORTER", "prometheus,otlp",
                "OTEL_METRIC_EXPORT_INTERVAL", "500",
                "OTEL_LOGS_EXPORTER", "otlp",
                "OTEL_BLRP_SCHEDULE_DELAY", "200",
                "OBSERVABILITY_TRACING_SAMPLE_RATIO", "1.0",
                "OBSERVABILITY_TRACING_EXPORT_SCHEDULE_DELAY", "200ms"),
            "--port",
            "0",
            "--traffic",
            "--duration-seconds",
            "300");
    port = example.port();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> example.output().contains("traffic summary: metrics"));
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

  @Test
  void everySeriesOfMetrics_hasItsOtlpCounterpart() throws Exception {
    HttpResponse<String> scrape =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(20))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(scrape.statusCode()).isEqualTo(200);
    Set<String> expected = ofExposition(scrape.body());
    assertThat(expected).anyMatch(s -> s.startsWith("http_requests_total{"));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Set<String> missing = new TreeSet<>(expected);
              missing.removeAll(ofOtlp(latestMetrics()));
              assertThat(missing).as("series of /metrics without an OTLP counterpart").isEmpty();
            });
    Map<String, String> resource = new HashMap<>();
    for (KeyValue kv :
        collector.metrics.get(0).getResourceMetrics(0).getResource().getAttributesList()) {
      resource.put(kv.getKey(), kv.getValue().getStringValue());
    }
    assertThat(resource).containsEntry("service.name", "example-service");
  }

  @Test
  void everyJsonLineOnStdout_hasItsLogRecordWithTheSameIds() {
    List<JsonNode> lines = example.jsonLines();
    assertThat(lines).hasSizeGreaterThan(20);
    assertThat(lines).anyMatch(l -> "request completed".equals(l.path("message").asText()));

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              Map<String, Integer> records = new HashMap<>();
              for (ExportedLog log : collector.logs) {
                records.merge(key(log), 1, Integer::sum);
              }
              List<String> missing = new ArrayList<>();
              for (JsonNode line : lines) {
                String key = key(line);
                Integer left = records.get(key);
                if (left == null || left == 0) {
                  missing.add(key);
                } else {
                  records.put(key, left - 1);
                }
              }
              assertThat(missing).as("stdout lines without an OTLP log record").isEmpty();
            });
    ExportedLog access =
        collector.logs.stream()
            .filter(l -> "request completed".equals(l.body()))
            .filter(l -> l.attribute("request_id") != null)
            .findFirst()
            .orElseThrow();
    assertThat(access.scope()).isEqualTo("dev.observability.access");
    assertThat(access.traceId()).matches("[0-9a-f]{32}");
    assertThat(access.attribute("status")).isNotNull();
    assertThat(collector.logs).noneMatch(l -> l.body().contains("4111111111111111"));
  }

  /** Timestamp, level, logger, message and ids: what a line and its record must share. */
  private static String key(JsonNode line) {
    return Instant.parse(line.get("timestamp").asText()).toEpochMilli()
        + "|"
        + line.get("level").asText()
        + "|"
        + line.get("logger").asText()
        + "|"
        + line.get("message").asText()
        + "|"
        + line.path("trace_id").asText("")
        + "|"
        + line.path("span_id").asText("")
        + "|"
        + line.path("request_id").asText("");
  }

  private static String key(ExportedLog log) {
    boolean traced = !log.record().getTraceId().isEmpty();
    String requestId = log.attribute("request_id");
    return log.record().getTimeUnixNano() / 1_000_000
        + "|"
        + log.record().getSeverityText()
        + "|"
        + log.scope()
        + "|"
        + log.body()
        + "|"
        + (traced ? log.traceId() : "")
        + "|"
        + (traced ? log.spanId() : "")
        + "|"
        + (requestId == null ? "" : requestId);
  }

  /** The metrics of the latest push (one request per push: the example has far fewer meters). */
  private List<Metric> latestMetrics() {
    List<Metric> metrics = new ArrayList<>();
    if (collector.metrics.isEmpty()) {
      return metrics;
    }
    ExportMetricsServiceRequest last = collector.metrics.get(collector.metrics.size() - 1);
    for (ResourceMetrics resource : last.getResourceMetricsList()) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        metrics.addAll(scope.getMetricsList());
      }
    }
    return metrics;
  }

  // The name rule of docs/metrics.md: dots become underscores, the unit is appended unless the
  // name ends with it, a monotonic sum gets _total, a timer's .max gauge is <name>_<unit>_max.

  private static Set<String> ofOtlp(List<Metric> metrics) {
    Set<String> histograms = new TreeSet<>();
    metrics.stream().filter(Metric::hasHistogram).forEach(m -> histograms.add(m.getName()));
    Set<String> series = new TreeSet<>();
    for (Metric metric : metrics) {
      String name = metric.getName();
      String unit = metric.getUnit();
      boolean max =
          metric.hasGauge()
              && name.endsWith(".max")
              && histograms.contains(name.substring(0, name.length() - 4));
      String family = (max ? name.substring(0, name.length() - 4) : name).replace('.', '_');
      if (!unit.isEmpty() && !family.endsWith("_" + unit)) {
        family = family + "_" + unit;
      }
      if (max) {
        family = family + "_max";
      } else if (metric.hasSum()
          && metric.getSum().getIsMonotonic()
          && !family.endsWith("_total")) {
        family = family + "_total";
      }
      List<List<KeyValue>> points = new ArrayList<>();
      if (metric.hasSum()) {
        metric.getSum().getDataPointsList().stream()
            .map(NumberDataPoint::getAttributesList)
            .forEach(points::add);
      } else if (metric.hasGauge()) {
        metric.getGauge().getDataPointsList().stream()
            .map(NumberDataPoint::getAttributesList)
            .forEach(points::add);
      } else if (metric.hasHistogram()) {
        metric.getHistogram().getDataPointsList().stream()
            .map(HistogramDataPoint::getAttributesList)
            .forEach(points::add);
      }
      for (List<KeyValue> attributes : points) {
        Map<String, String> labels = new TreeMap<>();
        attributes.forEach(kv -> labels.put(kv.getKey(), kv.getValue().getStringValue()));
        series.add(family + labels);
      }
    }
    return series;
  }

  private static final Pattern SAMPLE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+\\S+(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static Set<String> ofExposition(String text) {
    Map<String, String> types = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      }
    }
    Set<String> series = new TreeSet<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      if (!m.matches()) {
        throw new AssertionError("not a sample line: " + line);
      }
      String family = m.group(1);
      for (String suffix : List.of("_bucket", "_count", "_sum")) {
        if (family.endsWith(suffix)) {
          String candidate = family.substring(0, family.length() - suffix.length());
          String type = types.get(candidate);
          if ("histogram".equals(type) || "summary".equals(type)) {
            family = candidate;
            break;
          }
        }
      }
      Map<String, String> labels = new TreeMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
      }
      labels.remove("le");
      series.add(family + labels);
    }
    return series;
  }
}
