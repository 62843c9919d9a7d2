package dev.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A collector that refuses connections, and one that accepts and never answers: the request path
 * sees no exception and no wait, memory stays within the caps, and every lost span is counted with
 * its reason.
 */
class CollectorFailureTest {

  private static final Duration OTLP_TIMEOUT = Duration.ofSeconds(2);
  private static final int QUEUE = 64;
  private static final int MAX_BUFFERED_SPANS = 100;

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private ServerSocket hanging;
  private Observability obs;

  @AfterEach
  void close() throws IOException {
    if (obs != null) {
      obs.close();
    }
    if (hanging != null) {
      hanging.close();
    }
    for (Socket socket : accepted) {
      socket.close();
    }
  }

  private Observability start(String endpoint) {
    ObservabilityBuilder builder =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new TracingModule())
            .meterRegistry(registry)
            .property("shutdown.hook", "false")
            .property("shutdown.timeout", "2s")
            .property("tracing.otlp.endpoint", endpoint)
            .property("tracing.otlp.timeout", OTLP_TIMEOUT.toMillis() + "ms")
            .property("tracing.otlp.retry", "false")
            .property("tracing.sample-ratio", "0")
            .property("tracing.max-buffered-spans", Integer.toString(MAX_BUFFERED_SPANS))
            .property("tracing.export.max-queue-size", Integer.toString(QUEUE))
            .property("tracing.export.max-batch-size", "16")
            .property("tracing.export.schedule-delay", "50ms")
            .property("tracing.export.timeout", "2s");
    obs = builder.start();
    return obs;
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private String hangingCollector() throws IOException {
    hanging = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor =
        new Thread(
            () -> {
              while (!hanging.isClosed()) {
                try {
                  accepted.add(hanging.accept());
                } catch (IOException e) {
                  return;
                }
              }
            },
            "hanging-collector");
    acceptor.setDaemon(true);
    acceptor.start();
    return "http://127.0.0.1:" + hanging.getLocalPort();
  }

  /**
   * Serves {@code count} failing requests (kept by the error policy) with one child span each;
   * returns the slowest call in ns.
   */
  private long serve(int count, List<String> failures) {
    long slowest = 0;
    for (int i = 0; i < count; i++) {
      long start = System.nanoTime();
      try {
        Requests.serve(
            obs,
            "GET",
            "/items",
            null,
            "/items",
            Map.of(),
            context -> {
              obs.observe("db.query", () -> {});
              context.setStatus(500);
            });
      } catch (RuntimeException e) {
        failures.add(e.toString());
      }
      slowest = Math.max(slowest, System.nanoTime() - start);
      assertThat(gauge("observability.spans.queued")).isLessThanOrEqualTo(QUEUE);
      assertThat(gauge("observability.spans.buffered")).isLessThanOrEqualTo(MAX_BUFFERED_SPANS);
    }
    return slowest;
  }

  /**
   * Opens 20 healthy roots with 10 children each: the tail-sampling buffer fills up to its cap of
   * 100 spans, the other 100 are dropped as {@code buffer_full}, and the roots are dropped by the
   * ratio when they end.
   */
  private void fillBuffer() {
    List<Span> roots = new ArrayList<>();
    for (int r = 0; r < 20; r++) {
      Span root = obs.tracer().spanBuilder("batch").setNoParent().startSpan();
      roots.add(root);
      for (int c = 0; c < 10; c++) {
        obs.tracer()
            .spanBuilder("item")
            .setParent(io.opentelemetry.context.Context.root().with(root))
            .startSpan()
            .end();
        assertThat(gauge("observability.spans.buffered")).isLessThanOrEqualTo(MAX_BUFFERED_SPANS);
      }
    }
    assertThat(gauge("observability.spans.buffered")).isEqualTo(MAX_BUFFERED_SPANS);
    roots.forEach(Span::end);
    assertThat(gauge("observability.spans.buffered")).isZero();
  }

  private double gauge(String name) {
    return registry.get(name).gauge().value();
  }

  private double dropped(String reason) {
    var counter =
        registry.find("observability.spans.dropped").tag("reason", reason).functionCounter();
    return counter == null ? 0 : counter.count();
  }

  private double exported() {
    return registry.get("observability.spans.exported").functionCounter().count();
  }

  @Test
  void collectorDown_callsNeitherFailNorWait_everyLostSpanCountedWithItsReason()
      throws IOException {
    start("http://127.0.0.1:" + closedPort());
    List<String> failures = new ArrayList<>();

    long slowest = serve(2_000, failures);
    fillBuffer();

    assertThat(failures).isEmpty();
    // Did not hang: no call waited for an export (which could take up to the OTLP timeout).
    assertThat(Duration.ofNanos(slowest)).isLessThan(OTLP_TIMEOUT);
    await().atMost(Duration.ofSeconds(20)).until(() -> dropped("export_failed") > 0);
    obs.close();
    // 2,000 failing requests of 2 spans, all kept: each span either failed to export or found the
    // queue full; nothing vanished uncounted.
    assertThat(dropped("buffer_full")).isEqualTo(100);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(dropped("export_failed") + dropped("export_queue_full"))
                    .isEqualTo(2_000 * 2));
    assertThat(exported()).isZero();
  }

  @Test
  void collectorHanging_callsNeitherFailNorWait_queueBounded_dropsCounted() throws IOException {
    start(hangingCollector());
    List<String> failures = new ArrayList<>();

    long slowest = serve(500, failures);
    fillBuffer();

    assertThat(failures).isEmpty();
    assertThat(Duration.ofNanos(slowest)).isLessThan(OTLP_TIMEOUT);
    assertThat(dropped("export_queue_full")).isPositive();
    await().atMost(Duration.ofSeconds(20)).until(() -> dropped("export_failed") > 0);
    long closing = System.nanoTime();
    obs.close();
    // close() is bounded by shutdown.timeout (2 s) even though exports still hang.
    assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(3));
    assertThat(exported()).isZero();
  }
}
