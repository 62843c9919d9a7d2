package dev.observability.metrics.internal;

import dev.observability.metrics.MetricsConvention;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the distinct values of one tag of one meter. The first {@code cap} distinct values pass
 * (scrubbed and shortened to {@value #MAX_VALUE_LENGTH} characters); later new values become {@link
 * MetricsConvention#OVERFLOW}, each such replacement counted in {@code
 * observability_cardinality_overflow_total{meter}}, the first one logged at WARN and the rest at
 * DEBUG.
 *
 * <p>Thread-safe. {@link #apply(String)} of a known value does not allocate or lock.
 */
public final class TagLimiter {

  /** Longest tag value kept; longer ones are cut. */
  static final int MAX_VALUE_LENGTH = 200;

  private static final Logger logger = LoggerFactory.getLogger(TagLimiter.class);

  private final String meter;
  private final String tagKey;
  private final int cap;
  private final MeterRegistry registry;
  private final Scrubber scrubber;
  private final ConcurrentHashMap<String, String> known = new ConcurrentHashMap<>();
  private final AtomicBoolean warned = new AtomicBoolean();
  private volatile @Nullable Counter overflow;

  TagLimiter(String meter, String tagKey, int cap, MeterRegistry registry, Scrubber scrubber) {
    this.meter = meter;
    this.tagKey = tagKey;
    this.cap = cap;
    this.registry = registry;
    this.scrubber = scrubber;
  }

  /** The tag value to record for {@code raw}: its scrubbed form, or {@code OTHER} past the cap. */
  public String apply(String raw) {
    String label = known.get(raw);
    return label != null ? label : admit(raw);
  }

  /** Whether {@code raw} was admitted before (does not admit it). */
  public boolean isKnown(String raw) {
    return known.containsKey(raw);
  }

  /** The number of distinct values admitted so far; at most the cap. */
  public int size() {
    return known.size();
  }

  /** The cap. */
  public int cap() {
    return cap;
  }

  /** Replacements by {@code OTHER} so far. */
  public double overflowCount() {
    Counter counter = overflow;
    return counter == null ? 0 : counter.count();
  }

  private String admit(String raw) {
    if (known.size() >= cap) {
      return overflow(raw);
    }
    synchronized (this) {
      String label = known.get(raw);
      if (label != null) {
        return label;
      }
      if (known.size() >= cap) {
        return overflow(raw);
      }
      label = sanitize(raw);
      known.put(raw, label);
      return label;
    }
  }

  private String sanitize(String raw) {
    String scrubbed = scrubber.scrub(raw);
    if (scrubbed.length() > MAX_VALUE_LENGTH) {
      int end = MAX_VALUE_LENGTH;
      if (Character.isHighSurrogate(scrubbed.charAt(end - 1))) {
        end--;
      }
      scrubbed = scrubbed.substring(0, end);
    }
    return scrubbed;
  }

  private String overflow(String raw) {
    Counter counter = overflow;
    if (counter == null) {
      counter =
          Counter.builder(MetricsConvention.CARDINALITY_OVERFLOW)
              .description(
                  "Tag values replaced by OTHER because a meter reached its cap of distinct values")
              .tag(MetricsConvention.TAG_METER, meter)
              .register(registry);
      overflow = counter;
    }
    counter.increment();
    if (warned.compareAndSet(false, true)) {
      logger.warn(
          "metrics: meter '{}' reached its cap of {} distinct '{}' values; new values are recorded"
              + " as '{}' and counted in observability_cardinality_overflow_total{meter=\"{}\"}"
              + " (further ones logged at DEBUG)",
          meter,
          cap,
          tagKey,
          MetricsConvention.OVERFLOW,
          meter);
    } else if (logger.isDebugEnabled()) {
      logger.debug(
          "metrics: meter '{}' tag '{}' value '{}' recorded as '{}'",
          meter,
          tagKey,
          sanitize(raw),
          MetricsConvention.OVERFLOW);
    }
    return MetricsConvention.OVERFLOW;
  }
}
