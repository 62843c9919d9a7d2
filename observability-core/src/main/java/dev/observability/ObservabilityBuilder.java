package dev.observability;

import dev.observability.internal.ConfigSources;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Configures and starts an {@link Observability} instance. Values set here win over system
 * properties, which win over environment variables, which win over defaults.
 *
 * <p>Not thread-safe; use from one thread, then call {@link #start()}.
 */
public final class ObservabilityBuilder {

  final Map<String, String> properties = new LinkedHashMap<>();
  final Map<String, String> propertyOrigins = new LinkedHashMap<>();
  final List<MeterRegistry> meterRegistries = new ArrayList<>();
  final List<ObservabilityModule> modules = new ArrayList<>();
  boolean discoverModules = true;
  @Nullable Map<String, String> systemProperties;
  @Nullable Map<String, String> environment;

  ObservabilityBuilder() {}

  /**
   * Sets the service name ({@code service.name}).
   *
   * @param name the service name
   * @return this builder
   */
  public ObservabilityBuilder serviceName(String name) {
    return property(CoreConfig.SERVICE_NAME.name(), name);
  }

  /**
   * Sets the deployment environment ({@code service.environment}).
   *
   * @param environment the environment, such as {@code production}
   * @return this builder
   */
  public ObservabilityBuilder environment(String environment) {
    return property(CoreConfig.SERVICE_ENVIRONMENT.name(), environment);
  }

  /**
   * Sets the service version ({@code service.version}).
   *
   * @param version the service version
   * @return this builder
   */
  public ObservabilityBuilder version(String version) {
    return property(CoreConfig.SERVICE_VERSION.name(), version);
  }

  /**
   * Sets any configuration key by its name (as listed in {@code docs/configuration.md}, such as
   * {@code tracing.sample-ratio}). The value is validated at {@link #start()}.
   *
   * @param key the key's name
   * @param value the value as configuration text
   * @return this builder
   */
  public ObservabilityBuilder property(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    properties.put(key, value);
    propertyOrigins.remove(key);
    return this;
  }

  /**
   * Sets any configuration key by its name, saying where the value came from. For integrations that
   * read configuration from a framework (such as Spring's {@code Environment}): the value wins over
   * system properties and the environment like any builder value, and a message about it (an
   * invalid value, a key that nothing reads) names {@code origin} instead of "builder property".
   *
   * @param key the key's name, such as {@code tracing.sample-ratio}
   * @param value the raw value, validated at {@link #start()}
   * @param origin where the value came from, such as {@code "Spring property
   *     observability.tracing.sample-ratio from class path resource [application.properties] -
   *     3:29"}
   * @return this builder
   */
  public ObservabilityBuilder property(String key, String value, String origin) {
    property(key, value);
    propertyOrigins.put(key, Objects.requireNonNull(origin, "origin"));
    return this;
  }

  /**
   * Sets a configuration key to a typed value.
   *
   * @param <T> the key's value type
   * @param key the key
   * @param value the value
   * @return this builder
   */
  public <T> ObservabilityBuilder property(ConfigKey<T> key, T value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return property(key.name(), key.print(value));
  }

  /**
   * Adds a registry of the host's to the instance's composite registry.
   *
   * @param registry the host's registry
   * @return this builder
   */
  public ObservabilityBuilder meterRegistry(MeterRegistry registry) {
    meterRegistries.add(Objects.requireNonNull(registry, "registry"));
    return this;
  }

  /**
   * Adds a module explicitly, in addition to those found on the class path.
   *
   * @param module the module
   * @return this builder
   */
  public ObservabilityBuilder module(ObservabilityModule module) {
    modules.add(Objects.requireNonNull(module, "module"));
    return this;
  }

  /**
   * Whether to find modules on the class path with {@link java.util.ServiceLoader} (default on).
   *
   * @param discover false to use only the modules given to {@link #module(ObservabilityModule)}
   * @return this builder
   */
  public ObservabilityBuilder discoverModules(boolean discover) {
    this.discoverModules = discover;
    return this;
  }

  /**
   * Reads system properties from {@code properties} instead of the process's. For tests and for
   * hosts that keep configuration elsewhere.
   *
   * @param properties the system properties to read
   * @return this builder
   */
  public ObservabilityBuilder systemProperties(Map<String, String> properties) {
    this.systemProperties = Map.copyOf(properties);
    return this;
  }

  /**
   * Reads environment variables from {@code environment} instead of the process's. For tests and
   * for hosts that keep configuration elsewhere.
   *
   * @param environment the environment variables to read
   * @return this builder
   */
  public ObservabilityBuilder environmentVariables(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
    return this;
  }

  /** The configuration sources this builder describes: its values, then the process's. */
  ConfigSources configSources() {
    return new ConfigSources(
        properties,
        propertyOrigins,
        systemProperties != null ? systemProperties : ConfigSources.processSystemProperties(),
        environment != null ? environment : ConfigSources.processEnvironment());
  }

  /**
   * Validates the configuration, starts every module and returns the running instance.
   *
   * @return the running instance
   * @throws ConfigurationException listing every configuration problem
   * @throws IllegalStateException when an instance is already running in this JVM, or a module
   *     fails to start (its name is in the message)
   */
  public Observability start() {
    return Observability.start(this);
  }
}
