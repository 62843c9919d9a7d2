package dev.observability.logging.internal;

import dev.observability.scrub.Scrubber;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Remembers which field names one scrubber deems sensitive: key-value and MDC keys are few and come
 * from code, while an encoder may be given any {@link Scrubber}, which may normalise a key on every
 * call (the built-in one remembers keys too). At most {@link #MAX_KEYS} names are remembered
 * (further ones are asked each time). Thread-safe.
 */
final class SensitiveKeys {

  static final int MAX_KEYS = 4096;

  private final Scrubber scrubber;
  private final ConcurrentHashMap<String, Boolean> known = new ConcurrentHashMap<>();
  private final boolean[] fixed;

  SensitiveKeys(Scrubber scrubber) {
    this(scrubber, new String[0]);
  }

  /**
   * Keys for {@code scrubber}, with {@code fixedNames} (names a writer uses on every line) asked
   * once, here, for {@link #isFixedSensitive}.
   */
  SensitiveKeys(Scrubber scrubber, String[] fixedNames) {
    this.scrubber = scrubber;
    this.fixed = new boolean[fixedNames.length];
    for (int i = 0; i < fixedNames.length; i++) {
      fixed[i] = scrubber.isSensitiveKey(fixedNames[i]);
    }
  }

  /** Whether the {@code i}th of the fixed names given at construction is sensitive. */
  boolean isFixedSensitive(int i) {
    return fixed[i];
  }

  Scrubber scrubber() {
    return scrubber;
  }

  boolean isSensitive(String key) {
    Boolean cached = known.get(key);
    if (cached != null) {
      return cached;
    }
    boolean sensitive = scrubber.isSensitiveKey(key);
    if (known.size() < MAX_KEYS) {
      known.put(key, sensitive);
    }
    return sensitive;
  }

  /** The value of field {@code key}: the mask when the key is sensitive, else scrubbed. */
  String scrubValue(String key, String value) {
    return isSensitive(key) ? scrubber.mask() : scrubber.scrub(value);
  }
}
