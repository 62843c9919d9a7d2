package dev.observability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * A typed configuration key with its parser, its validation and its default.
 *
 * <p>A key named {@code tracing.sample-ratio} is read, in this order of precedence, from the
 * builder ({@link ObservabilityBuilder#property(String, String)}), the system property {@code
 * observability.tracing.sample-ratio}, the environment variable {@code
 * OBSERVABILITY_TRACING_SAMPLE_RATIO}, then any standard environment variables the key names (such
 * as {@code OTEL_SERVICE_NAME}), and finally its default. Keys are declared by core and by modules
 * ({@link dev.observability.spi.ObservabilityModule#configKeys()}) and are all resolved and
 * validated before any module starts.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <T> the type of the parsed value
 */
public final class ConfigKey<T> {

  private final String name;
  private final @Nullable T defaultValue;
  private final Function<String, T> parser;
  private final Function<T, String> printer;
  private final List<String> standardEnvironmentVariables;
  private final String description;
  private final List<Validation<T>> validations;
  private final boolean secret;

  private ConfigKey(
      String name,
      @Nullable T defaultValue,
      Function<String, T> parser,
      Function<T, String> printer,
      List<String> standardEnvironmentVariables,
      String description,
      List<Validation<T>> validations,
      boolean secret) {
    this.name = name;
    this.defaultValue = defaultValue;
    this.parser = parser;
    this.printer = printer;
    this.standardEnvironmentVariables = standardEnvironmentVariables;
    this.description = description;
    this.validations = validations;
    this.secret = secret;
  }

  private static <T> ConfigKey<T> of(
      String name,
      @Nullable T defaultValue,
      Function<String, T> parser,
      Function<T, String> printer) {
    return new ConfigKey<>(
        checkName(name), defaultValue, parser, printer, List.of(), "", List.of(), false);
  }

  /**
   * A free-form string; blank values count as unset.
   *
   * @param name the key's name, lower-case and dot-separated, such as {@code service.name}
   * @param defaultValue the value when nothing is configured, or null for none
   * @return the key
   */
  public static ConfigKey<String> string(String name, @Nullable String defaultValue) {
    return of(name, defaultValue, s -> s, s -> s);
  }

  /**
   * A boolean: {@code true}/{@code false}, {@code yes}/{@code no}, {@code on}/{@code off}.
   *
   * @param name the key's name, lower-case and dot-separated
   * @param defaultValue the value when nothing is configured
   * @return the key
   */
  public static ConfigKey<Boolean> bool(String name, boolean defaultValue) {
    return of(name, defaultValue, ConfigKey::parseBoolean, String::valueOf);
  }

  /**
   * An integer in {@code [min, max]}.
   *
   * @param name the key's name, lower-case and dot-separated
   * @param defaultValue the value when nothing is configured
   * @param min the smallest value accepted
   * @param max the largest value accepted
   * @return the key
   */
  public static ConfigKey<Integer> integer(String name, int defaultValue, int min, int max) {
    ConfigKey<Integer> key = of(name, defaultValue, ConfigKey::parseInt, String::valueOf);
    return key.validate(v -> v >= min && v <= max, "must be between " + min + " and " + max);
  }

  /**
   * A ratio in {@code [0, 1]}.
   *
   * @param name the key's name, lower-case and dot-separated
   * @param defaultValue the value when nothing is configured
   * @return the key
   */
  public static ConfigKey<Double> ratio(String name, double defaultValue) {
    ConfigKey<Double> key = of(name, defaultValue, ConfigKey::parseDouble, String::valueOf);
    return key.validate(v -> v >= 0.0 && v <= 1.0, "must be a number between 0 and 1");
  }

  /**
   * A duration: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}, an ISO-8601 {@code PT5S}, or a
   * bare number of milliseconds. Must be positive and at most {@code max}.
   *
   * @param name the key's name, lower-case and dot-separated
   * @param defaultValue the value when nothing is configured
   * @param max the longest duration accepted
   * @return the key
   */
  public static ConfigKey<Duration> duration(String name, Duration defaultValue, Duration max) {
    ConfigKey<Duration> key = of(name, defaultValue, ConfigKey::parseDuration, ConfigKey::print);
    return key.validate(
        d -> !d.isNegative() && !d.isZero() && d.compareTo(max) <= 0,
        "must be positive and at most " + print(max));
  }

  /**
   * A comma-separated list of strings; blanks are dropped.
   *
   * @param name the key's name, lower-case and dot-separated
   * @param defaultValue the values when nothing is configured (copied)
   * @return the key
   */
  public static ConfigKey<List<String>> stringList(String name, List<String> defaultValue) {
    return of(
        name, List.copyOf(defaultValue), ConfigKey::parseList, list -> String.join(",", list));
  }

  /**
   * A comma-separated list of numbers, for example histogram buckets.
   *
   * @param name the key's name, lower-case and dot-separated
   * @param defaultValue the values when nothing is configured (copied)
   * @return the key
   */
  public static ConfigKey<List<Double>> doubleList(String name, List<Double> defaultValue) {
    return of(
        name,
        List.copyOf(defaultValue),
        s -> {
          List<Double> values = new ArrayList<>();
          for (String part : parseList(s)) {
            values.add(parseDouble(part));
          }
          return List.copyOf(values);
        },
        list -> String.join(",", list.stream().map(String::valueOf).toList()));
  }

  /**
   * A comma-separated list of {@code key=value} pairs, as in {@code OTEL_RESOURCE_ATTRIBUTES}.
   * Values may be percent-encoded.
   *
   * @param name the key's name, lower-case and dot-separated
   * @param defaultValue the pairs when nothing is configured (copied)
   * @return the key
   */
  public static ConfigKey<Map<String, String>> stringMap(
      String name, Map<String, String> defaultValue) {
    return of(
        name,
        Collections.unmodifiableMap(new LinkedHashMap<>(defaultValue)),
        ConfigKey::parseMap,
        map -> {
          StringBuilder sb = new StringBuilder();
          map.forEach(
              (k, v) -> sb.append(sb.length() == 0 ? "" : ",").append(k).append('=').append(v));
          return sb.toString();
        });
  }

  /**
   * One of an enum's constants, matched case-insensitively with {@code -} read as {@code _}.
   *
   * @param <E> the enum type
   * @param name the key's name, lower-case and dot-separated
   * @param type the enum's class
   * @param defaultValue the constant when nothing is configured
   * @return the key
   */
  public static <E extends Enum<E>> ConfigKey<E> enumValue(
      String name, Class<E> type, E defaultValue) {
    String allowed =
        String.join(
            ", ",
            Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT))
                .toList());
    return of(
        name,
        defaultValue,
        s -> {
          String wanted = s.trim().replace('-', '_');
          for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(wanted)) {
              return constant;
            }
          }
          throw new IllegalArgumentException("must be one of " + allowed);
        },
        e -> e.name().toLowerCase(Locale.ROOT));
  }

  /**
   * Returns a copy of this key that also reads the given standard environment variables, after this
   * key's own {@code OBSERVABILITY_*} variable, first match winning.
   *
   * @param names the standard variables, such as {@code OTEL_SERVICE_NAME}, in the order they are
   *     read
   * @return the new key
   */
  public ConfigKey<T> withStandardEnvironmentVariables(String... names) {
    List<String> all = new ArrayList<>(standardEnvironmentVariables);
    all.addAll(Arrays.asList(names));
    return new ConfigKey<>(
        name, defaultValue, parser, printer, List.copyOf(all), description, validations, secret);
  }

  /**
   * Returns a copy of this key with a one-line description, used in error messages and docs.
   *
   * @param text the description
   * @return the new key
   */
  public ConfigKey<T> describedAs(String text) {
    return new ConfigKey<>(
        name,
        defaultValue,
        parser,
        printer,
        standardEnvironmentVariables,
        text,
        validations,
        secret);
  }

  /**
   * Returns a copy of this key that also requires {@code rule}, failing with {@code message}.
   *
   * @param rule true for valid values
   * @param message what a value breaking the rule is told, such as {@code must be positive}
   * @return the new key
   */
  public ConfigKey<T> validate(Predicate<? super T> rule, String message) {
    List<Validation<T>> all = new ArrayList<>(validations);
    all.add(new Validation<>(rule, message));
    return new ConfigKey<>(
        name,
        defaultValue,
        parser,
        printer,
        standardEnvironmentVariables,
        description,
        List.copyOf(all),
        secret);
  }

  /**
   * Returns a copy of this key whose values are secret (a DSN, a header carrying an API key):
   * configuration errors name the key and the problem but never echo the value.
   *
   * @return the new key
   */
  public ConfigKey<T> secret() {
    return new ConfigKey<>(
        name,
        defaultValue,
        parser,
        printer,
        standardEnvironmentVariables,
        description,
        validations,
        true);
  }

  /**
   * Whether values of this key are secret and never echoed.
   *
   * @return true when values are secret
   */
  public boolean isSecret() {
    return secret;
  }

  /**
   * The key's name, for example {@code tracing.sample-ratio}.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * The system property that sets this key, for example {@code observability.service.name}.
   *
   * @return the system property's name
   */
  public String systemProperty() {
    return "observability." + name;
  }

  /**
   * The environment variable that sets this key, for example {@code OBSERVABILITY_SERVICE_NAME}.
   *
   * @return the environment variable's name
   */
  public String environmentVariable() {
    return environmentVariableOf(name);
  }

  /**
   * Standard environment variables also read, after {@link #environmentVariable()}.
   *
   * @return the variables, in the order they are read; empty when there are none
   */
  public List<String> standardEnvironmentVariables() {
    return standardEnvironmentVariables;
  }

  /**
   * The default, or {@code null} when the key has none.
   *
   * @return the default, or null
   */
  public @Nullable T defaultValue() {
    return defaultValue;
  }

  /**
   * The default as configuration text, or an empty string when there is none.
   *
   * @return the default as text
   */
  public String defaultText() {
    return defaultValue == null ? "" : printer.apply(defaultValue);
  }

  /**
   * The one-line description.
   *
   * @return the description; empty when none was given
   */
  public String description() {
    return description;
  }

  /**
   * Parses and validates a raw value.
   *
   * @param raw the configured text
   * @return the parsed value
   * @throws IllegalArgumentException with a message that says what is wrong
   */
  public T parse(String raw) {
    T value;
    try {
      value = parser.apply(raw.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
    for (Validation<T> validation : validations) {
      if (!validation.rule().test(value)) {
        throw new IllegalArgumentException(validation.message());
      }
    }
    return value;
  }

  /**
   * Renders a value the way configuration writes it.
   *
   * @param value a value of this key
   * @return the value as configuration text
   */
  public String print(T value) {
    return printer.apply(value);
  }

  static String environmentVariableOf(String name) {
    return "OBSERVABILITY_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ConfigKey<?> other && other.name.equals(name);
  }

  @Override
  public int hashCode() {
    return name.hashCode();
  }

  @Override
  public String toString() {
    return name;
  }

  private record Validation<T>(Predicate<? super T> rule, String message) {}

  private static String checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[a-z0-9]+([.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "configuration key '" + name + "' must be lower-case words joined by '.' or '-'");
    }
    return name;
  }

  private static boolean parseBoolean(String s) {
    switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> {
        return true;
      }
      case "false", "no", "off", "0" -> {
        return false;
      }
      default -> throw new IllegalArgumentException("must be true or false");
    }
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s.trim().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a whole number");
    }
  }

  private static double parseDouble(String s) {
    try {
      double d = Double.parseDouble(s.trim());
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number, not '" + s.trim() + "'");
    }
  }

  private static Duration parseDuration(String s) {
    String text = s.trim().toLowerCase(Locale.ROOT);
    try {
      if (text.startsWith("pt") || text.startsWith("p")) {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      }
      if (text.endsWith("ms")) {
        return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2).trim()));
      }
      if (text.endsWith("s")) {
        return Duration.ofSeconds(Long.parseLong(text.substring(0, text.length() - 1).trim()));
      }
      if (text.endsWith("m")) {
        return Duration.ofMinutes(Long.parseLong(text.substring(0, text.length() - 1).trim()));
      }
      if (text.endsWith("h")) {
        return Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1).trim()));
      }
      return Duration.ofMillis(Long.parseLong(text));
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "must be a duration such as 500ms, 5s, 2m or PT5S, not '" + s.trim() + "'");
    }
  }

  private static String print(Duration d) {
    if (d.toMillis() % 1000 != 0) {
      return d.toMillis() + "ms";
    }
    return d.toSeconds() + "s";
  }

  private static List<String> parseList(String s) {
    List<String> values = new ArrayList<>();
    for (String part : s.split(",")) {
      String trimmed = part.trim();
      if (!trimmed.isEmpty()) {
        values.add(trimmed);
      }
    }
    return List.copyOf(values);
  }

  private static Map<String, String> parseMap(String s) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String part : parseList(s)) {
      int eq = part.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "must be a comma-separated list of key=value pairs, not '" + part + "'");
      }
      String key = part.substring(0, eq).trim();
      String value = part.substring(eq + 1).trim();
      try {
        value = java.net.URLDecoder.decode(value, java.nio.charset.StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("has a badly percent-encoded value for '" + key + "'");
      }
      map.put(key, value);
    }
    return Collections.unmodifiableMap(map);
  }
}
