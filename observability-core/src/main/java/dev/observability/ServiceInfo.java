package dev.observability;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Who is emitting: the service's name, deployment environment and version, stamped on every log
 * line, span resource and error event.
 *
 * @param name the logical service name ({@code service.name})
 * @param environment the deployment environment ({@code deployment.environment.name})
 * @param version the service version ({@code service.version}); Sentry's release
 * @param resourceAttributes further resource attributes, from {@code OTEL_RESOURCE_ATTRIBUTES} and
 *     {@code resource.attributes}, without the three above
 */
public record ServiceInfo(
    String name, String environment, String version, Map<String, String> resourceAttributes) {

  /**
   * Creates an instance; all parts are required.
   *
   * @param name the service name
   * @param environment the deployment environment
   * @param version the service version
   * @param resourceAttributes further resource attributes (copied)
   */
  public ServiceInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(version, "version");
    resourceAttributes = Map.copyOf(resourceAttributes);
  }

  /**
   * The service as {@code config} describes it, by the rules {@code Observability.start()} applies:
   * {@code service.name} ({@code OTEL_SERVICE_NAME}), else {@code service.name} in {@code
   * resource.attributes} ({@code OTEL_RESOURCE_ATTRIBUTES}), else {@code unknown_service:java};
   * {@code service.environment}, else {@code deployment.environment.name} or {@code
   * deployment.environment} there, else {@code production}; {@code service.version}, else {@code
   * service.version} there, else {@code unknown}. The other resource attributes are kept.
   *
   * @param config the configuration to read
   * @return the service described there
   * @throws ConfigurationException when one of those keys has an invalid value
   */
  public static ServiceInfo from(ObservabilityConfig config) {
    Map<String, String> resource = config.get(CoreConfig.RESOURCE_ATTRIBUTES);
    String name =
        config
            .find(CoreConfig.SERVICE_NAME)
            .orElse(resource.getOrDefault("service.name", "unknown_service:java"));
    String environment =
        config
            .find(CoreConfig.SERVICE_ENVIRONMENT)
            .orElse(
                resource.getOrDefault(
                    "deployment.environment.name",
                    resource.getOrDefault("deployment.environment", "production")));
    String version =
        config
            .find(CoreConfig.SERVICE_VERSION)
            .orElse(resource.getOrDefault("service.version", "unknown"));
    Map<String, String> rest = new LinkedHashMap<>(resource);
    rest.keySet()
        .removeAll(
            List.of(
                "service.name",
                "service.version",
                "deployment.environment.name",
                "deployment.environment"));
    return new ServiceInfo(name, environment, version, rest);
  }
}
