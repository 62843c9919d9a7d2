package dev.observability.metrics.internal;

import dev.observability.metrics.MetricsConvention;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The timers of one operation by its {@code exception} tag: one for normal completion, one per
 * exception type (capped by a {@link TagLimiter}). Thread-safe; a known series allocates nothing.
 */
final class ExceptionTimers {

  private final Function<String, DirectMeters.DirectTimer> factory;
  private final TagLimiter exceptions;
  private final ConcurrentHashMap<String, DirectMeters.DirectTimer> byException =
      new ConcurrentHashMap<>();
  private volatile DirectMeters.@Nullable DirectTimer none;

  /**
   * @param factory registers the timer for one {@code exception} tag value
   * @param exceptions the limiter of the {@code exception} tag of this meter
   */
  ExceptionTimers(DirectMeters direct, Function<String, Timer> factory, TagLimiter exceptions) {
    this.factory = exception -> direct.timer(factory.apply(exception));
    this.exceptions = exceptions;
  }

  DirectMeters.DirectTimer timer(@Nullable Throwable error) {
    if (error == null) {
      DirectMeters.DirectTimer timer = none;
      if (timer == null) {
        timer = factory.apply(MetricsConvention.NO_EXCEPTION);
        none = timer;
      }
      return timer;
    }
    String label = exceptions.apply(MetricsConvention.exception(error));
    DirectMeters.DirectTimer timer = byException.get(label);
    return timer != null ? timer : byException.computeIfAbsent(label, factory);
  }
}
