package dev.observability.errors.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Client-side flood control: at most {@code limit} events per fingerprint per interval (a fixed
 * window that starts with the first event of the fingerprint). Events past the limit are suppressed
 * and counted; the count travels with the next event of that fingerprint that is let through.
 *
 * <p>Fingerprints are held in a bounded map (least recently seen falls off, counted through {@code
 * onEvicted}); a forgotten fingerprint starts afresh and its pending suppressed count is lost.
 *
 * <p>Thread-safe: every method synchronizes on the instance and does constant work.
 */
final class FloodControl {

  /** The decision for one event. */
  record Decision(boolean allowed, long suppressedBefore) {
    static final Decision ALLOWED = new Decision(true, 0);
    static final Decision DENIED = new Decision(false, 0);
  }

  private static final class Window {
    long start;
    int count;
    long suppressed;
  }

  private final int limit;
  private final long intervalNanos;
  private final LinkedHashMap<String, Window> windows;

  /**
   * Creates a limiter.
   *
   * @param limit events per window and fingerprint; 0 turns the limiter off
   * @param intervalNanos window length
   * @param capacity fingerprints tracked at once
   * @param onEvicted called with 1 each time a fingerprint falls off the bound
   */
  FloodControl(int limit, long intervalNanos, int capacity, LongConsumer onEvicted) {
    this.limit = limit;
    this.intervalNanos = intervalNanos;
    this.windows =
        new LinkedHashMap<>(64, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            if (size() > capacity) {
              onEvicted.accept(1);
              return true;
            }
            return false;
          }
        };
  }

  /** Whether the limiter is on. */
  boolean enabled() {
    return limit > 0;
  }

  /** Decides whether an event of {@code fingerprint} at {@code nowNanos} may be sent. */
  synchronized Decision acquire(String fingerprint, long nowNanos) {
    if (limit <= 0) {
      return Decision.ALLOWED;
    }
    Window window = windows.get(fingerprint);
    if (window == null) {
      window = new Window();
      window.start = nowNanos;
      windows.put(fingerprint, window);
    } else if (nowNanos - window.start >= intervalNanos) {
      window.start = nowNanos;
      window.count = 0;
    }
    if (window.count < limit) {
      window.count++;
      long suppressed = window.suppressed;
      window.suppressed = 0;
      return suppressed == 0 ? Decision.ALLOWED : new Decision(true, suppressed);
    }
    window.suppressed++;
    return Decision.DENIED;
  }

  /**
   * Gives back a suppressed count taken by {@link #acquire} for an event that was then not sent
   * (sampled out), so that the next event carries it.
   */
  synchronized void restore(String fingerprint, long suppressed) {
    if (suppressed <= 0) {
      return;
    }
    Window window = windows.get(fingerprint);
    if (window != null) {
      window.suppressed += suppressed;
    }
  }

  /** The number of fingerprints tracked. */
  synchronized int size() {
    return windows.size();
  }
}
