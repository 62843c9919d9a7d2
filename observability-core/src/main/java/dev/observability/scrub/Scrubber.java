package dev.observability.scrub;

/**
 * Masks sensitive data: values of sensitive keys, and secrets found inside free text.
 *
 * <p>One policy serves every output of the SDK. Implementations never change what they mask and are
 * thread-safe; every method runs in time linear in its input, never throws on any input, and is
 * idempotent (scrubbing scrubbed text changes nothing).
 *
 * <p>The instance of a running SDK is {@code Observability.scrubber()} (or {@code
 * ModuleContext.scrubber()} inside a module), built from the {@code scrub.*} configuration. {@link
 * #defaults()} is the same policy with default settings, and {@link #builder()} builds others. What
 * the default policy masks, and what it leaves alone, is listed in {@code docs/scrubbing.md}.
 */
public interface Scrubber {

  /**
   * Returns {@code text} with every secret found in it replaced by the mask. Returns the same
   * instance, without allocating, when nothing matched.
   *
   * @param text the text to scrub
   * @return the scrubbed text
   */
  String scrub(String text);

  /**
   * Appends {@code text}, scrubbed, to {@code out}. For encoders that build their output in a
   * {@link StringBuilder}: nothing is allocated when nothing matched. {@code text} must not be
   * {@code out} itself (if it is, it is copied first).
   *
   * @param text the text to scrub
   * @param out where the scrubbed text is appended
   */
  void scrubTo(CharSequence text, StringBuilder out);

  /**
   * Whether {@code key} names sensitive data (a password, token, cookie, ...). Case and separators
   * do not matter: {@code apiKey}, {@code api_key}, {@code API-KEY} and {@code x-api-key} are
   * alike. Allocates nothing, except that the built-in scrubber remembers the answer the first time
   * it sees a key (at most 4,096 keys of up to 128 characters).
   *
   * @param key the key
   * @return true when the key is sensitive
   */
  boolean isSensitiveKey(String key);

  /**
   * Scrubs one structured field: the mask when {@code key} is sensitive, else {@link
   * #scrub(String)} of {@code value}.
   *
   * @param key the field's key
   * @param value the field's value
   * @return the scrubbed value
   */
  String scrubValue(String key, String value);

  /**
   * The mask that replaces secrets.
   *
   * @return the mask
   */
  String mask();

  /**
   * The default policy: default sensitive keys, every built-in value detector, e-mail addresses
   * left alone, mask {@code [REDACTED]}, nothing counted. A shared instance.
   *
   * @return the default scrubber
   */
  static Scrubber defaults() {
    return ScrubberBuilder.DefaultHolder.INSTANCE;
  }

  /**
   * A builder for a scrubber with extra keys, an allow list, extra patterns, or another mask.
   *
   * @return a new builder
   */
  static ScrubberBuilder builder() {
    return new ScrubberBuilder();
  }

  /**
   * A scrubber that changes nothing; for tests and benchmarks only.
   *
   * @return the no-op scrubber
   */
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
