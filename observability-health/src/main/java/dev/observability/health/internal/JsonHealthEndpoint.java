package dev.observability.health.internal;

import dev.observability.EndpointResponse;
import dev.observability.HealthEndpoint;
import dev.observability.health.HealthConfig;
import dev.observability.health.HealthRegistry;
import dev.observability.health.HealthReport;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The health endpoint the servlet module and the standalone server call: runs the group's checks
 * and renders the JSON response, 200 for healthy or degraded, 503 for unhealthy. Never throws: a
 * failure of the registry itself answers 503 with no checks, and is counted.
 *
 * <p>Thread-safe.
 */
public final class JsonHealthEndpoint implements HealthEndpoint {

  /** The response's content type. */
  public static final String CONTENT_TYPE = "application/json";

  private static final Map<String, String> HEADERS = Map.of("Cache-Control", "no-store");

  private final HealthRegistry registry;
  private final String version;
  private final HealthConfig.DetailLevel level;
  private final Consumer<Throwable> internalErrors;

  /** Creates an endpoint over {@code registry}. */
  public JsonHealthEndpoint(
      HealthRegistry registry,
      String version,
      HealthConfig.DetailLevel level,
      Consumer<Throwable> internalErrors) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.version = Objects.requireNonNull(version, "version");
    this.level = Objects.requireNonNull(level, "level");
    this.internalErrors = Objects.requireNonNull(internalErrors, "internalErrors");
  }

  @Override
  public EndpointResponse check(Group group) {
    HealthReport report;
    try {
      report = registry.report(group);
    } catch (RuntimeException | LinkageError e) {
      try {
        internalErrors.accept(e);
      } catch (RuntimeException ignored) {
        // The answer matters more than the count.
      }
      report = new HealthReport(HealthReport.Status.UNHEALTHY, Instant.now(), Map.of());
    }
    byte[] body = HealthJson.render(report, version, level).getBytes(StandardCharsets.UTF_8);
    return new EndpointResponse(report.httpStatus(), CONTENT_TYPE, body, HEADERS);
  }
}
