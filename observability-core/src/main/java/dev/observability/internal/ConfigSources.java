package dev.observability.internal;

import dev.observability.ConfigKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The raw configuration sources, in precedence order: builder properties, system properties,
 * environment variables. This is the one place in the SDK that reads system properties and the
 * environment.
 */
public final class ConfigSources {

  private final Map<String, String> builder;
  private final Map<String, String> builderOrigins;
  private final Map<String, String> systemProperties;
  private final Map<String, String> environment;

  /**
   * Creates sources from explicit maps.
   *
   * @param builder keys as named by {@link ConfigKey#name()}
   * @param systemProperties system properties, all of them
   * @param environment environment variables, all of them
   */
  public ConfigSources(
      Map<String, String> builder,
      Map<String, String> systemProperties,
      Map<String, String> environment) {
    this(builder, Map.of(), systemProperties, environment);
  }

  /**
   * Creates sources from explicit maps, with where each builder value came from.
   *
   * @param builder keys as named by {@link ConfigKey#name()}
   * @param builderOrigins for some of those keys, where the value came from (such as {@code "Spring
   *     property observability.service.name from class path resource [application.properties]"}),
   *     named in messages instead of {@code "builder property <key>"}
   * @param systemProperties system properties, all of them
   * @param environment environment variables, all of them
   */
  public ConfigSources(
      Map<String, String> builder,
      Map<String, String> builderOrigins,
      Map<String, String> systemProperties,
      Map<String, String> environment) {
    this.builder = Map.copyOf(builder);
    this.builderOrigins = Map.copyOf(builderOrigins);
    this.systemProperties = Map.copyOf(systemProperties);
    this.environment = Map.copyOf(environment);
  }

  /** Sources from the running process: its system properties and environment. */
  public static Map<String, String> processSystemProperties() {
    Properties properties = System.getProperties();
    Map<String, String> map = new HashMap<>();
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith("observability.")) {
        map.put(name, properties.getProperty(name));
      }
    }
    return map;
  }

  /** The process environment. */
  public static Map<String, String> processEnvironment() {
    return System.getenv();
  }

  /** A raw value and where it came from. */
  public record Raw(String value, String source) {}

  /**
   * Finds the raw value of {@code key}, or {@code null} when no source sets it (blank is unset).
   */
  public @Nullable Raw lookup(ConfigKey<?> key) {
    String value = builder.get(key.name());
    if (isSet(value)) {
      return new Raw(value, builderOrigin(key.name()));
    }
    value = systemProperties.get(key.systemProperty());
    if (isSet(value)) {
      return new Raw(value, "system property " + key.systemProperty());
    }
    value = environment.get(key.environmentVariable());
    if (isSet(value)) {
      return new Raw(value, "environment " + key.environmentVariable());
    }
    for (String standard : key.standardEnvironmentVariables()) {
      value = environment.get(standard);
      if (isSet(value)) {
        return new Raw(value, "environment " + standard);
      }
    }
    return null;
  }

  /** A raw environment variable, for standard variables whose meaning a module interprets. */
  public @Nullable String environmentVariable(String name) {
    String value = environment.get(name);
    return isSet(value) ? value : null;
  }

  /** Where a name was set. */
  public enum Kind {
    /** {@code Observability.builder().property(name, ...)}: a key name. */
    BUILDER("builder property"),
    /** A system property {@code observability.*}. */
    SYSTEM_PROPERTY("system property"),
    /** An environment variable {@code OBSERVABILITY_*}. */
    ENVIRONMENT("environment");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** The name {@code key} has in this source. */
    public String nameOf(ConfigKey<?> key) {
      return switch (this) {
        case BUILDER -> key.name();
        case SYSTEM_PROPERTY -> key.systemProperty();
        case ENVIRONMENT -> key.environmentVariable();
      };
    }

    /** The prefix every name of this source has ({@code observability.}, ...), or none. */
    public String prefix() {
      return switch (this) {
        case BUILDER -> "";
        case SYSTEM_PROPERTY -> "observability.";
        case ENVIRONMENT -> "OBSERVABILITY_";
      };
    }

    @Override
    public String toString() {
      return label;
    }
  }

  /**
   * A name set in a source that no declared key reads.
   *
   * @param kind the source
   * @param name the name as set
   */
  public record Unknown(Kind kind, String name) {
    @Override
    public String toString() {
      return kind + " " + name;
    }
  }

  /**
   * The names set in the builder, as system properties or as {@code OBSERVABILITY_*} variables that
   * no declared key reads: most likely typos, or keys of a module that is not on the class path.
   * Sorted by source, then name.
   */
  public List<Unknown> unknownNames(Iterable<ConfigKey<?>> declared) {
    Set<String> names = new HashSet<>();
    Set<String> props = new HashSet<>();
    Set<String> envs = new HashSet<>();
    for (ConfigKey<?> key : declared) {
      names.add(key.name());
      props.add(key.systemProperty());
      envs.add(key.environmentVariable());
    }
    List<Unknown> unknown = new ArrayList<>();
    for (String name : new TreeSet<>(builder.keySet())) {
      if (!names.contains(name)) {
        unknown.add(new Unknown(Kind.BUILDER, name));
      }
    }
    for (String name : new TreeSet<>(systemProperties.keySet())) {
      if (name.startsWith("observability.") && !props.contains(name)) {
        unknown.add(new Unknown(Kind.SYSTEM_PROPERTY, name));
      }
    }
    for (String name : new TreeSet<>(environment.keySet())) {
      if (name.startsWith("OBSERVABILITY_") && !envs.contains(name)) {
        unknown.add(new Unknown(Kind.ENVIRONMENT, name));
      }
    }
    return unknown;
  }

  private String builderOrigin(String name) {
    String origin = builderOrigins.get(name);
    return origin != null ? origin : "builder property " + name;
  }

  private static boolean isSet(@Nullable String value) {
    return value != null && !value.isBlank();
  }
}
