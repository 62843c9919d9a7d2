package dev.observability.metrics.internal;

import io.micrometer.core.instrument.Clock;
import io.micrometer.observation.Observation;
import java.util.function.Function;

/**
 * Keeps the start time of an observation in its context, in a holder that a reused context reuses,
 * so that timing allocates nothing past the first use of a context.
 *
 * <p>Each instance uses its own context key. Thread-safe; a context is used by one thread at a
 * time.
 */
final class StartTimes {

  private static final Function<Object, Holder> NEW_HOLDER = k -> new Holder();

  private final Object key = new Object();
  private final Clock clock;

  private static final class Holder {
    long startNanos;
    boolean active;
  }

  StartTimes(Clock clock) {
    this.clock = clock;
  }

  void start(Observation.Context context) {
    Holder holder = context.computeIfAbsent(key, NEW_HOLDER);
    holder.startNanos = clock.monotonicTime();
    holder.active = true;
  }

  /** Nanoseconds since {@link #start}, or -1 when the context was not started by this instance. */
  long stop(Observation.Context context) {
    Holder holder = context.get(key);
    if (holder == null || !holder.active) {
      return -1;
    }
    holder.active = false;
    return Math.max(0, clock.monotonicTime() - holder.startNanos);
  }
}
