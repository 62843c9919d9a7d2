package dev.observability.benchmarks;

import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.metrics.MetricsModule;
import dev.observability.metrics.internal.CardinalityGuard;
import dev.observability.metrics.internal.HttpServerMetricsHandler;
import dev.observability.metrics.internal.MetricsSettings;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
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
 * Recording one HTTP request's meters (duration histogram and request counter) once the series
 * exists, on the same kind of registry (a {@link PrometheusMeterRegistry}):
 *
 * <ul>
 *   <li>{@code handler}: our metrics handler's {@code onStart} + {@code onStop} on a reused context
 *       (route {@code /api/users/{id}}, GET, 200), registered through the facade's composite
 *       registry as in production; it also keeps {@code http_requests_in_flight}.
 *   <li>{@code micrometerBuilders}: what a careful user writes without the SDK: {@code
 *       Timer.builder(...).tags(...).serviceLevelObjectives(...).register(registry).record(...)}
 *       and {@code Counter.builder(...).tags(...).register(registry).increment()}, timed with
 *       {@code System.nanoTime()}.
 *   <li>{@code micrometerCachedMeters}: the floor: the same two meters held in fields (possible
 *       only when the tags are fixed).
 *   <li>{@code observationThroughFacade}: the whole spine for context: a new context and
 *       Observation per request through an instance that runs only the metrics module.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MetricsBenchmark {

  private static final String ROUTE = "/api/users/{id}";
  private static final Duration[] BUCKETS =
      MetricsSettings.defaults().httpBuckets().toArray(new Duration[0]);

  private CompositeMeterRegistry composite;
  private HttpServerMetricsHandler handler;
  private HttpServerObservationContext reusedContext;

  private PrometheusMeterRegistry plainRegistry;
  private HttpServerObservationContext plainContext;
  private Timer cachedTimer;
  private Counter cachedCounter;

  private Observability observability;

  @Setup(Level.Trial)
  public void setUp() {
    composite = new CompositeMeterRegistry();
    composite.add(
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM));
    MetricsSettings settings = MetricsSettings.defaults();
    handler =
        new HttpServerMetricsHandler(
            composite,
            Clock.SYSTEM,
            settings,
            new CardinalityGuard(composite, Scrubber.noop(), settings.maxTagValues()));
    reusedContext = context();

    plainRegistry =
        new PrometheusMeterRegistry(
            PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
    plainContext = context();
    cachedTimer =
        Timer.builder("http.request.duration")
            .tags("method", "GET", "endpoint", ROUTE)
            .serviceLevelObjectives(BUCKETS)
            .register(plainRegistry);
    cachedCounter =
        Counter.builder("http.requests")
            .tags("method", "GET", "endpoint", ROUTE, "status", "200")
            .register(plainRegistry);

    observability =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property("shutdown.hook", "false")
            .property("metrics.jvm", "false")
            .discoverModules(false)
            .module(new MetricsModule())
            .start();
  }

  private static HttpServerObservationContext context() {
    HttpServerObservationContext context =
        new HttpServerObservationContext("GET", "/api/users/42", null, name -> null);
    context.setRoute(ROUTE);
    context.setStatus(200);
    return context;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    observability.close();
    composite.close();
    plainRegistry.close();
  }

  @Benchmark
  public HttpServerObservationContext handler() {
    handler.onStart(reusedContext);
    handler.onStop(reusedContext);
    return reusedContext;
  }

  @Benchmark
  public Counter micrometerBuilders() {
    HttpServerObservationContext context = plainContext;
    long start = System.nanoTime();
    String method = context.getMethod();
    String route = context.getRoute();
    Timer.builder("http.request.duration")
        .tags("method", method, "endpoint", route)
        .serviceLevelObjectives(BUCKETS)
        .register(plainRegistry)
        .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    Counter counter =
        Counter.builder("http.requests")
            .tags(
                "method",
                method,
                "endpoint",
                route,
                "status",
                Integer.toString(context.getStatus()))
            .register(plainRegistry);
    counter.increment();
    return counter;
  }

  @Benchmark
  public Counter micrometerCachedMeters() {
    long start = System.nanoTime();
    cachedTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
    cachedCounter.increment();
    return cachedCounter;
  }

  @Benchmark
  public HttpServerObservationContext observationThroughFacade() {
    HttpServerObservationContext context =
        new HttpServerObservationContext("GET", "/api/users/42", null, name -> null);
    Observation observation =
        Observation.createNotStarted(
                ObservationNames.HTTP_SERVER, () -> context, observability.observationRegistry())
            .start();
    context.setRoute(ROUTE);
    context.setStatus(200);
    observation.stop();
    return context;
  }
}
