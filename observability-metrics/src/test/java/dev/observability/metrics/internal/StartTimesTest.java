package dev.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.internal.CompactContext;
import dev.observability.internal.FacadeObservationRegistry;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MockClock;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A start and a stop are counted once each, whether the time comes from the SDK observation's
 * stamps (system clock) or from the handler's own clock.
 */
class StartTimesTest {

  @Test
  void ownClock_timesFromTheClock_andCountsRepeatsOnce() {
    MockClock clock = new MockClock();
    StartTimes times = new StartTimes(clock);
    CompactContext context = new CompactContext();

    assertThat(times.stop(context)).isEqualTo(-1);
    assertThat(times.start(context)).isTrue();
    clock.add(Duration.ofMillis(5));
    assertThat(times.start(context)).isFalse(); // timed again from now
    clock.add(Duration.ofMillis(7));
    assertThat(times.stop(context)).isEqualTo(Duration.ofMillis(7).toNanos());
    assertThat(times.stop(context)).isEqualTo(-1);
    assertThat(times.start(context)).isTrue();
  }

  @Test
  void sdkObservation_timesFromItsStamp_andCountsRepeatsOnce() {
    StartTimes times = new StartTimes(Clock.SYSTEM);
    List<Object> seen = new ArrayList<>();
    FacadeObservationRegistry registry = new FacadeObservationRegistry();
    registry
        .observationConfig()
        .observationHandler(
            new ObservationHandler<Observation.Context>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStart(Observation.Context context) {
                seen.add(times.start(context));
                seen.add(times.start(context));
              }

              @Override
              public void onStop(Observation.Context context) {
                seen.add(times.stop(context));
                seen.add(times.stop(context));
              }
            });
    registry.seal();
    CompactContext context = new CompactContext();

    long before = System.nanoTime();
    Observation observation = registry.observation("work", context).start();
    long started = System.nanoTime();
    assertThat(context.isStopped()).isFalse();
    observation.stop();
    long after = System.nanoTime();

    assertThat(context.isStarted()).isTrue();
    assertThat(context.isStopped()).isTrue();
    assertThat(seen).hasSize(4);
    assertThat(seen.subList(0, 2)).containsExactly(true, false);
    assertThat(context.startNanos()).isBetween(before, started);
    assertThat(context.stopNanos()).isBetween(started, after);
    // From the stamp taken before onStart to the one taken before onStop, which every handler
    // that times the observation shares.
    assertThat(seen.get(2)).isEqualTo(context.stopNanos() - context.startNanos());
    assertThat(seen.get(3)).isEqualTo(-1L);
  }
}
