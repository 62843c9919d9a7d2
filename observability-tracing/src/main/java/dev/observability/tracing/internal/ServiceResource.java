package dev.observability.tracing.internal;

import dev.observability.ServiceInfo;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.resources.Resource;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The spans' resource: OpenTelemetry's default resource merged with the service's name, version,
 * environment and resource attributes. Built on first use, when the first kept span is exported or
 * the host first asks for a tracer: OpenTelemetry's default resource initialises its classes and
 * reads OpenTelemetry's configuration, which nothing before that needs.
 *
 * <p>Thread-safe; every caller gets the same instance.
 */
final class ServiceResource implements Supplier<Resource> {

  private final ServiceInfo service;
  private volatile @Nullable Resource resource;

  ServiceResource(ServiceInfo service) {
    this.service = service;
  }

  @Override
  public Resource get() {
    Resource built = resource;
    if (built == null) {
      synchronized (this) {
        built = resource;
        if (built == null) {
          built = build(service);
          resource = built;
        }
      }
    }
    return built;
  }

  private static Resource build(ServiceInfo service) {
    AttributesBuilder attributes = Attributes.builder();
    service.resourceAttributes().forEach(attributes::put);
    attributes.put("service.name", service.name());
    attributes.put("service.version", service.version());
    attributes.put("deployment.environment.name", service.environment());
    return Resource.getDefault().merge(Resource.create(attributes.build()));
  }
}
