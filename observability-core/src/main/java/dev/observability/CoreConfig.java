package dev.observability;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The configuration keys that core reads. Module keys are declared by each module; {@code
 * docs/configuration.md} lists them all.
 */
public final class CoreConfig {

  private static final String NAME_RULE = "[\\p{L}\\p{N}._:/@+ -]{1,255}";

  /** The service name. */
  public static final ConfigKey<String> SERVICE_NAME =
      ConfigKey.string("service.name", null)
          .withStandardEnvironmentVariables("OTEL_SERVICE_NAME")
          .validate(
              s -> s.matches(NAME_RULE),
              "must be 1 to 255 letters, digits, spaces or ._:/@+- (no control characters)")
          .describedAs(
              "Service name on every signal. Falls back to service.name in"
                  + " OTEL_RESOURCE_ATTRIBUTES, then to unknown_service:java.");

  /** The deployment environment. */
  public static final ConfigKey<String> SERVICE_ENVIRONMENT =
      ConfigKey.string("service.environment", null)
          .validate(
              s -> s.matches(NAME_RULE),
              "must be 1 to 255 letters, digits, spaces or ._:/@+- (no control characters)")
          .describedAs(
              "Deployment environment. Falls back to deployment.environment.name in"
                  + " OTEL_RESOURCE_ATTRIBUTES, then to production.");

  /** The service version. */
  public static final ConfigKey<String> SERVICE_VERSION =
      ConfigKey.string("service.version", null)
          .validate(
              s -> s.matches(NAME_RULE),
              "must be 1 to 255 letters, digits, spaces or ._:/@+- (no control characters)")
          .describedAs(
              "Service version; Sentry's release. Falls back to service.version in"
                  + " OTEL_RESOURCE_ATTRIBUTES, then to unknown.");

  /** Further resource attributes. */
  public static final ConfigKey<Map<String, String>> RESOURCE_ATTRIBUTES =
      ConfigKey.stringMap("resource.attributes", Map.of())
          .withStandardEnvironmentVariables("OTEL_RESOURCE_ATTRIBUTES")
          .describedAs("Resource attributes as key=value pairs, comma-separated.");

  /** How long {@link Observability#close()} waits for modules to flush. */
  public static final ConfigKey<Duration> SHUTDOWN_TIMEOUT =
      ConfigKey.duration("shutdown.timeout", Duration.ofSeconds(5), Duration.ofMinutes(5))
          .describedAs("Upper bound on close(): flushing spans, metrics and error events.");

  /** Whether a JVM shutdown hook closes the instance. */
  public static final ConfigKey<Boolean> SHUTDOWN_HOOK =
      ConfigKey.bool("shutdown.hook", true)
          .describedAs("Register a JVM shutdown hook that calls close().");

  /** Modules found on the class path that must not start. */
  public static final ConfigKey<List<String>> MODULES_DISABLED =
      ConfigKey.stringList("modules.disabled", List.of())
          .describedAs("Names of modules on the class path not to start (e.g. errors,tracing).");

  /**
   * Every key core reads, the scrubber's excepted ({@code ScrubberConfig.KEYS}).
   *
   * @return the keys
   */
  public static List<ConfigKey<?>> keys() {
    return ALL;
  }

  static final List<ConfigKey<?>> ALL =
      List.of(
          SERVICE_NAME,
          SERVICE_ENVIRONMENT,
          SERVICE_VERSION,
          RESOURCE_ATTRIBUTES,
          SHUTDOWN_TIMEOUT,
          SHUTDOWN_HOOK,
          MODULES_DISABLED);

  private CoreConfig() {}
}
