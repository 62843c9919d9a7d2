package dev.observability.metrics;

import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.ObservationNames;
import dev.observability.ScrapeEndpoint;
import io.micrometer.observation.Observation;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Starts isolated instances with only the metrics module, and feeds them requests. */
final class Instances {

  private Instances() {}

  static ObservabilityBuilder builder() {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .property("shutdown.hook", "false")
        .discoverModules(false)
        .module(new MetricsModule());
  }

  static Observability start() {
    return builder().start();
  }

  /** Observes one request through the spine, as the servlet filter would. */
  static void request(
      Observability obs, String method, String path, @Nullable String route, int status) {
    HttpServerObservationContext context =
        new HttpServerObservationContext(method, path, null, name -> null);
    Observation observation =
        Observation.createNotStarted(
                ObservationNames.HTTP_SERVER, () -> context, obs.observationRegistry())
            .start();
    Observation.Scope scope = observation.openScope();
    try {
      context.setRoute(route);
      context.setStatus(status);
    } finally {
      scope.close();
      observation.stop();
    }
  }

  /** The Prometheus text exposition. */
  static String scrape(Observability obs) {
    return new String(
        obs.require(ScrapeEndpoint.class).scrape(null, null).body(), StandardCharsets.UTF_8);
  }
}
