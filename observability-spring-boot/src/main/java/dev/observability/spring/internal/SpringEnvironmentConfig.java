package dev.observability.spring.internal;

import dev.observability.ConfigKey;
import dev.observability.CoreConfig;
import dev.observability.ObservabilityBuilder;
import dev.observability.scrub.ScrubberConfig;
import dev.observability.spi.ObservabilityModule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.StringJoiner;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.AbstractBindHandler;
import org.springframework.boot.context.properties.bind.BindContext;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.origin.Origin;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Reads the SDK's configuration from Spring's {@code Environment} into an {@link
 * ObservabilityBuilder}.
 *
 * <p>Every key that core and the modules on the class path declare is looked up as {@code
 * observability.<key>} through Spring's binder: Spring's precedence applies among Spring's sources
 * (command line over system properties over environment variables over {@code application.yml}),
 * relaxed names work ({@code OBSERVABILITY_TRACING_SAMPLE_RATIO}, {@code sampleRatio} in YAML), and
 * YAML lists and maps are accepted where the key takes a list or key=value pairs. The value is
 * handed to the builder with its origin, so that an invalid value fails start-up with the same
 * validation and message as any other source, naming the file and line it came from. Names under
 * {@code observability.} in Spring's own sources that no key reads are handed over too, so that
 * core warns about them as it does about unknown system properties.
 *
 * <p>Three defaults follow from running inside Spring Boot, each only when the key is not set: the
 * service name is {@code spring.application.name} (unless {@code OTEL_SERVICE_NAME} or {@code
 * service.name} in the resource attributes names it); {@code shutdown.hook} is off, because the
 * application context closes the instance; and {@code metrics.jvm} is off when Spring Boot Actuator
 * is present, because Actuator binds the same JVM and process meters to the one registry.
 *
 * <p>Called once per application context, on the thread that refreshes it.
 */
public final class SpringEnvironmentConfig {

  /** Prefix of the SDK's keys among Spring's properties. */
  public static final String PREFIX = "observability.";

  private static final String EXCLUDED_PATHS = "servlet.excluded-paths";

  private static final String ACTUATOR_ENDPOINTS =
      "org.springframework.boot.actuate.endpoint.annotation.Endpoint";

  private static final String ACTUATOR_JVM_METRICS =
      "org.springframework.boot.actuate.autoconfigure.metrics.JvmMetricsAutoConfiguration";

  private SpringEnvironmentConfig() {}

  /** The keys that core, the scrubber and every module on the class path declare. */
  public static List<ConfigKey<?>> declaredKeys(@Nullable ClassLoader classLoader) {
    List<ConfigKey<?>> keys = new ArrayList<>(CoreConfig.keys());
    keys.addAll(ScrubberConfig.KEYS);
    ServiceLoader<ObservabilityModule> loader =
        ServiceLoader.load(
            ObservabilityModule.class,
            classLoader != null ? classLoader : ObservabilityModule.class.getClassLoader());
    var iterator = loader.iterator();
    while (true) {
      try {
        if (!iterator.hasNext()) {
          break;
        }
        keys.addAll(iterator.next().configKeys());
      } catch (ServiceConfigurationError e) {
        // Core reports a module that cannot be loaded when it starts; its keys are unknown here.
      }
    }
    return keys;
  }

  /**
   * Hands every {@code observability.*} value of {@code environment} to {@code builder}, with the
   * Spring Boot defaults described above.
   *
   * @return the keys that were set, with the origin of each value
   */
  public static Map<String, String> apply(
      ConfigurableEnvironment environment, ObservabilityBuilder builder) {
    List<ConfigKey<?>> keys = declaredKeys(environment.getClass().getClassLoader());
    Binder binder = Binder.get(environment);
    Map<String, String> origins = new LinkedHashMap<>();
    Set<String> names = new LinkedHashSet<>();
    for (ConfigKey<?> key : keys) {
      if (!names.add(key.name())) {
        continue;
      }
      Bound bound = bind(binder, PREFIX + key.name());
      if (bound != null) {
        builder.property(key.name(), bound.value(), bound.origin());
        origins.put(key.name(), bound.origin());
      }
    }
    for (String unknown : unknownNames(environment, names)) {
      String value = environment.getProperty(PREFIX + unknown);
      if (value != null) {
        String origin = "Spring property " + PREFIX + unknown;
        builder.property(unknown, value, origin);
        origins.put(unknown, origin);
      }
    }
    applyDefaults(environment, builder, origins);
    return origins;
  }

  private static void applyDefaults(
      ConfigurableEnvironment environment, ObservabilityBuilder builder, Map<String, String> set) {
    String applicationName = environment.getProperty("spring.application.name");
    if (applicationName != null
        && !applicationName.isBlank()
        && !set.containsKey(CoreConfig.SERVICE_NAME.name())
        && isBlank(environment.getProperty("OTEL_SERVICE_NAME"))
        && !namesService(environment.getProperty("OTEL_RESOURCE_ATTRIBUTES"))
        && !namesService(environment.getProperty(PREFIX + CoreConfig.RESOURCE_ATTRIBUTES.name()))) {
      builder.property(
          CoreConfig.SERVICE_NAME.name(),
          applicationName,
          "Spring property spring.application.name");
    }
    if (!set.containsKey(CoreConfig.SHUTDOWN_HOOK.name())) {
      builder.property(
          CoreConfig.SHUTDOWN_HOOK.name(),
          "false",
          "the Spring Boot starter (the application context closes the instance)");
    }
    String actuatorBase =
        environment.getProperty("management.endpoints.web.base-path", "/actuator");
    if (!set.containsKey(EXCLUDED_PATHS)
        && ClassUtils.isPresent(ACTUATOR_ENDPOINTS, SpringEnvironmentConfig.class.getClassLoader())
        && actuatorBase.startsWith("/")
        && actuatorBase.length() > 1
        && environment.getProperty("management.server.port") == null) {
      // Actuator's endpoints are probes and scrapes, like /metrics and /health: kept out of the
      // golden signals and the access log.
      String base = actuatorBase.endsWith("/") ? actuatorBase : actuatorBase + "/";
      builder.property(
          EXCLUDED_PATHS,
          "/metrics,/health/*," + base + "*",
          "the Spring Boot starter (Actuator's endpoints under " + actuatorBase + ")");
    }
    if (!set.containsKey("metrics.jvm")
        && ClassUtils.isPresent(
            ACTUATOR_JVM_METRICS, SpringEnvironmentConfig.class.getClassLoader())) {
      builder.property(
          "metrics.jvm",
          "false",
          "the Spring Boot starter (Spring Boot Actuator binds the JVM and process meters)");
    }
  }

  private static boolean namesService(@Nullable String attributes) {
    if (attributes == null) {
      return false;
    }
    for (String pair : attributes.split(",")) {
      if (pair.trim().startsWith("service.name=")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isBlank(@Nullable String value) {
    return value == null || value.isBlank();
  }

  /** A value bound from Spring, and where it came from. */
  record Bound(String value, String origin) {}

  /**
   * Binds {@code name} as text, else as a list (joined with commas), else as a map (joined as
   * key=value pairs), which is how the SDK's list and map keys read text.
   */
  static @Nullable Bound bind(Binder binder, String name) {
    OriginCapture capture = new OriginCapture();
    BindResult<String> text = binder.bind(name, Bindable.of(String.class), capture);
    if (text.isBound()) {
      return new Bound(text.get(), capture.describe(name));
    }
    BindResult<List<String>> list = binder.bind(name, Bindable.listOf(String.class), capture);
    if (list.isBound()) {
      return new Bound(String.join(",", list.get()), capture.describe(name));
    }
    BindResult<Map<String, String>> map =
        binder.bind(name, Bindable.mapOf(String.class, String.class), capture);
    if (map.isBound()) {
      StringJoiner pairs = new StringJoiner(",");
      map.get().forEach((k, v) -> pairs.add(k + "=" + v));
      return new Bound(pairs.toString(), capture.describe(name));
    }
    return null;
  }

  /**
   * Names under {@code observability.} in Spring's own sources (not the system properties and
   * environment variables, which core reads and checks itself) that no declared key reads.
   */
  static Set<String> unknownNames(ConfigurableEnvironment environment, Set<String> declared) {
    Set<String> unknown = new LinkedHashSet<>();
    ConfigurationPropertyName root = ConfigurationPropertyName.of("observability");
    for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
      if (isProcessSource(source) || !(source instanceof IterableConfigurationPropertySource it)) {
        continue;
      }
      it.stream()
          .filter(root::isAncestorOf)
          .forEach(
              name -> {
                String key = name.toString().substring(PREFIX.length());
                if (!isDeclared(key, declared) && !isStarterProperty(key)) {
                  unknown.add(key);
                }
              });
    }
    return unknown;
  }

  /** The starter's own switches, which Spring reads: {@code enabled}, {@code spring.*}. */
  private static boolean isStarterProperty(String key) {
    return key.equals("enabled") || key.startsWith("spring.");
  }

  private static boolean isDeclared(String key, Set<String> declared) {
    for (String name : declared) {
      if (key.equals(name) || key.startsWith(name + ".") || key.startsWith(name + "[")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isProcessSource(ConfigurationPropertySource source) {
    Object underlying = source.getUnderlyingSource();
    if (underlying instanceof PropertySource<?> propertySource) {
      String name = propertySource.getName();
      return StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME.equals(name)
          || StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME.equals(name);
    }
    return false;
  }

  /** Remembers where the last bound property came from. */
  private static final class OriginCapture extends AbstractBindHandler {
    private @Nullable Origin origin;
    private @Nullable String sourceName;

    @Override
    public @Nullable Object onSuccess(
        ConfigurationPropertyName name, Bindable<?> target, BindContext context, Object result) {
      ConfigurationProperty property = context.getConfigurationProperty();
      if (property != null) {
        origin = property.getOrigin();
        if (property.getSource().getUnderlyingSource() instanceof PropertySource<?> source) {
          sourceName = source.getName();
        }
      }
      return super.onSuccess(name, target, context, result);
    }

    String describe(String name) {
      StringBuilder text = new StringBuilder("Spring property ").append(name);
      if (origin != null) {
        text.append(" from ").append(origin);
      } else if (sourceName != null) {
        text.append(" from ").append(sourceName);
      }
      return text.toString();
    }
  }
}
