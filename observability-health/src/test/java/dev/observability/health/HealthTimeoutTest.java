package dev.observability.health;

import static dev.observability.health.HealthTestSupport.get;
import static dev.observability.health.HealthTestSupport.getBlocking;
import static dev.observability.health.HealthTestSupport.registry;
import static dev.observability.health.HealthTestSupport.withServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

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

/**
 * Checks that never return: the response still arrives, with the check timed out, while the check
 * is still blocked. Nothing here measures the time a response takes (the deadline itself is the
 * SDK's, reported in the check's {@code duration_ms}); the proof that a response did not wait for a
 * hung check is that it arrived while that check was still blocked.
 */
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

  @Test
  void hangingCriticalCheck_answers503AfterItsTimeout_whileTheCheckStillHangs() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs).register("fast", HealthCheck.Result::up);
      registry(obs).register("stuck", hanging(), timeout(true));
      Answer answer = getBlocking(obs, "/health/ready");

      assertThat(stillBlocked()).isTrue();
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
  void hangingNonCriticalCheck_answers200Degraded_whileTheCheckStillHangs() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs).register("fast", HealthCheck.Result::up);
      registry(obs).register("stuck", hanging(), timeout(false));
      Answer answer = getBlocking(obs, "/health/ready");

      assertThat(stillBlocked()).isTrue();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().path("status").asText()).isEqualTo("degraded");
      assertThat(answer.check("stuck").path("critical").asBoolean()).isFalse();
      assertThat(answer.check("stuck").path("error").asText()).isEqualTo("timed out after 500 ms");
    }
  }

  @Test
  void severalHangingChecks_timeOutTogether_eachWithItsOwnDeadline() throws Exception {
    try (Observability obs = withServer().start()) {
      for (int i = 0; i < 4; i++) {
        registry(obs).register("stuck-" + i, hanging(), timeout(i % 2 == 0));
      }

      Answer answer = getBlocking(obs, "/health");

      assertThat(stillBlocked()).isTrue();
      assertThat(hungRuns.get()).isEqualTo(4);
      assertThat(answer.status()).isEqualTo(503);
      for (int i = 0; i < 4; i++) {
        assertThat(answer.check("stuck-" + i).path("error").asText())
            .isEqualTo("timed out after 500 ms");
      }
    }
  }

  @Test
  void checks_runInParallelNotInSequence() throws Exception {
    // Each check returns only once all four are running at the same time: run one after another,
    // the first would wait for the others until its deadline.
    CountDownLatch allRunning = new CountDownLatch(4);
    try (Observability obs = withServer().start()) {
      for (int i = 0; i < 4; i++) {
        registry(obs)
            .register(
                "together-" + i,
                () -> {
                  allRunning.countDown();
                  return allRunning.await(30, TimeUnit.SECONDS)
                      ? HealthCheck.Result.up()
                      : HealthCheck.Result.down("ran alone");
                },
                HealthCheckOptions.builder().timeout(Duration.ofSeconds(30)).build());
      }

      Answer answer = getBlocking(obs, "/health");

      assertThat(answer.status()).isEqualTo(200);
      for (int i = 0; i < 4; i++) {
        assertThat(answer.check("together-" + i).path("status").asText()).isEqualTo("up");
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

      Answer answer = getBlocking(obs, "/health");

      assertThat(stillBlocked()).isTrue();
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

    // close() returns while the check still hangs (shutdown.timeout bounds it); the generous
    // limit only keeps a regression from hanging the build.
    assertTimeoutPreemptively(Duration.ofSeconds(60), obs::close);
    assertThat(stillBlocked()).isTrue();
    assertThat(obs.isClosed()).isTrue();
  }

  /** Whether the hung checks are still blocked (this test has not released them). */
  private boolean stillBlocked() {
    return release.getCount() == 1 && hungRuns.get() > 0;
  }
}
