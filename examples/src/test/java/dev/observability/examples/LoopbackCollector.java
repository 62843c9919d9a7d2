package dev.observability.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.logs.v1.LogRecord;
import io.opentelemetry.proto.logs.v1.ResourceLogs;
import io.opentelemetry.proto.logs.v1.ScopeLogs;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.sentry.EnvelopeReader;
import io.sentry.JsonSerializer;
import io.sentry.SentryEnvelope;
import io.sentry.SentryEnvelopeItem;
import io.sentry.SentryEvent;
import io.sentry.SentryItemType;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.zip.GZIPInputStream;
import org.jspecify.annotations.Nullable;

/**
 * A loopback OTLP/HTTP receiver of traces, metrics and logs ({@code POST /v1/traces}, {@code
 * /v1/metrics}, {@code /v1/logs}, decoded with opentelemetry-proto) and Sentry ingest ({@code POST
 * /api/<project>/envelope/}, read with Sentry's own envelope classes) in one JDK HTTP server.
 */
final class LoopbackCollector implements AutoCloseable {

  /** An exported span with the ids in hex, and its resource. */
  record ExportedSpan(Span span, Resource resource) {

    /** The resource's {@code service.name}. */
    @Nullable String serviceName() {
      for (KeyValue kv : resource.getAttributesList()) {
        if (kv.getKey().equals("service.name")) {
          return kv.getValue().getStringValue();
        }
      }
      return null;
    }

    String traceId() {
      return HexFormat.of().formatHex(span.getTraceId().toByteArray());
    }

    String spanId() {
      return HexFormat.of().formatHex(span.getSpanId().toByteArray());
    }

    String parentSpanId() {
      return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
    }

    String name() {
      return span.getName();
    }

    @Nullable String attribute(String key) {
      for (KeyValue kv : span.getAttributesList()) {
        if (kv.getKey().equals(key)) {
          AnyValue v = kv.getValue();
          return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> String.valueOf(v.getIntValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
            default -> v.toString();
          };
        }
      }
      return null;
    }
  }

  /** An exported log record with its instrumentation scope. */
  record ExportedLog(String scope, LogRecord record) {
    String traceId() {
      return HexFormat.of().formatHex(record.getTraceId().toByteArray());
    }

    String spanId() {
      return HexFormat.of().formatHex(record.getSpanId().toByteArray());
    }

    String body() {
      return record.getBody().getStringValue();
    }

    @Nullable String attribute(String key) {
      for (KeyValue kv : record.getAttributesList()) {
        if (kv.getKey().equals(key)) {
          AnyValue v = kv.getValue();
          return switch (v.getValueCase()) {
            case STRING_VALUE -> v.getStringValue();
            case INT_VALUE -> String.valueOf(v.getIntValue());
            case BOOL_VALUE -> String.valueOf(v.getBoolValue());
            case DOUBLE_VALUE -> String.valueOf(v.getDoubleValue());
            default -> v.toString();
          };
        }
      }
      return null;
    }
  }

  private final HttpServer server;
  final List<ExportedSpan> spans = new CopyOnWriteArrayList<>();
  final List<ExportMetricsServiceRequest> metrics = new CopyOnWriteArrayList<>();
  final List<ExportedLog> logs = new CopyOnWriteArrayList<>();
  final List<byte[]> envelopes = new CopyOnWriteArrayList<>();
  private final JsonSerializer sentryJson = sentrySerializer();

  LoopbackCollector() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.createContext("/v1/traces", this::traces);
    server.createContext("/v1/metrics", this::metrics);
    server.createContext("/v1/logs", this::logs);
    server.createContext("/api/", this::sentry);
    server.start();
  }

  /**
   * Sentry's JSON serializer. Made reflectively because {@code SentryOptions}'s class file carries
   * JetBrains annotations that are not on the class path, and compiling against it warns.
   */
  private static JsonSerializer sentrySerializer() {
    try {
      Class<?> options = Class.forName("io.sentry.SentryOptions");
      return JsonSerializer.class
          .getConstructor(options)
          .newInstance(options.getConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("Sentry's serializer is not available", e);
    }
  }

  String otlpEndpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  String sentryDsn() {
    return "http://public@127.0.0.1:" + server.getAddress().getPort() + "/1";
  }

  private static byte[] body(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
      in = new GZIPInputStream(in);
    }
    return in.readAllBytes();
  }

  private void traces(HttpExchange exchange) throws IOException {
    try (exchange) {
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body(exchange));
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          for (Span span : scope.getSpansList()) {
            spans.add(new ExportedSpan(span, resource.getResource()));
          }
        }
      }
      byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
      if (reply.length > 0) {
        exchange.getResponseBody().write(reply);
      }
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    try (exchange) {
      metrics.add(ExportMetricsServiceRequest.parseFrom(body(exchange)));
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private void logs(HttpExchange exchange) throws IOException {
    try (exchange) {
      ExportLogsServiceRequest request = ExportLogsServiceRequest.parseFrom(body(exchange));
      for (ResourceLogs resource : request.getResourceLogsList()) {
        for (ScopeLogs scope : resource.getScopeLogsList()) {
          for (LogRecord record : scope.getLogRecordsList()) {
            logs.add(new ExportedLog(scope.getScope().getName(), record));
          }
        }
      }
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, -1);
    }
  }

  private void sentry(HttpExchange exchange) throws IOException {
    try (exchange) {
      envelopes.add(body(exchange));
      byte[] reply = "{}".getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, reply.length);
      exchange.getResponseBody().write(reply);
    }
  }

  /** The error events received so far, decoded. */
  List<SentryEvent> events() throws IOException {
    List<SentryEvent> events = new ArrayList<>();
    EnvelopeReader reader = new EnvelopeReader(sentryJson);
    for (byte[] raw : envelopes) {
      SentryEnvelope envelope = reader.read(new ByteArrayInputStream(raw));
      if (envelope == null) {
        continue;
      }
      for (SentryEnvelopeItem item : envelope.getItems()) {
        if (item.getHeader().getType() == SentryItemType.Event) {
          try (Reader json =
              new InputStreamReader(
                  new ByteArrayInputStream(item.getData()), StandardCharsets.UTF_8)) {
            SentryEvent event = sentryJson.deserialize(json, SentryEvent.class);
            if (event != null) {
              events.add(event);
            }
          } catch (Exception e) {
            throw new IOException("cannot read a Sentry event", e);
          }
        }
      }
    }
    return events;
  }

  /** The raw text of every envelope received. */
  String rawEnvelopes() {
    StringBuilder text = new StringBuilder();
    for (byte[] raw : envelopes) {
      text.append(new String(raw, StandardCharsets.UTF_8)).append('\n');
    }
    return text.toString();
  }

  /** The exported spans of one trace. */
  List<ExportedSpan> trace(String traceId) {
    return spans.stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
