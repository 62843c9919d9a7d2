package dev.observability.health;

import static dev.observability.health.HealthTestSupport.check;
import static dev.observability.health.HealthTestSupport.isolated;
import static dev.observability.health.HealthTestSupport.registry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import dev.observability.HealthEndpoint.Group;
import dev.observability.Observability;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltInChecksTest {

  private Observability obs;
  private HttpServer stub;

  @BeforeEach
  void start() {
    obs = isolated().property("health.deadlock-check", "false").start();
  }

  @AfterEach
  void stop() {
    if (stub != null) {
      stub.stop(0);
    }
    obs.close();
  }

  /** Registers {@code check} as {@code name} and returns its JSON from {@code /health}. */
  private JsonNode run(String name, HealthCheck check) throws Exception {
    registry(obs)
        .register(
            name, check, HealthCheckOptions.builder().timeout(Duration.ofSeconds(10)).build());
    return check(obs, Group.ALL).check(name);
  }

  private URI stubAnswering(int status) throws Exception {
    stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    stub.createContext(
        "/",
        exchange -> {
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    stub.start();
    return URI.create("http://127.0.0.1:" + stub.getAddress().getPort() + "/status?token=abc");
  }

  @Test
  void http_statusBelow500_isUp() throws Exception {
    URI uri = stubAnswering(404);

    JsonNode result = run("api", HealthChecks.http(uri));

    assertThat(result.path("status").asText()).isEqualTo("up");
    assertThat(result.path("details").path("status_code").asInt()).isEqualTo(404);
  }

  @Test
  void http_status503_isDownWithoutTheUrl() throws Exception {
    URI uri = stubAnswering(503);

    JsonNode result = run("api", HealthChecks.http(uri, Duration.ofSeconds(2)));

    assertThat(result.path("status").asText()).isEqualTo("down");
    assertThat(result.path("error").asText()).isEqualTo("HTTP status 503");
    assertThat(result.toString()).doesNotContain("token");
  }

  @Test
  void http_nothingListening_isDown() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }

    JsonNode result = run("api", HealthChecks.http(URI.create("http://127.0.0.1:" + port + "/")));

    assertThat(result.path("status").asText()).isEqualTo("down");
    assertThat(result.path("error").asText()).contains("ConnectException");
  }

  @Test
  void http_nonHttpUri_isRejectedAtOnce() {
    assertThatThrownBy(() -> HealthChecks.http(URI.create("ftp://example.com/")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("http or https");
  }

  @Test
  void tcp_listeningPort_isUp_closedPort_isDown() throws Exception {
    int closedPort;
    try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = listening.getLocalPort();
      JsonNode up = run("tcp-up", HealthChecks.tcp("127.0.0.1", closedPort, Duration.ofSeconds(2)));
      assertThat(up.path("status").asText()).isEqualTo("up");
    }

    JsonNode down =
        run("tcp-down", HealthChecks.tcp("127.0.0.1", closedPort, Duration.ofSeconds(2)));

    assertThat(down.path("status").asText()).isEqualTo("down");
    assertThat(down.path("error").asText()).startsWith("java.net.ConnectException");
  }

  @Test
  void diskSpace_belowAndAboveTheThreshold(@TempDir Path dir) throws Exception {
    JsonNode enough = run("disk-ok", HealthChecks.diskSpace(dir, 0));
    JsonNode short_ = run("disk-short", HealthChecks.diskSpace(dir, Long.MAX_VALUE));
    JsonNode ratio = run("disk-ratio", HealthChecks.diskSpaceRatio(dir, 1.0));

    assertThat(enough.path("status").asText()).isEqualTo("up");
    assertThat(enough.path("details").path("free_bytes").asLong()).isPositive();
    assertThat(enough.path("details").path("total_bytes").asLong()).isPositive();
    assertThat(short_.path("status").asText()).isEqualTo("down");
    assertThat(short_.path("error").asText()).startsWith("free disk space");
    assertThat(ratio.path("status").asText()).isEqualTo("down");
    assertThat(ratio.path("details").path("min_free_ratio").asDouble()).isEqualTo(1.0);
  }

  @Test
  void diskSpace_missingPath_isDown(@TempDir Path dir) throws Exception {
    JsonNode result = run("disk", HealthChecks.diskSpace(dir.resolve("missing"), 0));

    assertThat(result.path("status").asText()).isEqualTo("down");
    assertThat(result.path("error").asText()).startsWith("java.nio.file.NoSuchFileException");
  }

  @Test
  void heapPressure_generousThreshold_isUp_tinyThreshold_isDown() throws Exception {
    // A collection, so that the old generation's after-GC occupancy is known and above zero.
    System.gc();

    JsonNode relaxed = run("heap-ok", HealthChecks.heapPressure(1.0));
    JsonNode strict = run("heap-strict", HealthChecks.heapPressure(1e-9));

    assertThat(relaxed.path("status").asText()).isEqualTo("up");
    assertThat(relaxed.path("details").path("used_ratio").asDouble()).isBetween(0.0, 1.0);
    assertThat(strict.path("status").asText()).isEqualTo("down");
    assertThat(strict.path("error").asText()).startsWith("heap ");
  }

  @Test
  void deadlockedThreads_noDeadlock_isUp() throws Exception {
    JsonNode result = run("deadlock", HealthChecks.deadlockedThreads());

    assertThat(result.path("status").asText()).isEqualTo("up");
  }

  @Test
  void deadlockedThreads_twoThreadsDeadlocked_isDownNamingThem() throws Exception {
    Deadlock deadlock = Deadlock.start();
    try {
      JsonNode result = run("deadlock", HealthChecks.deadlockedThreads());

      assertThat(result.path("status").asText()).isEqualTo("down");
      assertThat(result.path("error").asText()).isEqualTo("2 threads deadlocked");
      assertThat(result.path("details").path("threads").asText())
          .contains("deadlocked-a")
          .contains("deadlocked-b");
    } finally {
      deadlock.close();
    }
  }

  @Test
  void moduleDeadlockCheck_reusesItsResultForTheCacheTtl() throws Exception {
    obs.close(); // this test starts the module with its built-in check
    try (Observability module = isolated().start()) {
      JsonNode before = check(module, Group.LIVENESS).check(HealthModule.DEADLOCK_CHECK);

      Deadlock deadlock = Deadlock.start();
      try {
        JsonNode during = check(module, Group.LIVENESS).check(HealthModule.DEADLOCK_CHECK);

        // The default ttl (10 s) outlasts setting up the deadlock: the first run's result,
        // unchanged.
        assertThat(before.path("status").asText()).isEqualTo("up");
        assertThat(during.path("status").asText()).isEqualTo("up");
        assertThat(during.path("taken_at").asText()).isEqualTo(before.path("taken_at").asText());
      } finally {
        deadlock.close();
      }
    }
  }

  @Test
  void moduleDeadlockCheck_afterTheCacheTtl_runsAgainAndSeesTheDeadlock() throws Exception {
    obs.close(); // this test starts the module with its built-in check
    try (Observability module =
        isolated().property("health.deadlock-check-cache-ttl", "50ms").start()) {
      assertThat(check(module, Group.LIVENESS).status()).isEqualTo(200);

      Deadlock deadlock = Deadlock.start();
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> check(module, Group.LIVENESS).status() == 503);

        assertThat(
                check(module, Group.LIVENESS)
                    .check(HealthModule.DEADLOCK_CHECK)
                    .path("error")
                    .asText())
            .isEqualTo("2 threads deadlocked");
      } finally {
        deadlock.close();
      }
    }
  }

  /**
   * Two threads, {@code deadlocked-a} and {@code deadlocked-b}, each waiting for the other's lock.
   */
  private static final class Deadlock implements AutoCloseable {
    private final Thread a;
    private final Thread b;

    private Deadlock(Thread a, Thread b) {
      this.a = a;
      this.b = b;
    }

    static Deadlock start() {
      ReentrantLock first = new ReentrantLock();
      ReentrantLock second = new ReentrantLock();
      CountDownLatch bothHoldOne = new CountDownLatch(2);
      Thread a = new Thread(() -> lockBoth(first, second, bothHoldOne), "deadlocked-a");
      Thread b = new Thread(() -> lockBoth(second, first, bothHoldOne), "deadlocked-b");
      a.setDaemon(true);
      b.setDaemon(true);
      a.start();
      b.start();
      Deadlock deadlock = new Deadlock(a, b);
      try {
        Awaitility.await()
            .atMost(Duration.ofSeconds(10))
            .until(() -> first.hasQueuedThreads() && second.hasQueuedThreads());
      } catch (RuntimeException e) {
        deadlock.close();
        throw e;
      }
      return deadlock;
    }

    /** Breaks the deadlock (the threads lock interruptibly) and waits for both threads to end. */
    @Override
    public void close() {
      a.interrupt();
      b.interrupt();
      try {
        a.join(TimeUnit.SECONDS.toMillis(10));
        b.join(TimeUnit.SECONDS.toMillis(10));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void lockBoth(ReentrantLock mine, ReentrantLock theirs, CountDownLatch ready) {
    try {
      mine.lockInterruptibly();
      try {
        ready.countDown();
        ready.await();
        theirs.lockInterruptibly();
        theirs.unlock();
      } finally {
        mine.unlock();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
