package dev.observability.metrics.internal;

import dev.observability.internal.CompactContext;
import io.micrometer.core.instrument.Clock;
import io.micrometer.observation.Observation;
import java.util.function.Function;

/**
 * Times observations for one handler, and says whether each is being timed, so that a repeated
 * start or stop is counted once.
 *
 * <p>A context that the SDK's observation started carries its start time ({@link
 * CompactContext#startNanos()}), and once stopped its stop time: with the system clock, the handler
 * keeps only a mark in the context, a shared constant, allocates nothing, and times the observation
 * from one stamp to the other, as the other handlers do. Otherwise (Micrometer's own observation,
 * or another clock) the start time is kept in a holder in the context, which a reused context
 * reuses.
 *
 * <p>Each instance uses its own context key. Thread-safe; a context is used by one thread at a
 * time.
 */
final class StartTimes {

  private static final Function<Object, Holder> NEW_HOLDER = k -> new Holder();

  /** The mark of a context being timed from its stamped start. */
  private static final Object TIMING = Boolean.TRUE;

  private final Object key = new Object();
  private final Clock clock;
  private final boolean systemClock;

  private static final class Holder {
    long startNanos;
    boolean active;
  }

  StartTimes(Clock clock) {
    this.clock = clock;
    this.systemClock = clock == Clock.SYSTEM;
  }

  /**
   * Starts timing {@code context}, or times it again from now.
   *
   * @return whether it was not being timed already
   */
  boolean start(Observation.Context context) {
    if (stamped(context)) {
      if (context.get(key) == TIMING) {
        return false;
      }
      context.put(key, TIMING);
      return true;
    }
    Holder holder = context.computeIfAbsent(key, NEW_HOLDER);
    holder.startNanos = clock.monotonicTime();
    boolean started = !holder.active;
    holder.active = true;
    return started;
  }

  /**
   * Stops timing {@code context}.
   *
   * @return the nanoseconds since its start, or -1 when it was not being timed
   */
  long stop(Observation.Context context) {
    if (stamped(context)) {
      if (context.remove(key) != TIMING) {
        return -1;
      }
      CompactContext compact = (CompactContext) context;
      return Math.max(0, compact.stopNanosOrNow() - compact.startNanos());
    }
    Holder holder = context.get(key);
    if (holder == null || !holder.active) {
      return -1;
    }
    holder.active = false;
    return Math.max(0, clock.monotonicTime() - holder.startNanos);
  }

  /** Whether {@code context}'s own start time is the one to use: the SDK's, on this clock. */
  private boolean stamped(Observation.Context context) {
    return systemClock && context instanceof CompactContext compact && compact.isStarted();
  }
}
