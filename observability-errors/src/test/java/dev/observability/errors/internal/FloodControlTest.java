package dev.observability.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FloodControlTest {

  private static final long SECOND = 1_000_000_000L;

  private final AtomicLong evicted = new AtomicLong();

  @Test
  void acquire_allowsLimitPerWindow_thenSuppresses() {
    FloodControl flood = new FloodControl(2, 60 * SECOND, 100, evicted::addAndGet);

    assertThat(flood.acquire("a", 0).allowed()).isTrue();
    assertThat(flood.acquire("a", 1).allowed()).isTrue();
    assertThat(flood.acquire("a", 2).allowed()).isFalse();
    assertThat(flood.acquire("a", 3).allowed()).isFalse();
    assertThat(flood.acquire("b", 4).allowed()).isTrue();
  }

  @Test
  void acquire_afterWindow_allowsAgainAndHandsOverSuppressedCountOnce() {
    FloodControl flood = new FloodControl(1, 10 * SECOND, 100, evicted::addAndGet);
    flood.acquire("a", 0);
    flood.acquire("a", SECOND);
    flood.acquire("a", 2 * SECOND);

    FloodControl.Decision next = flood.acquire("a", 10 * SECOND);
    FloodControl.Decision denied = flood.acquire("a", 11 * SECOND);
    FloodControl.Decision later = flood.acquire("a", 21 * SECOND);

    assertThat(next).isEqualTo(new FloodControl.Decision(true, 2));
    assertThat(denied.allowed()).isFalse();
    assertThat(later).isEqualTo(new FloodControl.Decision(true, 1));
  }

  @Test
  void restore_givesTheSuppressedCountToTheNextEvent() {
    FloodControl flood = new FloodControl(1, 10 * SECOND, 100, evicted::addAndGet);
    flood.acquire("a", 0);
    flood.acquire("a", 1);
    FloodControl.Decision taken = flood.acquire("a", 10 * SECOND);

    flood.restore("a", taken.suppressedBefore());

    assertThat(flood.acquire("a", 20 * SECOND).suppressedBefore()).isEqualTo(1);
  }

  @Test
  void limitZero_allowsEverything() {
    FloodControl flood = new FloodControl(0, SECOND, 100, evicted::addAndGet);
    for (int i = 0; i < 1000; i++) {
      assertThat(flood.acquire("a", i).allowed()).isTrue();
    }
    assertThat(flood.enabled()).isFalse();
    assertThat(flood.size()).isZero();
  }

  @Test
  void fingerprints_areBounded_andEvictionsCounted() {
    FloodControl flood = new FloodControl(1, SECOND, 16, evicted::addAndGet);
    for (int i = 0; i < 100; i++) {
      flood.acquire("fp-" + i, i);
    }
    assertThat(flood.size()).isEqualTo(16);
    assertThat(evicted.get()).isEqualTo(84);
  }
}
