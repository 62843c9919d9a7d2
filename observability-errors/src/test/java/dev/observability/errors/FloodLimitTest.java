package dev.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.observability.Observability;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentry.SentryEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class FloodLimitTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final AtomicInteger sequence = new AtomicInteger();

  @Test
  void sameFingerprint_sendsLimitPerInterval_countsTheRest_andReportsThemWithTheNext()
      throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(
                sentry,
                registry,
                Map.of("errors.rate-limit", "3", "errors.rate-limit-interval", "1s"))) {
      Iterator<IllegalStateException> failures = sameSiteFailures(400);
      int sent = 0;
      for (int i = 0; i < 10; i++) {
        if (!obs.errors().capture(failures.next()).isEmpty()) {
          sent++;
        }
      }
      assertThat(sent).isEqualTo(3);
      assertThat(suppressed()).isEqualTo(7);

      // A different fingerprint is not limited by the first one's window.
      assertThat(obs.errors().capture(new IllegalArgumentException("elsewhere"))).isNotEmpty();

      // Once the window has passed, the next event of the fingerprint goes out and carries the
      // number suppressed since the last one sent (everything suppressed while polling, too).
      String[] next = new String[1];
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> !(next[0] = obs.errors().capture(failures.next())).isEmpty());
      SentryEvent event = sentry.awaitEvent(e -> e.getEventId().toString().equals(next[0]));
      assertThat(((Number) event.getExtra("suppressed_since_last")).longValue())
          .isEqualTo((long) suppressed());
      assertThat(
              sentry.events().stream()
                  .filter(
                      e ->
                          e.getExceptions().stream()
                              .anyMatch(x -> x.getValue().startsWith("flood"))))
          .hasSize(4);
    }
  }

  @Test
  void messages_areLimitedByTheirText() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(sentry, registry, Map.of("errors.rate-limit", "2"))) {
      for (int i = 0; i < 5; i++) {
        obs.errors().capture("payment provider unreachable");
      }
      obs.errors().capture("sentinel after messages");

      sentry.awaitMessage("sentinel after messages");
      assertThat(sentry.events()).hasSize(3);
      assertThat(suppressed()).isEqualTo(3);
    }
  }

  @Test
  void rateLimitZero_turnsFloodControlOff() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(sentry, registry, Map.of("errors.rate-limit", "0"))) {
      for (int i = 0; i < 25; i++) {
        assertThat(obs.errors().capture(sameSiteFailure())).isNotEmpty();
      }
      assertThat(suppressed()).isZero();
    }
  }

  @Test
  void sampleRateZero_sendsNothing_andCountsSampledOut() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(sentry, registry, Map.of("errors.sample-rate", "0"))) {
      for (int i = 0; i < 5; i++) {
        assertThat(obs.errors().capture(new IllegalStateException("sampled " + i))).isEmpty();
      }
      assertThat(ErrorsTesting.count(registry, "observability.errors.sampled.out")).isEqualTo(5);
      assertThat(sentry.requests()).isZero();
    }
  }

  /** Distinct throwables from one throw site: one fingerprint. */
  private IllegalStateException sameSiteFailure() {
    return new IllegalStateException("flood " + sequence.incrementAndGet());
  }

  /**
   * Distinct throwables thrown from one site reached by one path, made up front: the fingerprint
   * takes the frames that led to the throw, so failures made from the awaiting lambda would be
   * another failure.
   */
  private Iterator<IllegalStateException> sameSiteFailures(int count) {
    List<IllegalStateException> failures = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      failures.add(sameSiteFailure());
    }
    return failures.iterator();
  }

  private double suppressed() {
    return ErrorsTesting.count(registry, "observability.errors.suppressed");
  }
}
