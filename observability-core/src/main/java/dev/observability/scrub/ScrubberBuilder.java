package dev.observability.scrub;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link Scrubber}: the default policy plus extra sensitive keys, an allow list, extra
 * value patterns, another mask, e-mail masking, and counting.
 *
 * <p>Setters reject bad input at once with an {@link IllegalArgumentException} that says what to
 * change. Not thread-safe; the built scrubber's policy never changes, and it is thread-safe.
 */
public final class ScrubberBuilder {

  /** The default mask. */
  public static final String DEFAULT_MASK = "[REDACTED]";

  /** The name of the counter of masked values; Prometheus shows it as {@code *_total}. */
  public static final String COUNTER_NAME = "observability.scrubbed";

  private static final String MASK_ENDS = "[]{}()<>*#!|^";
  private static final String MASK_FORBIDDEN = "\"'\\=:@&;,/?%+";

  private String mask = DEFAULT_MASK;
  private boolean emails;
  private final List<String> sensitiveKeys = new ArrayList<>();
  private final List<String> allowedKeys = new ArrayList<>();
  private final List<Pattern> patterns = new ArrayList<>();
  private @Nullable MeterRegistry registry;

  ScrubberBuilder() {}

  /**
   * The text that replaces secrets; default {@code [REDACTED]}. It must be 1 to 64 characters,
   * begin and end with one of {@code [ ] { } ( ) < > * # ! | ^} (so that it never merges with the
   * text around it), and hold no digit, control character or any of {@code " ' \ = : @ & ; , / ? %
   * +}; {@link #build()} also checks that the policy leaves the mask itself alone.
   *
   * @param mask the mask
   * @return this builder
   */
  public ScrubberBuilder mask(String mask) {
    this.mask = checkMask(mask);
    return this;
  }

  /**
   * Whether e-mail addresses are masked; default false.
   *
   * @param enabled true to mask e-mail addresses
   * @return this builder
   */
  public ScrubberBuilder emails(boolean enabled) {
    this.emails = enabled;
    return this;
  }

  /**
   * Adds sensitive keys: {@code name} for keys equal to it, {@code *name*} for keys containing it,
   * compared case- and separator-insensitively ({@code *order_secret*} matches {@code
   * X-Order-Secret-V2}).
   *
   * @param keys the keys or {@code *patterns*}
   * @return this builder
   */
  public ScrubberBuilder addSensitiveKeys(String... keys) {
    return addSensitiveKeys(List.of(keys));
  }

  /**
   * Adds sensitive keys; see {@link #addSensitiveKeys(String...)}.
   *
   * @param keys the keys or {@code *patterns*}
   * @return this builder
   */
  public ScrubberBuilder addSensitiveKeys(Collection<String> keys) {
    for (String key : keys) {
      KeyRules.check(Objects.requireNonNull(key, "key"), "sensitive key");
      sensitiveKeys.add(key);
    }
    return this;
  }

  /**
   * Adds keys that are never sensitive, whatever the other rules say ({@code session_count}, or
   * {@code *tokens*} for token counts); same syntax as {@link #addSensitiveKeys(String...)}. The
   * allow list only affects key rules: secrets inside an allowed key's value are still found.
   *
   * @param keys the keys or {@code *patterns*}
   * @return this builder
   */
  public ScrubberBuilder addAllowedKeys(String... keys) {
    return addAllowedKeys(List.of(keys));
  }

  /**
   * Adds allowed keys; see {@link #addAllowedKeys(String...)}.
   *
   * @param keys the keys or {@code *patterns*}
   * @return this builder
   */
  public ScrubberBuilder addAllowedKeys(Collection<String> keys) {
    for (String key : keys) {
      KeyRules.check(Objects.requireNonNull(key, "key"), "allowed key");
      allowedKeys.add(key);
    }
    return this;
  }

  /**
   * Adds a value pattern (a {@link java.util.regex.Pattern} regular expression): each match, or its
   * first group when it has one, is masked after the built-in detectors ran. Java patterns
   * backtrack: a pattern with nested quantifiers can take exponential time on hostile input, which
   * is the author's risk. The built-in detectors use no regular expressions.
   *
   * @param regex the regular expression
   * @return this builder
   * @throws IllegalArgumentException if the pattern does not compile or matches empty text
   */
  public ScrubberBuilder addPattern(String regex) {
    Objects.requireNonNull(regex, "regex");
    Pattern pattern;
    try {
      pattern = Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "pattern '" + regex + "' does not compile: " + e.getDescription(), e);
    }
    return addPattern(pattern);
  }

  /**
   * Adds a value pattern; see {@link #addPattern(String)}.
   *
   * @param pattern the compiled pattern
   * @return this builder
   */
  public ScrubberBuilder addPattern(Pattern pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.matcher("").find()) {
      throw new IllegalArgumentException(
          "pattern '" + pattern.pattern() + "' matches empty text; it would mask everywhere");
    }
    patterns.add(pattern);
    return this;
  }

  /**
   * Counts masked values in {@code registry}: counter {@value #COUNTER_NAME} with tag {@code rule}
   * (Prometheus {@code observability_scrubbed_total{rule}}), one pre-registered counter per rule.
   *
   * @param registry the registry to count in
   * @return this builder
   */
  public ScrubberBuilder meterRegistry(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
    return this;
  }

  /**
   * Builds the scrubber.
   *
   * @return the scrubber
   * @throws IllegalArgumentException if the policy would mask its own mask (the mask, or a pattern,
   *     would make scrubbing not idempotent)
   */
  public Scrubber build() {
    KeyRules rules = KeyRules.create(sensitiveKeys, allowedKeys);
    DefaultScrubber probe = new DefaultScrubber(mask, rules, emails, List.of(), null);
    for (String context : maskContexts(mask)) {
      if (!probe.scrub(context).equals(context)) {
        throw new IllegalArgumentException(
            "mask '" + mask + "' would itself be scrubbed (in '" + context + "'); choose another");
      }
    }
    for (Pattern pattern : patterns) {
      if (pattern.matcher(mask).find()) {
        throw new IllegalArgumentException(
            "pattern '" + pattern.pattern() + "' matches the mask '" + mask + "'");
      }
    }
    Counter[] counters = null;
    MeterRegistry r = registry;
    if (r != null) {
      counters = new Counter[Rule.all().length];
      for (Rule rule : Rule.all()) {
        counters[rule.ordinal()] =
            Counter.builder(COUNTER_NAME)
                .tag("rule", rule.tag())
                .description("Values masked by the sensitive-data scrubber, by rule")
                .register(r);
      }
    }
    return new DefaultScrubber(mask, rules, emails, patterns, counters);
  }

  private static List<String> maskContexts(String mask) {
    return List.of(
        mask,
        "x " + mask + " y",
        "password=" + mask,
        "password=" + mask + "&x=1",
        "\"password\": \"" + mask + "\"",
        "Authorization: Bearer " + mask,
        "Cookie: " + mask,
        "Bearer " + mask,
        "https://user:" + mask + "@example.com/",
        "1234 " + mask + " 5678",
        "x " + mask + "@example.com");
  }

  static String checkMask(String mask) {
    Objects.requireNonNull(mask, "mask");
    if (mask.isEmpty() || mask.length() > 64) {
      throw new IllegalArgumentException("mask must be 1 to 64 characters");
    }
    if (MASK_ENDS.indexOf(mask.charAt(0)) < 0
        || MASK_ENDS.indexOf(mask.charAt(mask.length() - 1)) < 0) {
      throw new IllegalArgumentException(
          "mask '"
              + mask
              + "' must begin and end with one of "
              + MASK_ENDS
              + ", as in [REDACTED], <hidden> or ***");
    }
    for (int i = 0; i < mask.length(); i++) {
      char c = mask.charAt(i);
      if (Character.isISOControl(c) || Chars.isDigit(c) || MASK_FORBIDDEN.indexOf(c) >= 0) {
        throw new IllegalArgumentException(
            "mask '"
                + mask
                + "' must not contain digits, control characters or any of "
                + MASK_FORBIDDEN);
      }
    }
    return mask;
  }

  /** The shared default scrubber. */
  static final class DefaultHolder {
    static final Scrubber INSTANCE = new ScrubberBuilder().build();

    private DefaultHolder() {}
  }
}
