package dev.observability.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.sentry.SentryClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sentry's client is built by the first event, on a thread of its own. */
class LazyClientTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final List<Throwable> internalErrors = new CopyOnWriteArrayList<>();
  private final AtomicInteger envelopes = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private final List<String> buildThreads = new CopyOnWriteArrayList<>();
  private HttpServer ingest;

  @BeforeEach
  void startIngest() throws IOException {
    ingest = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ingest.createContext(
        "/api/1/envelope/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            envelopes.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
          }
        });
    ingest.start();
  }

  @AfterEach
  void stopIngest() {
    release.countDown();
    ingest.stop(0);
  }

  private ErrorTracker tracker(int queueSize, Duration flushTimeout, boolean waitForRelease) {
    ErrorsSettings settings =
        new ErrorsSettings(
            "http://key@127.0.0.1:" + ingest.getAddress().getPort() + "/1",
            "test",
            "1.0",
            "test-host",
            1.0,
            false,
            false,
            0,
            Duration.ofMinutes(1),
            100,
            queueSize,
            flushTimeout,
            Duration.ofSeconds(5),
            false,
            false,
            false);
    return new ErrorTracker(
        settings,
        Scrubber.defaults(),
        ObservationRegistry.create(),
        meters,
        (component, error) -> internalErrors.add(error),
        new DeliveryTracker(queueSize),
        options -> {
          buildThreads.add(Thread.currentThread().getName());
          if (waitForRelease) {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          return new SentryClient(options);
        });
  }

  private double count(String name, String... tags) {
    Counter counter = meters.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void start_buildsNoClient_theFirstCaptureBuildsItOnAThreadOfItsOwn() {
    ErrorTracker tracker = tracker(10, Duration.ofSeconds(2), false);
    try {
      assertThat(tracker.clientBuilt()).isFalse();
      assertThat(buildThreads).isEmpty();

      assertThat(tracker.capture(new IllegalStateException("first"))).isNotEmpty();

      await().atMost(Duration.ofSeconds(10)).until(tracker::clientBuilt);
      assertThat(buildThreads)
          .containsExactly("observability-errors-client")
          .doesNotContain(Thread.currentThread().getName());
      await().atMost(Duration.ofSeconds(10)).until(() -> count(ErrorsMeters.SENT) == 1);
      assertThat(envelopes).hasValue(1);
    } finally {
      tracker.close();
    }
  }

  @Test
  void captures_whileTheClientIsBuilt_waitInTheBoundedQueue_andAreSentOnceItIsReady() {
    ErrorTracker tracker = tracker(3, Duration.ofSeconds(2), true);
    try {
      // The build is held: none of these could return if a capture waited for it.
      List<String> ids =
          List.of(
              tracker.capture(new IllegalStateException("a")),
              tracker.capture(new IllegalStateException("b")),
              tracker.capture(new IllegalStateException("c")),
              tracker.capture(new IllegalStateException("d")));

      assertThat(ids.subList(0, 3))
          .allSatisfy(id -> assertThat(id).hasSize(32))
          .doesNotHaveDuplicates();
      assertThat(ids.get(3)).isEmpty();
      assertThat(count(ErrorsMeters.SEND_FAILURES, "reason", "queue_full")).isEqualTo(1);
      assertThat(tracker.queued()).isEqualTo(3);
      assertThat(tracker.clientBuilt()).isFalse();

      release.countDown();

      await().atMost(Duration.ofSeconds(10)).until(() -> count(ErrorsMeters.SENT) == 3);
      assertThat(envelopes).hasValue(3);
      assertThat(tracker.queued()).isZero();
      assertThat(internalErrors).isEmpty();
    } finally {
      tracker.close();
    }
  }

  @Test
  void close_rightAfterTheFirstCapture_waitsForTheClient_andSendsTheEvent() throws Exception {
    ErrorTracker tracker = tracker(10, Duration.ofSeconds(10), true);
    tracker.capture(new IllegalStateException("just before shutdown"));
    Thread closer = new Thread(tracker::close, "closer");
    closer.start();
    await().atMost(Duration.ofSeconds(10)).until(tracker::isClosed);

    release.countDown();
    closer.join();

    assertThat(count(ErrorsMeters.SENT)).isEqualTo(1);
    assertThat(envelopes).hasValue(1);
    assertThat(count(ErrorsMeters.SEND_FAILURES, "reason", "shutdown")).isZero();
  }

  @Test
  void close_whenTheClientIsNeverReady_returnsAndCountsHeldEventsAsLostToShutdown() {
    ErrorTracker tracker = tracker(10, Duration.ofMillis(200), true);
    tracker.capture(new IllegalStateException("one"));
    tracker.capture(new IllegalStateException("two"));

    // The build never ends while close() runs: returning at all proves close() is bounded.
    tracker.close();

    assertThat(count(ErrorsMeters.SEND_FAILURES, "reason", "shutdown")).isEqualTo(2);
    assertThat(tracker.queued()).isZero();
    assertThat(envelopes).hasValue(0);
  }

  @Test
  void close_withoutAnyCapture_buildsNoClient() {
    ErrorTracker tracker = tracker(10, Duration.ofSeconds(2), false);

    tracker.close();

    assertThat(buildThreads).isEmpty();
    assertThat(tracker.clientBuilt()).isFalse();
  }
}
