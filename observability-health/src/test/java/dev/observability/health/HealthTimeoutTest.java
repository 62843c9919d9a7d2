package dev.observability.health;

import static dev.observability.health.HealthTestSupport.get;
import static dev.observability.health.HealthTestSupport.getBlocking;
import static dev.observability.health.HealthTestSupport.registry;
import static dev.observability.health.HealthTestSupport.withServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.HealthEndpoint.Group;
import dev.observability.Observability;
import dev.observability.health.HealthTestSupport.Answer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Checks that never return: the response still arrives by the deadline. */
class HealthTimeoutTest {

  private static final Duration TIMEOUT = Duration.ofMillis(500);

  /** Released after each test, so that hung checks end and their threads are freed. */
  private final CountDownLatch release = new CountDownLatch(1);

  private final AtomicInteger hungRuns = new AtomicInteger();

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void releaseAndClose() {
    release.countDown();
    Observability.current().ifPresent(Observability::close);
  }

  private HealthCheck hanging() {
    return () -> {
      hungRuns.incrementAndGet();
      release.await();
      return HealthCheck.Result.up();
    };
  }

  private static HealthCheckOptions timeout(boolean critical) {
    return HealthCheckOptions.builder().critical(critical).timeout(TIMEOUT).build();
  }

  /**
   * Runs the whole timeout path once (server, client, a check that outlives a short timeout,
   * rendering), so that the timed request measures the deadline and not class loading or the first
   * linkage of the code on it.
   */
  private static void warmUp(Observability obs) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    registry(obs)
        .register(
            "warm-up",
            () -> {
              never.await(100, TimeUnit.MILLISECONDS);
              return HealthCheck.Result.up();
            },
            HealthCheckOptions.builder()
                .timeout(Duration.ofMillis(10))
                .groups(HealthGroup.LIVENESS)
                .build());
    for (int i = 0; i < 3; i++) {
      Answer answer = getBlocking(obs, "/health/live");
      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.check("warm-up").path("status").asText()).isEqualTo("down");
    }
    registry(obs).unregister("warm-up");
  }

  @Test
  void hangingCriticalCheck_answers503WithinTimeoutPlus100ms() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs).register("fast", HealthCheck.Result::up);
      registry(obs).register("stuck", hanging(), timeout(true));
      warmUp(obs);

      long start = System.nanoTime();
      Answer answer = getBlocking(obs, "/health/ready");
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(elapsedMs).isLessThan(TIMEOUT.toMillis() + 100);
      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.json().path("status").asText()).isEqualTo("unhealthy");
      assertThat(answer.check("stuck").path("status").asText()).isEqualTo("down");
      assertThat(answer.check("stuck").path("error").asText()).isEqualTo("timed out after 500 ms");
      assertThat(answer.check("stuck").path("duration_ms").asLong())
          .isGreaterThanOrEqualTo(TIMEOUT.toMillis());
      assertThat(answer.check("fast").path("status").asText()).isEqualTo("up");
    }
  }

  @Test
  void hangingNonCriticalCheck_answers200DegradedWithinTimeoutPlus100ms() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs).register("fast", HealthCheck.Result::up);
      registry(obs).register("stuck", hanging(), timeout(false));
      warmUp(obs);

      long start = System.nanoTime();
      Answer answer = getBlocking(obs, "/health/ready");
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(elapsedMs).isLessThan(TIMEOUT.toMillis() + 100);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().path("status").asText()).isEqualTo("degraded");
      assertThat(answer.check("stuck").path("critical").asBoolean()).isFalse();
      assertThat(answer.check("stuck").path("error").asText()).isEqualTo("timed out after 500 ms");
    }
  }

  @Test
  void severalHangingChecks_waitInParallelNotInSequence() throws Exception {
    try (Observability obs = withServer().start()) {
      for (int i = 0; i < 4; i++) {
        registry(obs).register("stuck-" + i, hanging(), timeout(i % 2 == 0));
      }
      warmUp(obs);

      long start = System.nanoTime();
      Answer answer = getBlocking(obs, "/health");
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(elapsedMs).isLessThan(TIMEOUT.toMillis() + 100);
      assertThat(answer.status()).isEqualTo(503);
      for (int i = 0; i < 4; i++) {
        assertThat(answer.check("stuck-" + i).path("error").asText())
            .isEqualTo("timed out after 500 ms");
      }
    }
  }

  @Test
  void hungCheck_isNotStartedAgainWhileRunning() throws Exception {
    try (Observability obs =
        withServer().property("health.threads", "2").meterRegistry(meters).start()) {
      registry(obs).register("stuck", hanging(), timeout(true));
      assertThat(get(obs, "/health/ready").status()).isEqualTo(503);

      for (int i = 0; i < 5; i++) {
        Answer answer = get(obs, "/health/ready");
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.check("stuck").path("error").asText())
            .isEqualTo("timed out after 500 ms");
      }

      assertThat(hungRuns.get()).isEqualTo(1);
      assertThat(meters.get("observability.health.check.timeouts").counter().count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void hungCheck_afterItReturns_runsAgainAndRecovers() throws Exception {
    try (Observability obs = withServer().start()) {
      CountDownLatch once = new CountDownLatch(1);
      AtomicInteger runs = new AtomicInteger();
      registry(obs)
          .register(
              "slow-once",
              () -> {
                if (runs.incrementAndGet() == 1) {
                  once.await();
                }
                return HealthCheck.Result.up();
              },
              timeout(true));
      assertThat(get(obs, "/health/ready").status()).isEqualTo(503);

      once.countDown();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> get(obs, "/health/ready").status() == 200);

      assertThat(runs.get()).isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void saturatedExecutor_reportsNotRunInsteadOfBlocking() throws Exception {
    try (Observability obs =
        withServer()
            .property("health.threads", "1")
            .property("health.queue-size", "1")
            .property("health.deadlock-check", "false")
            .meterRegistry(meters)
            .start()) {
      registry(obs).register("stuck-a", hanging(), timeout(true));
      registry(obs).register("stuck-b", hanging(), timeout(true));
      registry(obs).register("rejected", HealthCheck.Result::up, timeout(false));

      long start = System.nanoTime();
      Answer answer = getBlocking(obs, "/health");
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

      assertThat(elapsedMs).isLessThan(TIMEOUT.toMillis() + 1_000);
      assertThat(answer.check("stuck-a").path("error").asText())
          .isEqualTo("timed out after 500 ms");
      assertThat(answer.check("stuck-b").path("error").asText())
          .isEqualTo("timed out after 500 ms");
      assertThat(answer.check("rejected").path("error").asText())
          .isEqualTo("not run: executor saturated");
      assertThat(
              meters
                  .get("observability.health.check.rejected")
                  .tag("check", "rejected")
                  .counter()
                  .count())
          .isEqualTo(1.0);
      assertThat(hungRuns.get()).isEqualTo(1);
    }
  }

  @Test
  void closing_withAHungCheck_returnsPromptly() throws Exception {
    Observability obs = withServer().start();
    registry(obs).register("stuck", hanging(), timeout(true));
    assertThat(HealthTestSupport.check(obs, Group.READINESS).status()).isEqualTo(503);

    long start = System.nanoTime();
    obs.close();
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

    // A bound that proves close() did not hang on the check (shutdown.timeout is 5 s).
    assertThat(elapsedMs).isLessThan(5_000 + 1_000);
  }
}
