package dev.observability.metrics.internal;

import dev.observability.HttpClientObservationContext;
import dev.observability.HttpServerObservationContext;
import dev.observability.instrument.MethodObservationContext;
import dev.observability.metrics.MetricsConvention;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Times every other observation ({@code observability.observe(name, ...)}, and libraries
 * instrumented with the Observation API) in {@code
 * operation_duration_seconds{operation,exception}}, {@code operation} being the observation's name.
 * HTTP server requests, outbound HTTP calls and instrumented methods are left to their own meters.
 *
 * <p>Operation names are capped by a {@link TagLimiter} ({@code metrics.max-tag-values}); past the
 * cap they are recorded as {@code OTHER}. Thread-safe; a known operation allocates nothing.
 */
public final class OperationMetricsHandler implements ObservationHandler<Observation.Context> {

  /** The Prometheus name, as the overflow counter reports it. */
  static final String METER = "operation_duration_seconds";

  private final MeterRegistry registry;
  private final DirectMeters direct;
  private final Duration[] buckets;
  private final StartTimes startTimes;
  private final TagLimiter operations;
  private final TagLimiter exceptions;
  private final ConcurrentHashMap<String, ExceptionTimers> byName = new ConcurrentHashMap<>();
  private final ExceptionTimers overflow;

  /**
   * Creates the handler.
   *
   * @param registry where timers are registered
   * @param clock the monotonic clock
   * @param settings bucket bounds and the cap
   * @param guard the guard that caps operation names and exception types
   */
  public OperationMetricsHandler(
      MeterRegistry registry, Clock clock, MetricsSettings settings, CardinalityGuard guard) {
    this.registry = registry;
    this.direct = new DirectMeters(registry);
    this.buckets = settings.httpBucketArray();
    this.startTimes = new StartTimes(clock);
    this.operations =
        guard.limiter(METER, MetricsConvention.TAG_OPERATION, settings.maxTagValues());
    this.exceptions =
        guard.limiter(METER, MetricsConvention.TAG_EXCEPTION, settings.maxTagValues());
    this.overflow = timers(MetricsConvention.OVERFLOW);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return !(context instanceof HttpServerObservationContext)
        && !(context instanceof HttpClientObservationContext)
        && !(context instanceof MethodObservationContext);
  }

  @Override
  public void onStart(Observation.Context context) {
    startTimes.start(context);
  }

  @Override
  public void onStop(Observation.Context context) {
    long duration = startTimes.stop(context);
    if (duration < 0) {
      return;
    }
    String name = context.getName();
    if (name == null) {
      name = "unknown";
    }
    ExceptionTimers timers = byName.get(name);
    if (timers == null) {
      timers = admit(name);
    }
    timers.timer(context.getError()).record(duration);
  }

  private ExceptionTimers admit(String name) {
    String label = operations.apply(name);
    if (!operations.isKnown(name)) {
      return overflow;
    }
    return byName.computeIfAbsent(name, n -> timers(label));
  }

  private ExceptionTimers timers(String operation) {
    return new ExceptionTimers(
        direct,
        exception ->
            Timer.builder(MetricsConvention.OPERATION_DURATION)
                .description("Duration of observed operations")
                .tag(MetricsConvention.TAG_OPERATION, operation)
                .tag(MetricsConvention.TAG_EXCEPTION, exception)
                .serviceLevelObjectives(buckets)
                .register(registry),
        exceptions);
  }
}
