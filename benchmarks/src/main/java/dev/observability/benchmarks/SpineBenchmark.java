package dev.observability.benchmarks;

import dev.observability.Observability;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the spine itself: {@code observe()} through the facade, whose registry holds one
 * no-op handler wrapped by core's failure guard, against a bare {@link Observation} on a registry
 * with the same no-op handler unwrapped.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class SpineBenchmark {

  private Observability observability;
  private ObservationRegistry bareRegistry;

  @Setup(Level.Trial)
  public void setUp() {
    observability =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .property("shutdown.hook", "false")
            .module(new NoopModule())
            .start();
    bareRegistry = ObservationRegistry.create();
    bareRegistry.observationConfig().observationHandler(new NoopModule.NoopHandler());
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    observability.close();
  }

  @Benchmark
  public Object facadeObserve() {
    return observability.observe("work", () -> "result");
  }

  @Benchmark
  public Object bareObservation() {
    return Observation.createNotStarted("work", bareRegistry).observe(() -> "result");
  }
}
