package dev.observability.tracing;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

/**
 * A loopback OTLP/HTTP receiver: a JDK {@link HttpServer} on 127.0.0.1 that decodes each body as an
 * {@link ExportTraceServiceRequest} and keeps the spans, with their resource and the request's path
 * and headers.
 */
final class OtlpReceiver implements AutoCloseable {

  /** One received span with the resource it came with. */
  record Received(Span span, Resource resource) {
    String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    String attribute(String key) {
      return OtlpReceiver.attribute(span.getAttributesList(), key);
    }

    String resourceAttribute(String key) {
      return OtlpReceiver.attribute(resource.getAttributesList(), key);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final List<Received> spans = new CopyOnWriteArrayList<>();
  private final List<String> paths = new CopyOnWriteArrayList<>();
  private final Map<String, String> headers = new ConcurrentHashMap<>();

  OtlpReceiver() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          try (exchange) {
            paths.add(exchange.getRequestURI().getPath());
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
            InputStream body = exchange.getRequestBody();
            if ("gzip"
                .equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
              body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            for (ResourceSpans resourceSpans : request.getResourceSpansList()) {
              for (ScopeSpans scopeSpans : resourceSpans.getScopeSpansList()) {
                for (Span span : scopeSpans.getSpansList()) {
                  spans.add(new Received(span, resourceSpans.getResource()));
                }
              }
            }
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, response.length);
            exchange.getResponseBody().write(response);
          }
        });
    server.setExecutor(executor);
    server.start();
  }

  /** The base endpoint, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  String baseEndpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** The traces endpoint, as OTEL_EXPORTER_OTLP_TRACES_ENDPOINT takes it. */
  String tracesEndpoint() {
    return baseEndpoint() + "/v1/traces";
  }

  List<Received> spans() {
    return List.copyOf(spans);
  }

  List<String> paths() {
    return List.copyOf(paths);
  }

  Map<String, String> headers() {
    return Map.copyOf(headers);
  }

  /** Spans by trace id. */
  Map<String, List<Received>> traces() {
    return spans.stream().collect(Collectors.groupingBy(Received::traceId));
  }

  static String attribute(List<KeyValue> attributes, String key) {
    for (KeyValue kv : attributes) {
      if (kv.getKey().equals(key)) {
        AnyValue value = kv.getValue();
        switch (value.getValueCase()) {
          case STRING_VALUE:
            return value.getStringValue();
          case INT_VALUE:
            return Long.toString(value.getIntValue());
          case BOOL_VALUE:
            return Boolean.toString(value.getBoolValue());
          case DOUBLE_VALUE:
            return Double.toString(value.getDoubleValue());
          default:
            return value.toString();
        }
      }
    }
    return null;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
