package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * OpenTelemetry's OTLP/HTTP exporter with {@link BlockingHttpSender}, against loopback collectors:
 * a JDK {@link HttpServer} that decodes each body with {@code opentelemetry-proto}, and raw sockets
 * for a collector that stops reading.
 */
class BlockingHttpSenderTest {

  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final ExecutorService serverThreads = Executors.newFixedThreadPool(2);
  private final List<AutoCloseable> closing = new ArrayList<>();
  private HttpServer server;

  /** What the collector saw of one request. */
  record Seen(int remotePort, String contentType, String encoding, String tenant, int spans) {}

  private final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (server != null) {
      server.stop(0);
    }
    serverThreads.shutdownNow();
  }

  /** Starts a collector that answers each request with the next status of {@code statuses}. */
  private String collector(Consumer<HttpExchange> beforeAnswer, int... statuses)
      throws IOException {
    Queue<Integer> answers = new ConcurrentLinkedQueue<>();
    for (int status : statuses) {
      answers.add(status);
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (exchange) {
            InputStream body = exchange.getRequestBody();
            String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
            if ("gzip".equals(encoding)) {
              body = new GZIPInputStream(body);
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            int spans =
                request.getResourceSpansList().stream()
                    .flatMap(r -> r.getScopeSpansList().stream())
                    .mapToInt(s -> s.getSpansCount())
                    .sum();
            seen.add(
                new Seen(
                    exchange.getRemoteAddress().getPort(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    encoding,
                    exchange.getRequestHeaders().getFirst("X-Tenant"),
                    spans));
            beforeAnswer.accept(exchange);
            Integer next = answers.poll();
            int status = next == null ? 200 : next;
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(status, response.length == 0 ? -1 : response.length);
            exchange.getResponseBody().write(response);
          }
        });
    server.setExecutor(serverThreads);
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";
  }

  private OtlpHttpSpanExporter exporter(String endpoint, RetryPolicy retry, String compression) {
    OtlpHttpSpanExporterBuilder builder =
        OtlpHttpSpanExporter.builder()
            .setEndpoint(endpoint)
            .setTimeout(TIMEOUT)
            .setCompression(compression)
            .setRetryPolicy(retry)
            .setMeterProvider(MeterProvider::noop)
            .addHeader("X-Tenant", "blue")
            .setComponentLoader(BlockingHttpSender.loader());
    OtlpHttpSpanExporter exporter = builder.build();
    closing.add(exporter::close);
    return exporter;
  }

  /** Ended spans, {@code size} bytes of attribute each, as the SDK hands them to an exporter. */
  private List<SpanData> spans(int count, int size) {
    InMemorySpanExporter ended = new InMemorySpanExporter();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setSpanLimits(SpanLimits.builder().setMaxAttributeValueLength(size).build())
            .addSpanProcessor(SimpleSpanProcessor.create(ended))
            .build();
    String value = "x".repeat(size);
    for (int i = 0; i < count; i++) {
      provider
          .get("test")
          .spanBuilder("span-" + i)
          .setAttribute(AttributeKey.stringKey("payload"), value)
          .startSpan()
          .end();
    }
    provider.close();
    return ended.spans();
  }

  private static CompletableResultCode export(OtlpHttpSpanExporter exporter, List<SpanData> spans) {
    return exporter.export(spans).join(60, TimeUnit.SECONDS);
  }

  @Test
  void exportsReachTheCollectorOverOneKeptAliveConnection() throws IOException {
    OtlpHttpSpanExporter exporter = exporter(collector(exchange -> {}), null, "none");

    for (int i = 0; i < 5; i++) {
      assertThat(export(exporter, spans(3, 10)).isSuccess()).isTrue();
    }

    assertThat(seen).hasSize(5);
    assertThat(seen).extracting(Seen::spans).containsOnly(3);
    assertThat(seen).extracting(Seen::contentType).containsOnly("application/x-protobuf");
    assertThat(seen).extracting(Seen::tenant).containsOnly("blue");
    assertThat(seen.stream().map(Seen::remotePort).collect(Collectors.toSet()))
        .as("client ports")
        .hasSize(1);
  }

  @Test
  void gzipBodiesCarryTheirEncoding() throws IOException {
    OtlpHttpSpanExporter exporter = exporter(collector(exchange -> {}), null, "gzip");

    assertThat(export(exporter, spans(50, 200)).isSuccess()).isTrue();

    assertThat(seen)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.encoding()).isEqualTo("gzip");
              assertThat(s.spans()).isEqualTo(50);
            });
  }

  @Test
  void retryableStatusesAreRetriedUntilTheCollectorTakesTheBatch() throws IOException {
    RetryPolicy retry =
        RetryPolicy.builder()
            .setInitialBackoff(Duration.ofMillis(10))
            .setMaxBackoff(Duration.ofMillis(50))
            .build();
    OtlpHttpSpanExporter exporter =
        exporter(collector(exchange -> {}, 503, 429, 200), retry, "none");

    assertThat(export(exporter, spans(2, 10)).isSuccess()).isTrue();

    assertThat(seen).hasSize(3);
  }

  @Test
  void retryAfterReplacesTheBackoff() throws IOException {
    // A backoff longer than the timeout would give up at once; Retry-After: 0 asks to come back
    // now.
    RetryPolicy retry =
        RetryPolicy.builder()
            .setInitialBackoff(Duration.ofMinutes(1))
            .setMaxBackoff(Duration.ofMinutes(1))
            .build();
    OtlpHttpSpanExporter exporter =
        exporter(
            collector(exchange -> exchange.getResponseHeaders().add("Retry-After", "0"), 503, 200),
            retry,
            "none");

    assertThat(export(exporter, spans(2, 10)).isSuccess()).isTrue();

    assertThat(seen).hasSize(2);
  }

  @Test
  void clientErrorsAndUnretriedFailuresAreNotRetried() throws IOException {
    String endpoint = collector(exchange -> {}, 400, 503);

    assertThat(
            export(exporter(endpoint, RetryPolicy.getDefault(), "none"), spans(1, 10)).isSuccess())
        .isFalse();
    assertThat(seen).hasSize(1);

    assertThat(export(exporter(endpoint, null, "none"), spans(1, 10)).isSuccess()).isFalse();
    assertThat(seen).hasSize(2);
  }

  @Test
  void aCollectorThatStopsReadingCostsTheTimeoutAndNoMore() throws Exception {
    // Accepts and never reads: once the socket buffers are full, the body's write blocks.
    ServerSocket stalled = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closing.add(stalled);
    List<Socket> accepted = new CopyOnWriteArrayList<>();
    closing.add(
        () -> {
          for (Socket socket : accepted) {
            socket.close();
          }
        });
    Thread acceptor =
        new Thread(
            () -> {
              try {
                while (true) {
                  accepted.add(stalled.accept());
                }
              } catch (IOException closed) {
                // the test is over
              }
            });
    acceptor.setDaemon(true);
    acceptor.start();
    OtlpHttpSpanExporter exporter =
        OtlpHttpSpanExporter.builder()
            .setEndpoint("http://127.0.0.1:" + stalled.getLocalPort() + "/v1/traces")
            .setTimeout(Duration.ofSeconds(1))
            .setRetryPolicy(null)
            .setMeterProvider(MeterProvider::noop)
            .setComponentLoader(BlockingHttpSender.loader())
            .build();
    closing.add(exporter::close);
    // About 16 MB, more than loopback's socket buffers hold.
    List<SpanData> large = spans(512, 32 * 1024);

    // The sender works on the calling thread: export from another one, so that a write that
    // never ends fails the test instead of hanging it.
    ExecutorService caller = Executors.newSingleThreadExecutor();
    closing.add(caller::shutdownNow);
    Future<CompletableResultCode> exported = caller.submit(() -> export(exporter, large));

    CompletableResultCode result = exported.get(60, TimeUnit.SECONDS);

    assertThat(result.isDone()).as("export finished").isTrue();
    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getFailureThrowable()).hasStackTraceContaining("export timed out");
  }

  @Test
  void aResponseBodyOverTheLimitFailsTheExport() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/v1/traces",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            byte[] chunk = new byte[64 * 1024];
            exchange.sendResponseHeaders(200, 0);
            for (int i = 0; i < 80; i++) {
              exchange.getResponseBody().write(chunk);
            }
          } catch (IOException closedByClient) {
            // the client stops reading at the limit
          }
        });
    server.setExecutor(serverThreads);
    server.start();
    String endpoint = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/traces";

    CompletableResultCode result = export(exporter(endpoint, null, "none"), spans(1, 10));

    assertThat(result.isSuccess()).isFalse();
    assertThat(result.getFailureThrowable()).hasStackTraceContaining("larger than");
  }

  @Test
  void shutdownStopsTheWatchdog() throws IOException {
    OtlpHttpSpanExporter exporter = exporter(collector(exchange -> {}), null, "none");
    Set<Thread> before = watchdogs();
    assertThat(export(exporter, spans(1, 10)).isSuccess()).isTrue();
    Set<Thread> started = watchdogs();
    started.removeAll(before);
    assertThat(started).hasSize(1);

    exporter.shutdown().join(10, TimeUnit.SECONDS);

    await().atMost(Duration.ofSeconds(10)).until(() -> started.stream().noneMatch(Thread::isAlive));
  }

  private static Set<Thread> watchdogs() {
    Set<Thread> found = ConcurrentHashMap.newKeySet();
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals("observability-tracing-export-watchdog") && thread.isAlive()) {
        found.add(thread);
      }
    }
    return found;
  }
}
