package dev.observability.scrub;

import dev.observability.ConfigKey;
import dev.observability.ConfigurationException;
import dev.observability.ObservabilityConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * The scrubber's configuration keys, and how the facade builds its scrubber from them.
 *
 * <p>Keys: {@code scrub.mask}, {@code scrub.extra-keys}, {@code scrub.allow-keys}, {@code
 * scrub.extra-patterns}, {@code scrub.emails}; see {@code docs/configuration.md}. Every key is
 * validated before the SDK starts.
 */
public final class ScrubberConfig {

  /** The mask; see {@link ScrubberBuilder#mask(String)}. */
  public static final ConfigKey<String> MASK =
      ConfigKey.string("scrub.mask", ScrubberBuilder.DEFAULT_MASK)
          .validate(ScrubberConfig::validMask, "is not a valid mask")
          .describedAs("Text that replaces secrets, such as [REDACTED], <hidden> or ***.");

  /** Extra sensitive keys; see {@link ScrubberBuilder#addSensitiveKeys(String...)}. */
  public static final ConfigKey<List<String>> EXTRA_KEYS =
      ConfigKey.stringList("scrub.extra-keys", List.of())
          .validate(keys -> validKeys(keys, "sensitive key"), "has an invalid key")
          .describedAs(
              "More sensitive keys, comma-separated: name (exact) or *name* (contains);"
                  + " case and separators are ignored.");

  /** Keys never masked by key rules; see {@link ScrubberBuilder#addAllowedKeys(String...)}. */
  public static final ConfigKey<List<String>> ALLOW_KEYS =
      ConfigKey.stringList("scrub.allow-keys", List.of())
          .validate(keys -> validKeys(keys, "allowed key"), "has an invalid key")
          .describedAs(
              "Keys never masked by key rules (they win), comma-separated: name or *name*.");

  /** Extra value patterns; see {@link ScrubberBuilder#addPattern(String)}. */
  public static final ConfigKey<String> EXTRA_PATTERNS =
      ConfigKey.string("scrub.extra-patterns", null)
          .validate(ScrubberConfig::validPatterns, "has an invalid pattern")
          .describedAs(
              "More value patterns (Java regular expressions), comma-separated; a comma inside"
                  + " [...] or {m,n}, or escaped as \\, belongs to the pattern.");

  /** Whether e-mail addresses are masked. */
  public static final ConfigKey<Boolean> EMAILS =
      ConfigKey.bool("scrub.emails", false).describedAs("Mask e-mail addresses in text.");

  /** Every key the scrubber reads. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(MASK, EXTRA_KEYS, ALLOW_KEYS, EXTRA_PATTERNS, EMAILS);

  private ScrubberConfig() {}

  /**
   * Builds the instance's scrubber from validated configuration, counting in {@code registry}.
   *
   * @param config the validated configuration
   * @param registry the registry to count masked values in
   * @return the scrubber
   * @throws ConfigurationException if the settings are valid one by one but not together (a pattern
   *     that matches the mask); {@link #problems} reports that before anything starts
   */
  public static Scrubber create(ObservabilityConfig config, MeterRegistry registry) {
    ScrubberBuilder builder = builder(config).meterRegistry(registry);
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(List.of(problem(config, e)));
    }
  }

  /**
   * Problems of settings that are valid one by one but not together (a pattern that matches the
   * mask), worded like every configuration problem. Empty when a key is itself invalid: its own
   * problem is reported instead.
   *
   * @param config the instance's configuration
   * @return the problems, empty when there are none
   */
  public static List<String> problems(ObservabilityConfig config) {
    ScrubberBuilder builder;
    try {
      builder = builder(config);
    } catch (ConfigurationException | IllegalArgumentException e) {
      return List.of();
    }
    try {
      builder.build();
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(problem(config, e));
    }
  }

  private static ScrubberBuilder builder(ObservabilityConfig config) {
    ScrubberBuilder builder =
        Scrubber.builder()
            .mask(config.get(MASK))
            .addSensitiveKeys(config.get(EXTRA_KEYS))
            .addAllowedKeys(config.get(ALLOW_KEYS))
            .emails(config.get(EMAILS));
    config.find(EXTRA_PATTERNS).ifPresent(raw -> splitPatterns(raw).forEach(builder::addPattern));
    return builder;
  }

  private static String problem(ObservabilityConfig config, IllegalArgumentException e) {
    boolean pattern =
        config.find(EXTRA_PATTERNS).isPresent()
            && String.valueOf(e.getMessage()).startsWith("pattern");
    return config.problem(pattern ? EXTRA_PATTERNS : MASK, e.getMessage());
  }

  /**
   * Splits a pattern list at commas that are outside {@code [...]} and {@code {...}} and not
   * escaped.
   */
  static List<String> splitPatterns(String raw) {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int square = 0;
    int curly = 0;
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c == '\\' && i + 1 < raw.length()) {
        current.append(c).append(raw.charAt(++i));
        continue;
      }
      if (c == '[') {
        square++;
      } else if (c == ']' && square > 0) {
        square--;
      } else if (c == '{' && square == 0) {
        curly++;
      } else if (c == '}' && square == 0 && curly > 0) {
        curly--;
      } else if (c == ',' && square == 0 && curly == 0) {
        addTrimmed(out, current);
        continue;
      }
      current.append(c);
    }
    addTrimmed(out, current);
    return List.copyOf(out);
  }

  private static void addTrimmed(List<String> out, StringBuilder current) {
    String s = current.toString().trim();
    if (!s.isEmpty()) {
      out.add(s);
    }
    current.setLength(0);
  }

  // Validators throw IllegalArgumentException with the precise problem; the configuration
  // reports it with the key, its property and variable, and where the value came from.

  private static boolean validMask(String mask) {
    ScrubberBuilder.checkMask(mask);
    Scrubber.builder().mask(mask).build();
    return true;
  }

  private static boolean validKeys(List<String> keys, String what) {
    for (String key : keys) {
      KeyRules.check(key, what);
    }
    return true;
  }

  private static boolean validPatterns(String raw) {
    List<String> patterns = splitPatterns(raw);
    for (int k = 0; k < patterns.size(); k++) {
      try {
        Scrubber.builder().addPattern(patterns.get(k));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "pattern " + (k + 1) + " of " + patterns.size() + ": " + e.getMessage(), e);
      }
    }
    return true;
  }
}
