package dev.observability.logging;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
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
 * A loopback OTLP/HTTP logs receiver: {@code POST /v1/logs} bodies decoded with
 * opentelemetry-proto. It can answer an error status, or hold requests until released (a hanging
 * collector).
 */
final class OtlpLogsReceiver implements AutoCloseable {

  /** A received record with its resource and scope. */
  record Received(Map<String, Object> resource, String scope, LogRecord record) {
    String body() {
      return record.getBody().getStringValue();
    }

    String traceId() {
      return HexFormat.of().formatHex(record.getTraceId().toByteArray());
    }

    String spanId() {
      return HexFormat.of().formatHex(record.getSpanId().toByteArray());
    }

    Map<String, Object> attributes() {
      return OtlpLogsReceiver.attributes(record.getAttributesList());
    }
  }

  private final HttpServer server;
  final List<Received> records = new CopyOnWriteArrayList<>();
  final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();
  final AtomicInteger arrived = new AtomicInteger();
  private volatile int status = 200;
  private volatile CountDownLatch hold = new CountDownLatch(0);

  OtlpLogsReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/v1/logs", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/logs";
  }

  void answer(int status) {
    this.status = status;
  }

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
      int answer = status;
      if (answer == 200) {
        Map<String, String> h = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((k, v) -> h.put(k.toLowerCase(), v.get(0)));
        headers.add(h);
        ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body);
        for (ResourceLogs resource : request.getResourceLogsList()) {
          Map<String, Object> attributes = attributes(resource.getResource().getAttributesList());
          for (ScopeLogs scope : resource.getScopeLogsList()) {
            for (LogRecord record : scope.getLogRecordsList()) {
              records.add(new Received(attributes, scope.getScope().getName(), record));
            }
          }
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(answer, -1);
    }
  }

  static Map<String, Object> attributes(List<KeyValue> keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      AnyValue v = kv.getValue();
      map.put(
          kv.getKey(),
          switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> v.getIntValue();
            case DOUBLE_VALUE -> v.getDoubleValue();
            case BOOL_VALUE -> v.getBoolValue();
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
