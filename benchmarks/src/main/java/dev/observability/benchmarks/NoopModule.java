package dev.observability.benchmarks;

import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * A module whose only part is one observation handler that does nothing, so that a benchmark
 * measures the spine (and whatever it wraps) and no backend.
 */
final class NoopModule implements ObservabilityModule {

  /** A handler that supports every context and does nothing. */
  static final class NoopHandler implements ObservationHandler<Observation.Context> {
    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  @Override
  public String name() {
    return "noop";
  }

  @Override
  public int order() {
    return 0;
  }

  @Override
  public void start(ModuleContext context) {
    context.addObservationHandler(new NoopHandler());
  }
}
