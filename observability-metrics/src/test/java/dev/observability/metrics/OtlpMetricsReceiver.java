package dev.observability.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * A loopback OTLP/HTTP metrics receiver: {@code POST /v1/metrics} bodies decoded with
 * opentelemetry-proto. It can answer an error status, or hold every request until released (a
 * hanging collector).
 */
final class OtlpMetricsReceiver implements AutoCloseable {

  /** One request as received. */
  record Received(ExportMetricsServiceRequest request, Map<String, String> headers) {}

  private final HttpServer server;
  final List<Received> requests = new CopyOnWriteArrayList<>();
  final AtomicInteger arrived = new AtomicInteger();
  private volatile int status = 200;
  private volatile CountDownLatch hold = new CountDownLatch(0);

  OtlpMetricsReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v1/metrics", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/metrics";
  }

  /** Answer every request with {@code status}. */
  void answer(int status) {
    this.status = status;
  }

  /** Hold every request (without answering) until {@link #release()}. */
  void hang() {
    hold = new CountDownLatch(1);
  }

  void release() {
    hold.countDown();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      arrived.incrementAndGet();
      try {
        hold.await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      InputStream in = exchange.getRequestBody();
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
        in = new GZIPInputStream(in);
      }
      byte[] body = in.readAllBytes();
      Map<String, String> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
      int answer = status;
      if (answer == 200) {
        requests.add(new Received(ExportMetricsServiceRequest.parseFrom(body), headers));
      }
      exchange.sendResponseHeaders(answer, -1);
    }
  }

  /** Every metric of the last request that carried {@code name}, or of all requests if none. */
  List<Metric> lastMetrics() {
    List<Metric> metrics = new ArrayList<>();
    if (requests.isEmpty()) {
      return metrics;
    }
    for (ResourceMetrics resource :
        requests.get(requests.size() - 1).request().getResourceMetricsList()) {
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        metrics.addAll(scope.getMetricsList());
      }
    }
    return metrics;
  }

  /** The metrics of the latest request that has one named {@code name}. */
  List<Metric> latestWith(String name) {
    for (int i = requests.size() - 1; i >= 0; i--) {
      List<Metric> metrics = new ArrayList<>();
      for (ResourceMetrics resource : requests.get(i).request().getResourceMetricsList()) {
        for (ScopeMetrics scope : resource.getScopeMetricsList()) {
          metrics.addAll(scope.getMetricsList());
        }
      }
      if (metrics.stream().anyMatch(m -> m.getName().equals(name))) {
        return metrics;
      }
    }
    return List.of();
  }

  static Map<String, String> attributes(List<KeyValue> keyValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      AnyValue v = kv.getValue();
      map.put(
          kv.getKey(),
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> String.valueOf(v.getIntValue());
            case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            default -> v.toString();
          });
    }
    return map;
  }

  @Override
  public void close() {
    release();
    server.stop(0);
  }
}
