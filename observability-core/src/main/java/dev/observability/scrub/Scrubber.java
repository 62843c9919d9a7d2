package dev.observability.scrub;

/**
 * Masks sensitive data: values of sensitive keys, and secrets found inside free text.
 *
 * <p>One policy serves every output of the SDK. Implementations are immutable and thread-safe;
 * every method runs in time linear in its input, never throws on any input, and is idempotent
 * (scrubbing scrubbed text changes nothing).
 */
public interface Scrubber {

  /**
   * Returns {@code text} with every secret found in it replaced by the mask. Returns the same
   * instance, without allocating, when nothing matched.
   */
  String scrub(String text);

  /** Appends {@code text}, scrubbed, to {@code out}. */
  void scrubTo(CharSequence text, StringBuilder out);

  /** Whether {@code key} names sensitive data (a password, token, cookie, ...). */
  boolean isSensitiveKey(String key);

  /**
   * Scrubs one structured field: the mask when {@code key} is sensitive, else {@link
   * #scrub(String)} of {@code value}.
   */
  String scrubValue(String key, String value);

  /** The mask that replaces secrets. */
  String mask();

  /** A scrubber that changes nothing; for tests and benchmarks only. */
  static Scrubber noop() {
    return NoopScrubber.INSTANCE;
  }
}

enum NoopScrubber implements Scrubber {
  INSTANCE;

  @Override
  public String scrub(String text) {
    return text;
  }

  @Override
  public void scrubTo(CharSequence text, StringBuilder out) {
    out.append(text);
  }

  @Override
  public boolean isSensitiveKey(String key) {
    return false;
  }

  @Override
  public String scrubValue(String key, String value) {
    return value;
  }

  @Override
  public String mask() {
    return "[REDACTED]";
  }
}
