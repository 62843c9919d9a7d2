package dev.observability.health;

import static dev.observability.health.HealthTestSupport.isolated;
import static dev.observability.health.HealthTestSupport.parse;
import static dev.observability.health.HealthTestSupport.registry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.HealthEndpoint;
import dev.observability.HealthEndpoint.Group;
import dev.observability.Observability;
import dev.observability.health.HealthTestSupport.Answer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** 100 concurrent callers share runs: no thundering herd onto a sick dependency. */
class ConcurrentCallersTest {

  private static final int CALLERS = 100;

  private final List<Thread> callerThreads = new ArrayList<>();
  private final ExecutorService callers =
      Executors.newFixedThreadPool(
          CALLERS,
          task -> {
            Thread thread = new Thread(task, "caller-" + callerThreads.size());
            thread.setDaemon(true);
            synchronized (callerThreads) {
              callerThreads.add(thread);
            }
            return thread;
          });
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger runs = new AtomicInteger();

  @AfterEach
  void stop() {
    release.countDown();
    callers.shutdownNow();
    Observability.current().ifPresent(Observability::close);
  }

  /** A check that counts its runs and answers once the test releases it. */
  private HealthCheck counting() {
    return () -> {
      runs.incrementAndGet();
      release.await();
      return HealthCheck.Result.up();
    };
  }

  /** Starts {@code CALLERS} callers at once, each asking {@code times} times. */
  private List<Future<List<Answer>>> call(HealthEndpoint endpoint, int times) {
    CountDownLatch start = new CountDownLatch(1);
    List<Future<List<Answer>>> answers = new ArrayList<>();
    for (int i = 0; i < CALLERS; i++) {
      answers.add(
          callers.submit(
              () -> {
                start.await();
                List<Answer> mine = new ArrayList<>();
                for (int t = 0; t < times; t++) {
                  mine.add(parse(endpoint.check(Group.READINESS)));
                }
                return mine;
              }));
    }
    start.countDown();
    return answers;
  }

  private static void assertAllUp(List<Future<List<Answer>>> answers) throws Exception {
    for (Future<List<Answer>> future : answers) {
      for (Answer answer : future.get(30, TimeUnit.SECONDS)) {
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.check("sick-db").path("status").asText()).isEqualTo("up");
      }
    }
  }

  @Test
  void hundredCallers_withoutCache_shareOneRunInProgress() throws Exception {
    try (Observability obs = isolated().property("health.deadlock-check", "false").start()) {
      registry(obs)
          .register(
              "sick-db",
              counting(),
              HealthCheckOptions.builder().timeout(Duration.ofSeconds(30)).build());
      HealthEndpoint endpoint = obs.require(HealthEndpoint.class);

      List<Future<List<Answer>>> answers = call(endpoint, 1);
      // Every caller is waiting (timed) for the one run in progress.
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> waitingCallers() == CALLERS);
      release.countDown();

      assertAllUp(answers);
      assertThat(runs.get()).isEqualTo(1);
    }
  }

  @Test
  void hundredCallers_withCacheTtl_runTheCheckOncePerTtl() throws Exception {
    try (Observability obs = isolated().property("health.deadlock-check", "false").start()) {
      registry(obs)
          .register(
              "sick-db",
              counting(),
              HealthCheckOptions.builder()
                  .timeout(Duration.ofSeconds(30))
                  .cacheTtl(Duration.ofHours(1))
                  .build());
      release.countDown();

      assertAllUp(call(obs.require(HealthEndpoint.class), 5));

      assertThat(runs.get()).isEqualTo(1);
    }
  }

  @Test
  void hundredCallers_withRefreshPeriod_runTheCheckOncePerPeriod() throws Exception {
    try (Observability obs = isolated().property("health.deadlock-check", "false").start()) {
      registry(obs)
          .register(
              "sick-db",
              counting(),
              HealthCheckOptions.builder()
                  .timeout(Duration.ofSeconds(30))
                  .refreshPeriod(Duration.ofHours(1))
                  .build());
      List<Future<List<Answer>>> answers = call(obs.require(HealthEndpoint.class), 5);
      release.countDown();

      assertAllUp(answers);

      assertThat(runs.get()).isEqualTo(1);
    }
  }

  @Test
  void hundredCallers_overSeveralPeriods_neverRunMoreThanOncePerPeriod() throws Exception {
    Duration period = Duration.ofMillis(200);
    release.countDown();
    try (Observability obs = isolated().property("health.deadlock-check", "false").start()) {
      long registered = System.nanoTime();
      registry(obs)
          .register(
              "sick-db",
              counting(),
              HealthCheckOptions.builder()
                  .refreshPeriod(period)
                  // Runs are instant; a long timeout keeps a starved pool thread from
                  // counting as DOWN on a loaded machine.
                  .timeout(Duration.ofSeconds(30))
                  .build());
      HealthEndpoint endpoint = obs.require(HealthEndpoint.class);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Integer>> loops = new ArrayList<>();
      for (int i = 0; i < CALLERS; i++) {
        loops.add(
            callers.submit(
                () -> {
                  start.await();
                  int calls = 0;
                  // At least one call each, even when the refreshes reach 3 runs before this
                  // caller starts.
                  do {
                    Answer answer = parse(endpoint.check(Group.READINESS));
                    assertThat(answer.check("sick-db").path("status").asText()).isEqualTo("up");
                    calls++;
                  } while (runs.get() < 3);
                  return calls;
                }));
      }
      start.countDown();
      int calls = 0;
      for (Future<Integer> loop : loops) {
        calls += loop.get(60, TimeUnit.SECONDS);
      }
      int observedRuns = runs.get();
      long elapsed = System.nanoTime() - registered;

      // One run at registration, then at most one per period.
      assertThat((long) observedRuns).isLessThanOrEqualTo(elapsed / period.toNanos() + 1);
      assertThat(calls).isGreaterThanOrEqualTo(CALLERS);
    }
  }

  private int waitingCallers() {
    int waiting = 0;
    synchronized (callerThreads) {
      for (Thread thread : callerThreads) {
        if (thread.getState() == Thread.State.TIMED_WAITING) {
          waiting++;
        }
      }
    }
    return waiting;
  }
}
