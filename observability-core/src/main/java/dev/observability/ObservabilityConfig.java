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

  private ObservabilityConfig(ConfigSources sources) {
    this.sources = sources;
  }

  /**
   * Resolves and validates {@code keys} from {@code sources}.
   *
   * @throws ConfigurationException listing every invalid key
   */
  static ObservabilityConfig resolve(ConfigSources sources, Collection<ConfigKey<?>> keys) {
    ObservabilityConfig config = new ObservabilityConfig(sources);
    List<String> problems = new ArrayList<>();
    Map<String, ConfigKey<?>> byName = new LinkedHashMap<>();
    for (ConfigKey<?> key : keys) {
      ConfigKey<?> previous = byName.putIfAbsent(key.name(), key);
      if (previous != null
          && previous != key
          && !previous.defaultText().equals(key.defaultText())) {
        problems.add("key '" + key.name() + "' is declared twice with different defaults");
        continue;
      }
      try {
        config.resolveOne(key);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    return config;
  }

  /**
   * The value of {@code key}: configured, or its default. Never null when the key has a default.
   */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    Resolved<?> r = resolved.get(key.name());
    if (r == null) {
      try {
        r = resolveOne(key);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(List.of(e.getMessage()));
      }
    }
    Object value = r.value();
    if (value == null) {
      throw new ConfigurationException(List.of(describe(key) + " is required but not set"));
    }
    return (T) value;
  }

  /** The value of {@code key} if it is set or has a default. */
  @SuppressWarnings("unchecked")
  public <T> Optional<T> find(ConfigKey<T> key) {
    Resolved<?> r = resolved.get(key.name());
    if (r == null) {
      try {
        r = resolveOne(key);
      } catch (IllegalArgumentException e) {
        throw new ConfigurationException(List.of(e.getMessage()));
      }
    }
    return Optional.ofNullable((T) r.value());
  }

  /**
   * Where the value of {@code key} came from, for example {@code "environment OTEL_SERVICE_NAME"}.
   */
  public String sourceOf(ConfigKey<?> key) {
    find(key);
    Resolved<?> r = resolved.get(key.name());
    return r == null ? "default" : r.source();
  }

  /**
   * Whether the raw environment variable or system property {@code name} is set, for modules that
   * must know whether a standard variable such as {@code OTEL_EXPORTER_OTLP_ENDPOINT} was given.
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
        throw new IllegalArgumentException(
            describe(key)
                + (key.isSecret()
                    ? " = (secret value not shown)"
                    : " = '" + abbreviate(raw.value()) + "'")
                + " (from "
                + raw.source()
                + "): "
                + e.getMessage(),
            e);
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

  private static String abbreviate(String value) {
    String oneLine = value.replaceAll("\\p{Cntrl}", "?");
    return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
  }

  private record Resolved<T>(@Nullable T value, String source) {}
}
