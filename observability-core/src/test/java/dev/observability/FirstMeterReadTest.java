package dev.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.internal.InternalErrors;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FirstMeterReadTest {

  /** Defers binding one gauge, and keeps the trigger it is given. */
  private static final class DeferringModule implements ObservabilityModule {
    final AtomicInteger runs = new AtomicInteger();
    final AtomicReference<Runnable> trigger = new AtomicReference<>();
    final boolean fail;

    DeferringModule(boolean fail) {
      this.fail = fail;
    }

    @Override
    public String name() {
      return "deferring";
    }

    @Override
    public int order() {
      return 100;
    }

    @Override
    public void start(ModuleContext context) {
      trigger.set(
          context.onFirstMeterRead(
              () -> {
                runs.incrementAndGet();
                if (fail) {
                  throw new IllegalStateException("binder failed");
                }
                Gauge.builder("deferred.gauge", () -> 1.0).register(context.meterRegistry());
              }));
    }
  }

  private static ObservabilityBuilder isolated(DeferringModule module) {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .property(CoreConfig.SHUTDOWN_HOOK, false)
        .discoverModules(false)
        .module(module);
  }

  @Test
  void deferredAction_runsOnceOnTheFirstListing_notAtStart() {
    DeferringModule module = new DeferringModule(false);
    try (Observability obs = isolated(module).start()) {
      assertThat(module.runs).hasValue(0);

      assertThat(obs.meterRegistry().find("deferred.gauge").gauge()).isNotNull();
      obs.meterRegistry().getMeters();
      module.trigger.get().run();

      assertThat(module.runs).hasValue(1);
    }
  }

  @Test
  void deferredAction_runsOnTheTrigger_andIsThenListed() {
    DeferringModule module = new DeferringModule(false);
    try (Observability obs = isolated(module).start()) {
      module.trigger.get().run();

      assertThat(module.runs).hasValue(1);
      assertThat(obs.meterRegistry().getMeters())
          .extracting(meter -> meter.getId().getName())
          .contains("deferred.gauge");
      assertThat(module.runs).hasValue(1);
    }
  }

  @Test
  void deferredAction_runsAtStart_whenTheHostAddsARegistry() {
    DeferringModule module = new DeferringModule(false);
    SimpleMeterRegistry host = new SimpleMeterRegistry();
    try (Observability obs = isolated(module).meterRegistry(host).start()) {
      assertThat(module.runs).hasValue(1);
      assertThat(host.find("deferred.gauge").gauge()).isNotNull();
      assertThat(obs.isClosed()).isFalse();
    }
  }

  @Test
  void deferredAction_thatThrows_isCountedAndTheReadGoesOn() {
    DeferringModule module = new DeferringModule(true);
    try (Observability obs = isolated(module).start()) {
      // Something to count in that is not the host's (a host registry binds at start).
      ((CompositeMeterRegistry) obs.meterRegistry()).add(new SimpleMeterRegistry());

      assertThat(obs.meterRegistry().find("deferred.gauge").gauge()).isNull();

      assertThat(module.runs).hasValue(1);
      assertThat(
              obs.meterRegistry()
                  .get(InternalErrors.METER)
                  .tag("component", "deferring")
                  .counter()
                  .count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void addingARegistryToTheFacade_doesNotRunTheDeferredAction() {
    DeferringModule module = new DeferringModule(false);
    try (Observability obs = isolated(module).start()) {
      CompositeMeterRegistry composite = (CompositeMeterRegistry) obs.meterRegistry();
      // The composite lists its own meters while it holds the lock a registration needs.
      composite.add(new SimpleMeterRegistry());

      assertThat(module.runs).hasValue(0);
    }
  }
}
