package dev.observability.internal;

import dev.observability.CoreConfig;
import dev.observability.Observability;
import dev.observability.ObservabilityConfig;
import dev.observability.ServiceInfo;
import dev.observability.spi.ObservabilityModule;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code start()} says about itself, once every module has started: one INFO line that names
 * the service and each module started with its version, and one WARN per SDK module whose classes
 * are on the class path but which is not registered as a {@link ServiceLoader} service, so it did
 * not start. The second is what a fat jar built without merging {@code META-INF/services} looks
 * like: each module's service file has the same path, only one survives, and every module but one
 * disappears without an error.
 *
 * <p>Logged through the logger {@code dev.observability.Observability}. Called once per start, on
 * the starting thread; never throws.
 */
public final class StartupReport {

  private static final Logger logger = LoggerFactory.getLogger(Observability.class);

  private static final String SERVICE_FILE =
      "META-INF/services/" + ObservabilityModule.class.getName();

  /** The SDK's modules, in start order: name, and the class its service file names. */
  static final Map<String, String> SDK_MODULES = sdkModules();

  private StartupReport() {}

  private static Map<String, String> sdkModules() {
    Map<String, String> modules = new LinkedHashMap<>();
    modules.put("logging", "dev.observability.logging.LoggingModule");
    modules.put("metrics", "dev.observability.metrics.MetricsModule");
    modules.put("tracing", "dev.observability.tracing.TracingModule");
    modules.put("errors", "dev.observability.errors.ErrorsModule");
    modules.put("health", "dev.observability.health.HealthModule");
    modules.put("servlet", "dev.observability.servlet.ServletModule");
    return Collections.unmodifiableMap(modules);
  }

  /**
   * Logs the report.
   *
   * @param started the modules that started, in start order
   * @param config the instance's configuration ({@code modules.disabled})
   * @param service the instance's service
   */
  public static void log(
      List<ObservabilityModule> started, ObservabilityConfig config, ServiceInfo service) {
    try {
      List<String> parts = new ArrayList<>();
      parts.add("core " + version(Observability.class, "observability-core"));
      for (ObservabilityModule module : started) {
        parts.add(module.name() + " " + version(module));
      }
      String modules = String.join(", ", parts);
      logger
          .atInfo()
          .addKeyValue("modules", modules)
          .log(
              "observability started for service '{}' (environment {}, version {}) with {}",
              service.name(),
              service.environment(),
              service.version(),
              modules);
      for (String name : unregistered(started, config, StartupReport.class.getClassLoader())) {
        logger.warn(
            "observability module '{}' is on the class path ({}) but not registered in {}, so it"
                + " did not start. A jar that merges several jars must merge their service files"
                + " (maven-shade-plugin: ServicesResourceTransformer; see docs/getting-started.md)",
            name,
            SDK_MODULES.get(name),
            SERVICE_FILE);
      }
    } catch (RuntimeException | LinkageError e) {
      logger.debug("observability: the start-up report failed", e);
    }
  }

  /**
   * The SDK modules whose class file {@code loader} finds but which neither started, nor were
   * disabled, nor are registered as a service there.
   */
  static List<String> unregistered(
      List<ObservabilityModule> started, ObservabilityConfig config, ClassLoader loader) {
    Set<String> running = new HashSet<>();
    started.forEach(m -> running.add(m.name()));
    Set<String> disabled = new HashSet<>(config.get(CoreConfig.MODULES_DISABLED));
    // Read only when a module neither started nor was disabled: start-up pays nothing otherwise.
    Set<String> registered = null;
    List<String> missing = new ArrayList<>();
    for (Map.Entry<String, String> module : SDK_MODULES.entrySet()) {
      String name = module.getKey();
      String type = module.getValue();
      if (running.contains(name) || disabled.contains(name)) {
        continue;
      }
      if (registered == null) {
        registered = registeredTypes(loader);
      }
      if (registered.contains(type)) {
        continue;
      }
      if (onClassPath(type, loader)) {
        missing.add(name);
      }
    }
    return missing;
  }

  private static Set<String> registeredTypes(ClassLoader loader) {
    Set<String> types = new HashSet<>();
    var providers = ServiceLoader.load(ObservabilityModule.class, loader).stream().iterator();
    while (true) {
      try {
        if (!providers.hasNext()) {
          return types;
        }
        types.add(providers.next().type().getName());
      } catch (ServiceConfigurationError e) {
        // A broken entry was reported by discovery already; the others still count.
      }
    }
  }

  /** Whether the class file of {@code type} is there, without loading or initialising it. */
  private static boolean onClassPath(String type, ClassLoader loader) {
    return loader.getResource(type.replace('.', '/') + ".class") != null;
  }

  private static String version(ObservabilityModule module) {
    String type = module.getClass().getName();
    boolean sdk = type.equals(SDK_MODULES.get(module.name()));
    return version(module.getClass(), sdk ? "observability-" + module.name() : null);
  }

  /**
   * The version of the jar {@code type} comes from: for the SDK's own artifacts, from the {@code
   * pom.properties} Maven puts in every jar (it survives in fat jars, where manifests do not), else
   * from the manifest's {@code Implementation-Version}; {@code unknown} when neither says (classes
   * not packaged in a jar, as in an IDE).
   */
  static String version(Class<?> type, @Nullable String artifactId) {
    if (artifactId != null) {
      String resource = "META-INF/maven/dev.observability/" + artifactId + "/pom.properties";
      ClassLoader loader = type.getClassLoader();
      try (InputStream in =
          loader == null
              ? ClassLoader.getSystemResourceAsStream(resource)
              : loader.getResourceAsStream(resource)) {
        if (in != null) {
          Properties properties = new Properties();
          properties.load(in);
          String version = properties.getProperty("version");
          if (version != null && !version.isBlank()) {
            return version.trim();
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        // Fall through to the manifest.
      }
    }
    Package pkg = type.getPackage();
    String version = pkg == null ? null : pkg.getImplementationVersion();
    return version == null || version.isBlank() ? "unknown" : version;
  }
}
