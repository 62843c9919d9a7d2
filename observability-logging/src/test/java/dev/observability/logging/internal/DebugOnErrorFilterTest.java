package dev.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class DebugOnErrorFilterTest {

  /** A registry whose current observation cannot be read. */
  private static final class BrokenRegistry implements ObservationRegistry {
    @Override
    public @Nullable Observation getCurrentObservation() {
      throw new IllegalStateException("registry gone");
    }

    @Override
    public Observation.@Nullable Scope getCurrentObservationScope() {
      return null;
    }

    @Override
    public void setCurrentObservationScope(Observation.@Nullable Scope current) {}

    @Override
    public ObservationConfig observationConfig() {
      return ObservationRegistry.NOOP.observationConfig();
    }
  }

  @Test
  void failureInsideTheHostsLogCall_isSwallowedCountedAndReported_theLineGoesOnAsUsual() {
    LoggerContext context = new LoggerContext();
    List<Throwable> counted = new CopyOnWriteArrayList<>();
    DebugOnErrorFilter filter =
        new DebugOnErrorFilter(
            new BrokenRegistry(),
            new DebugOnErrorSettings(true, List.of(), 10, 1 << 20),
            false,
            counted::add);
    filter.setContext(context);
    filter.start();
    ch.qos.logback.classic.Logger logger = context.getLogger("com.example.Cart");
    logger.setLevel(Level.INFO);

    FilterReply classic =
        filter.decide(null, logger, Level.DEBUG, "cart {}", new Object[] {1}, null);
    FilterReply enabled = filter.decide(null, logger, Level.DEBUG, null, null, null);

    assertThat(classic).isEqualTo(FilterReply.NEUTRAL);
    assertThat(enabled).isEqualTo(FilterReply.NEUTRAL);
    assertThat(counted).hasSize(2).allSatisfy(e -> assertThat(e).hasMessage("registry gone"));
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .anySatisfy(s -> assertThat(s.getMessage()).contains("Could not hold a DEBUG line"));
  }
}
