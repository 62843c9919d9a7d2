package dev.observability;

import dev.observability.internal.ConfigSources;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The validated configuration of one running {@link Observability} instance.
 *
 * <p>Every key declared by core and by the modules on the class path was resolved and validated
 * before any module started; reading such a key never fails. Reading a key that nobody declared
 * resolves it on first use and may throw {@link ConfigurationException}.
 *
 * <p>Immutable and thread-safe.
 */
public final class ObservabilityConfig {

  private final ConfigSources sources;
  private final Map<String, Resolved<?>> resolved = new ConcurrentHashMap<>();
  private final Map<String, String> invalid = new ConcurrentHashMap<>();
  private final List<String> problems = new ArrayList<>();

  private ObservabilityConfig(ConfigSources sources) {
    this.sources = sources;
  }

  /**
   * Resolves and validates {@code keys} from {@code sources}. Never throws: the problems of invalid
   * keys are kept, one line each, in {@link #problems()}, so that the caller can report them
   * together with those found later (modules' own rules, the module selection); reading an invalid
   * key throws {@link ConfigurationException} with its problem.
   */
  static ObservabilityConfig resolve(ConfigSources sources, Collection<ConfigKey<?>> keys) {
    ObservabilityConfig config = new ObservabilityConfig(sources);
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    for (ConfigKey<?> key : keys) {
      ConfigKey<?> previous = byName.putIfAbsent(key.name(), key);
      if (previous != null
          && previous != key
          && !previous.defaultText().equals(key.defaultText())) {
        config.problems.add("key '" + key.name() + "' is declared twice with different defaults");
        continue;
      }
      if (previous == key) {
        continue;
      }
      try {
        config.resolveOne(key);
      } catch (IllegalArgumentException e) {
        config.invalid.put(key.name(), e.getMessage());
        config.problems.add(e.getMessage());
      }
    }
    return config;
  }

  /** The problems of the keys resolved by {@link #resolve}, in declaration order. */
  List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * The value of {@code key}: configured, or its default. Never null when the key has a default.
   *
   * @param <T> the key's value type
   * @param key the key
   * @return the value, or null when the key is unset and has no default
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Object value = lookup(key).value();
    if (value == null) {
      throw new ConfigurationException(List.of(describe(key) + " is required but not set"));
    }
    return (T) value;
  }

  /**
   * The value of {@code key} if it is set or has a default.
   *
   * @param <T> the key's value type
   * @param key the key
   * @return the value, or empty
   */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(ConfigKey<T> key) {
    return Optional.ofNullable((T) lookup(key).value());
  }

  private Resolved<?> lookup(ConfigKey<?> key) {
    Resolved<?> r = resolved.get(key.name());
    if (r != null) {
      return r;
    }
    String problem = invalid.get(key.name());
    if (problem != null) {
      throw new ConfigurationException(List.of(problem));
    }
    try {
      return resolveOne(key);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(List.of(e.getMessage()));
    }
  }

  /**
   * A configuration problem with the value of {@code key}, worded as core words its own: the key,
   * its system property and environment variables, the value as configured and where it came from
   * (for a {@linkplain ConfigKey#secret() secret} key, only where), then {@code expected}, which
   * says what the value must be. For {@link dev.observability.spi.ObservabilityModule#validate}, so
   * that every entry of a {@link ConfigurationException} says what to change and where.
   *
   * <p>For example {@code problem(DSN, "must be a Sentry DSN, http[s]://<key>@<host>/<project
   * id>")} gives {@code errors.dsn (system property observability.errors.dsn, environment
   * OBSERVABILITY_ERRORS_DSN or SENTRY_DSN) = (secret value not shown) (from environment
   * SENTRY_DSN): must be a Sentry DSN, http[s]://<key>@<host>/<project id>}.
   *
   * @param key the key whose value is wrong
   * @param expected what the value must be, starting with a verb ({@code "must be ..."})
   * @return the problem, as one entry of a configuration exception
   */
  public String problem(ConfigKey<?> key, String expected) {
    ConfigSources.Raw raw = sources.lookup(key);
    return describe(key, raw) + ": " + expected;
  }

  /**
   * Where the value of {@code key} came from, for example {@code "environment OTEL_SERVICE_NAME"}.
   *
   * @param key the key
   * @return a description of the value's source
   */
  public String sourceOf(ConfigKey<?> key) {
    find(key);
    Resolved<?> r = resolved.get(key.name());
    return r == null ? "default" : r.source();
  }

  /**
   * Whether the raw environment variable or system property {@code name} is set, for modules that
   * must know whether a standard variable such as {@code OTEL_EXPORTER_OTLP_ENDPOINT} was given.
   *
   * @param key the key
   * @return true when the key's own system property or environment variable is set
   */
  public boolean isSet(ConfigKey<?> key) {
    find(key);
    Resolved<?> r = resolved.get(key.name());
    return r != null && !"default".equals(r.source());
  }

  /**
   * The configuration that this process's system properties ({@code observability.*}) and
   * environment give before {@code start()}, without builder values, for the few parts that must
   * act earlier: the logging module's Logback configurator writes the process's first log lines
   * with it. Keys resolve when first read and nothing is validated up front; reading an invalid
   * value throws {@link ConfigurationException}, the same problem {@code start()} reports later
   * with every other one. Thread-safe.
   *
   * @return the configuration of system properties and environment
   */
  public static ObservabilityConfig beforeStart() {
    return beforeStart(ConfigSources.processSystemProperties(), ConfigSources.processEnvironment());
  }

  /**
   * {@link #beforeStart()} from the given system properties and environment variables instead of
   * the process's.
   *
   * @param systemProperties system properties, by their names ({@code observability.*})
   * @param environment environment variables
   * @return the configuration of those sources
   */
  public static ObservabilityConfig beforeStart(
      Map<String, String> systemProperties, Map<String, String> environment) {
    return new ObservabilityConfig(new ConfigSources(Map.of(), systemProperties, environment));
  }

  ConfigSources sources() {
    return sources;
  }

  private <T> Resolved<T> resolveOne(ConfigKey<T> key) {
    ConfigSources.Raw raw = sources.lookup(key);
    Resolved<T> result;
    if (raw == null) {
      result = new Resolved<>(key.defaultValue(), "default");
    } else {
      try {
        result = new Resolved<>(key.parse(raw.value()), raw.source());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(describe(key, raw) + ": " + e.getMessage(), e);
      }
    }
    resolved.put(key.name(), result);
    return result;
  }

  private static String describe(ConfigKey<?> key) {
    StringBuilder sb =
        new StringBuilder()
            .append(key.name())
            .append(" (system property ")
            .append(key.systemProperty())
            .append(", environment ")
            .append(key.environmentVariable());
    for (String standard : key.standardEnvironmentVariables()) {
      sb.append(" or ").append(standard);
    }
    return sb.append(')').toString();
  }

  /** The key, its property and variables, and the configured value and its source, if any. */
  private static String describe(ConfigKey<?> key, ConfigSources.@Nullable Raw raw) {
    if (raw == null) {
      return describe(key) + " (not set)";
    }
    return describe(key)
        + (key.isSecret() ? " = (secret value not shown)" : " = '" + abbreviate(raw.value()) + "'")
        + " (from "
        + raw.source()
        + ")";
  }

  private static String abbreviate(String value) {
    String oneLine = value.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
  }

  private record Resolved<T>(@Nullable T value, String source) {}
}
