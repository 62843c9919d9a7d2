package dev.observability.metrics.internal;

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
 * Times calls of instrumented methods in {@code method_duration_seconds{class,method,exception}}:
 * one timer per method (and exception type), {@code class} the declaring class's full name.
 *
 * <p>The (class, method) pairs are capped by a {@link TagLimiter} ({@code metrics.max-tag-values});
 * past the cap a method is recorded as {@code class="OTHER",method="OTHER"}. Lookups are cached per
 * class, so a known method allocates nothing. Thread-safe.
 */
public final class MethodMetricsHandler implements ObservationHandler<MethodObservationContext> {

  /** The Prometheus name, as the overflow counter reports it. */
  static final String METER = "method_duration_seconds";

  private final MeterRegistry registry;
  private final DirectMeters direct;
  private final Duration[] buckets;
  private final StartTimes startTimes;
  private final TagLimiter methods;
  private final TagLimiter exceptions;
  private final ExceptionTimers overflow;

  private final ClassValue<ConcurrentHashMap<String, ExceptionTimers>> byClass =
      new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, ExceptionTimers> computeValue(Class<?> type) {
          return new ConcurrentHashMap<>();
        }
      };

  /**
   * Creates the handler.
   *
   * @param registry where timers are registered
   * @param clock the monotonic clock
   * @param settings bucket bounds and the cap
   * @param guard the guard that caps methods and exception types
   */
  public MethodMetricsHandler(
      MeterRegistry registry, Clock clock, MetricsSettings settings, CardinalityGuard guard) {
    this.registry = registry;
    this.direct = new DirectMeters(registry);
    this.buckets = settings.httpBucketArray();
    this.startTimes = new StartTimes(clock);
    this.methods = guard.limiter(METER, "class.method", settings.maxTagValues());
    this.exceptions =
        guard.limiter(METER, MetricsConvention.TAG_EXCEPTION, settings.maxTagValues());
    this.overflow = timers(MetricsConvention.OVERFLOW, MetricsConvention.OVERFLOW);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof MethodObservationContext;
  }

  @Override
  public void onStart(MethodObservationContext context) {
    startTimes.start(context);
  }

  @Override
  public void onStop(MethodObservationContext context) {
    long duration = startTimes.stop(context);
    if (duration < 0) {
      return;
    }
    Class<?> type = context.getDeclaringClass();
    ConcurrentHashMap<String, ExceptionTimers> byMethod = byClass.get(type);
    ExceptionTimers timers = byMethod.get(context.getMethodName());
    if (timers == null) {
      // Entries here are bounded by the code (classes and their methods), not by input.
      timers = byMethod.computeIfAbsent(context.getMethodName(), m -> admit(type, m));
    }
    timers.timer(context.getError()).record(duration);
  }

  private ExceptionTimers admit(Class<?> type, String method) {
    String pair = type.getName() + '#' + method;
    methods.apply(pair);
    return methods.isKnown(pair) ? timers(type.getName(), method) : overflow;
  }

  private ExceptionTimers timers(String className, String method) {
    return new ExceptionTimers(
        direct,
        exception ->
            Timer.builder(MetricsConvention.METHOD_DURATION)
                .description("Duration of calls of instrumented methods")
                .tag(MetricsConvention.TAG_CLASS, className)
                .tag(MetricsConvention.TAG_METHOD, method)
                .tag(MetricsConvention.TAG_EXCEPTION, exception)
                .serviceLevelObjectives(buckets)
                .register(registry),
        exceptions);
  }
}
