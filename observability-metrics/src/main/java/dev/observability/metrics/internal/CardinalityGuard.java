package dev.observability.metrics.internal;

import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Hands out one {@link TagLimiter} per (meter, tag), so that every guarded tag of every meter has
 * its own cap. The number of limiters is itself bounded ({@value #MAX_LIMITERS}): meter names are
 * meant to be constants, and past the bound every new (meter, tag) shares one limiter whose cap is
 * already reached, so its values all become {@code OTHER}.
 *
 * <p>Thread-safe.
 */
public final class CardinalityGuard {

  /** Most (meter, tag) pairs guarded separately. */
  static final int MAX_LIMITERS = 1024;

  private final MeterRegistry registry;
  private final Scrubber scrubber;
  private final int defaultCap;
  private final ConcurrentMap<String, TagLimiter> limiters = new ConcurrentHashMap<>();
  private final TagLimiter saturated;

  /**
   * Creates a guard.
   *
   * @param registry where the overflow counter is registered
   * @param scrubber applied to every admitted value
   * @param defaultCap distinct values per tag when a limiter is asked for without a cap
   */
  public CardinalityGuard(MeterRegistry registry, Scrubber scrubber, int defaultCap) {
    this.registry = registry;
    this.scrubber = scrubber;
    this.defaultCap = defaultCap;
    this.saturated = new TagLimiter("other", "other", 0, registry, scrubber);
  }

  /** The limiter of {@code tagKey} on {@code meter}, with the default cap. */
  public TagLimiter limiter(String meter, String tagKey) {
    return limiter(meter, tagKey, defaultCap);
  }

  /**
   * The limiter of {@code tagKey} on {@code meter}. The cap is fixed by the first call for the
   * pair.
   */
  public TagLimiter limiter(String meter, String tagKey, int cap) {
    String key = meter + '\u0000' + tagKey;
    TagLimiter limiter = limiters.get(key);
    if (limiter != null) {
      return limiter;
    }
    if (limiters.size() >= MAX_LIMITERS) {
      return saturated;
    }
    return limiters.computeIfAbsent(
        key, k -> new TagLimiter(meter, tagKey, cap, registry, scrubber));
  }
}
