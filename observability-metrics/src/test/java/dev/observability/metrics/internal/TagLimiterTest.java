package dev.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TagLimiterTest {

  /** Masks one known secret, so that the test sees the limiter apply whatever scrubber it has. */
  private static final Scrubber MASK_HUNTER2 =
      new Scrubber() {
        @Override
        public String scrub(String text) {
          return text.replace("hunter2", "***");
        }

        @Override
        public void scrubTo(CharSequence text, StringBuilder out) {
          out.append(scrub(text.toString()));
        }

        @Override
        public boolean isSensitiveKey(String key) {
          return false;
        }

        @Override
        public String scrubValue(String key, String value) {
          return scrub(value);
        }

        @Override
        public String mask() {
          return "***";
        }
      };

  private final MeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void values_upToTheCap_passAndLaterOnesBecomeOther() {
    TagLimiter limiter =
        new CardinalityGuard(registry, Scrubber.noop(), 2).limiter("orders", "source");

    assertThat(limiter.apply("web")).isEqualTo("web");
    assertThat(limiter.apply("mobile")).isEqualTo("mobile");
    assertThat(limiter.apply("partner")).isEqualTo("OTHER");
    assertThat(limiter.apply("web")).isEqualTo("web");
    assertThat(limiter.apply("batch")).isEqualTo("OTHER");

    assertThat(limiter.size()).isEqualTo(2);
    assertThat(limiter.overflowCount()).isEqualTo(2);
    assertThat(
            registry
                .get("observability.cardinality.overflow")
                .tag("meter", "orders")
                .counter()
                .count())
        .isEqualTo(2);
  }

  @Test
  void admittedValues_areScrubbed() {
    TagLimiter limiter =
        new CardinalityGuard(registry, MASK_HUNTER2, 10).limiter("logins", "reason");

    assertThat(limiter.apply("password=hunter2")).isEqualTo("password=***");
  }

  @Test
  void guard_givesEachMeterAndTagItsOwnCap() {
    CardinalityGuard guard = new CardinalityGuard(registry, Scrubber.noop(), 1);

    assertThat(guard.limiter("a", "x").apply("1")).isEqualTo("1");
    assertThat(guard.limiter("a", "y").apply("2")).isEqualTo("2");
    assertThat(guard.limiter("b", "x").apply("3")).isEqualTo("3");
    assertThat(guard.limiter("a", "x").apply("4")).isEqualTo("OTHER");
    assertThat(guard.limiter("a", "x")).isSameAs(guard.limiter("a", "x"));
  }

  @Test
  void guard_pastItsBoundOfMeters_sendsNewMetersToOther() {
    CardinalityGuard guard = new CardinalityGuard(registry, Scrubber.noop(), 10);
    for (int i = 0; i < CardinalityGuard.MAX_LIMITERS; i++) {
      guard.limiter("meter" + i, "tag").apply("v");
    }

    assertThat(guard.limiter("one-too-many", "tag").apply("v")).isEqualTo("OTHER");
    assertThat(
            registry
                .get("observability.cardinality.overflow")
                .tag("meter", "other")
                .counter()
                .count())
        .isEqualTo(1);
  }

  @Test
  void concurrentAdmission_neverExceedsTheCap() throws Exception {
    TagLimiter limiter = new CardinalityGuard(registry, Scrubber.noop(), 50).limiter("m", "t");
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        futures.add(
            pool.submit(
                () -> {
                  go.await();
                  for (int i = 0; i < 10_000; i++) {
                    limiter.apply(Integer.toString(i * threads + offset));
                  }
                  return null;
                }));
      }
      go.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(limiter.size()).isEqualTo(50);
    assertThat(limiter.overflowCount()).isEqualTo(threads * 10_000 - 50);
  }
}
