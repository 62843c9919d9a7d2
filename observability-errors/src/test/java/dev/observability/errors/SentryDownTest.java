package dev.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.observability.Observability;
import dev.observability.errors.internal.ErrorTracker;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sentry answering 500, 429, not at all, or not listening: callers and memory are unaffected. */
class SentryDownTest {

  private static final int THREADS = 8;
  private static final int CAPTURES_PER_THREAD = 200;
  private static final int TOTAL = THREADS * CAPTURES_PER_THREAD;
  private static final String FAILURES = "observability.errors.send.failures";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final ExecutorService callers = Executors.newFixedThreadPool(THREADS);

  @AfterEach
  void stopCallers() {
    callers.shutdownNow();
  }

  @Test
  void ingestAnswers500_underConcurrentCaptures_callersUnaffectedAndEveryEventCounted()
      throws Exception {
    try (FakeSentry sentry = new FakeSentry(FakeSentry.Mode.ERROR_500);
        Observability obs = ErrorsTesting.start(sentry, registry, limits(10))) {
      ErrorTracker tracker = (ErrorTracker) obs.errors();

      List<String> ids = captureConcurrently(obs);

      assertThat(ids).hasSize(TOTAL);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> failures("http_error") + failures("queue_full") == TOTAL);
      assertThat(failures("http_error")).isPositive();
      assertThat(sent()).isZero();
      assertThat(tracker.maxQueued()).isLessThanOrEqualTo(10);
      assertThat(tracker.queued()).isZero();
      assertThat(sentry.failures()).isEmpty();
    }
  }

  @Test
  void ingestAnswers429_eventsCountedAsRateLimited_andLaterOnesDroppedBeforeTheNetwork()
      throws Exception {
    try (FakeSentry sentry = new FakeSentry(FakeSentry.Mode.TOO_MANY_429);
        Observability obs = ErrorsTesting.start(sentry, registry, limits(100))) {
      obs.errors().capture(new IllegalStateException("throttled"));
      await().atMost(Duration.ofSeconds(10)).until(() -> failures("rate_limited") == 1);

      for (int i = 0; i < 19; i++) {
        assertThat(obs.errors().capture(new IllegalStateException("backing off " + i))).isEmpty();
      }

      assertThat(failures("rate_limited")).isEqualTo(20);
      assertThat(sent()).isZero();
      assertThat(sentry.requests()).isEqualTo(1);
    }
  }

  @Test
  void ingestNeverAnswers_capturesReturnWithoutWaiting_queueBounded_closeWithinBudget()
      throws Exception {
    try (FakeSentry sentry = new FakeSentry(FakeSentry.Mode.HANG)) {
      Map<String, String> props = new java.util.HashMap<>(limits(5));
      props.put("errors.send-timeout", "30s");
      props.put("errors.flush-timeout", "1s");
      Observability obs = ErrorsTesting.start(sentry, registry, props);
      ErrorTracker tracker = (ErrorTracker) obs.errors();
      try {
        List<String> ids = captureConcurrently(obs);

        // Every capture returned while the ingest had not answered a single request: no caller
        // waited on the network.
        assertThat(ids).hasSize(TOTAL);
        assertThat(ids.stream().filter(id -> !id.isEmpty())).hasSizeLessThanOrEqualTo(5);
        assertThat(sentry.answered()).isZero();
        assertThat(tracker.maxQueued()).isLessThanOrEqualTo(5);
        assertThat(failures("queue_full")).isGreaterThanOrEqualTo(TOTAL - 5);
      } finally {
        long start = System.nanoTime();
        obs.close();
        long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        // Proves close() did not hang on the unanswered request (bound: budget + 1 s).
        assertThat(closeMillis).isLessThan(2_000);
      }
      assertThat(failures("queue_full") + failures("shutdown")).isEqualTo(TOTAL);
      assertThat(failures("shutdown")).isBetween(1.0, 5.0);
      assertThat(tracker.queued()).isZero();
    }
  }

  @Test
  void ingestNotListening_eventsCountedAsNetworkErrors() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    try (Observability obs =
        ErrorsTesting.builder(
                Map.of(
                    "errors.dsn", "http://key@127.0.0.1:" + port + "/1",
                    "errors.rate-limit", "0",
                    "errors.queue-size", "100"))
            .meterRegistry(registry)
            .start()) {
      for (int i = 0; i < 10; i++) {
        // The id may already be "" when the refusal came back before capture returned.
        obs.errors().capture(new IllegalStateException("refused " + i));
      }

      await().atMost(Duration.ofSeconds(10)).until(() -> failures("network_error") == 10);
      assertThat(sent()).isZero();
    }
  }

  @Test
  void ingestRecovers_eventsAreSentAndCounted() throws Exception {
    try (FakeSentry sentry = new FakeSentry(FakeSentry.Mode.ERROR_500);
        Observability obs = ErrorsTesting.start(sentry, registry, limits(100))) {
      obs.errors().capture(new IllegalStateException("while down"));
      await().atMost(Duration.ofSeconds(10)).until(() -> failures("http_error") == 1);

      sentry.mode(FakeSentry.Mode.OK);
      obs.errors().capture(new IllegalStateException("after recovery"));

      await().atMost(Duration.ofSeconds(10)).until(() -> sent() == 1);
      sentry.awaitEvent(e -> FakeSentry.hasException(e, "after recovery"));
    }
  }

  private List<String> captureConcurrently(Observability obs) throws Exception {
    List<Future<List<String>>> futures = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int thread = t;
      futures.add(
          callers.submit(
              () -> {
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < CAPTURES_PER_THREAD; i++) {
                  ids.add(
                      obs.errors()
                          .capture(new IllegalStateException("failure " + thread + "-" + i)));
                }
                return ids;
              }));
    }
    List<String> all = new ArrayList<>();
    for (Future<List<String>> future : futures) {
      all.addAll(future.get(30, TimeUnit.SECONDS));
    }
    return all;
  }

  private static Map<String, String> limits(int queueSize) {
    return Map.of("errors.rate-limit", "0", "errors.queue-size", Integer.toString(queueSize));
  }

  private double failures(String reason) {
    return ErrorsTesting.count(registry, FAILURES, "reason", reason);
  }

  private double sent() {
    return ErrorsTesting.count(registry, "observability.errors.sent");
  }
}
