package dev.observability.errors;

import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.ObservationNames;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import java.util.LinkedHashMap;
import java.util.Map;

/** Starting instances with the errors module against a {@link FakeSentry}, and reading meters. */
final class ErrorsTesting {

  private ErrorsTesting() {}

  /** A builder isolated from the process's configuration, with the errors module only. */
  static ObservabilityBuilder builder(
      Map<String, String> properties, ObservabilityModule... extra) {
    ObservabilityBuilder builder =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .serviceName("checkout")
            .environment("staging")
            .version("1.4.2")
            .property("shutdown.hook", "false")
            .property("errors.server-name", "test-host")
            .module(new ErrorsModule());
    for (ObservabilityModule module : extra) {
      builder.module(module);
    }
    properties.forEach(builder::property);
    return builder;
  }

  /** Starts an instance that sends to {@code sentry}, counting in {@code registry}. */
  static Observability start(
      FakeSentry sentry,
      MeterRegistry registry,
      Map<String, String> properties,
      ObservabilityModule... extra) {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("errors.dsn", sentry.dsn());
    all.putAll(properties);
    return builder(all, extra).meterRegistry(registry).start();
  }

  /** The count of a counter, 0 when absent. */
  static double count(MeterRegistry registry, String name, String... tags) {
    Counter counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  /** A GET request context for {@code /api/users/42} with the given headers. */
  static HttpServerObservationContext request(String query, Map<String, String> headers) {
    HttpServerObservationContext context =
        new HttpServerObservationContext(
            "GET",
            "/api/users/42",
            query,
            name ->
                headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(null));
    context.setRequestHeaderNames(headers::keySet);
    context.setRequestId("req-7f3a");
    context.setClientAddress("203.0.113.9");
    context.setScheme("https");
    context.setServerAddress("shop.example.com");
    context.setServerPort(443);
    return context;
  }

  /** Runs {@code work} as the HTTP server observation {@code context} on {@code obs}. */
  static void serve(Observability obs, HttpServerObservationContext context, Runnable work) {
    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> context, obs.observationRegistry())
        .observe(work);
  }
}
