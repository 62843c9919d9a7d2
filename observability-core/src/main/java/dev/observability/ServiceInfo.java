package dev.observability;

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
}
