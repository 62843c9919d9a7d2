package dev.observability.tracing;

import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import io.micrometer.observation.Observation;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Serves simulated HTTP requests through the facade's spine, as the servlet filter would. */
final class Requests {

  /** What one request produced. */
  record Result(HttpServerObservationContext context, Map<String, String> responseHeaders) {
    String traceId() {
      return context
          .<io.opentelemetry.api.trace.Span>get(ObservationNames.SPAN)
          .getSpanContext()
          .getTraceId();
    }

    String spanId() {
      return context
          .<io.opentelemetry.api.trace.Span>get(ObservationNames.SPAN)
          .getSpanContext()
          .getSpanId();
    }
  }

  /** The handler's work; may throw. */
  interface Work {
    void run(HttpServerObservationContext context);
  }

  private Requests() {}

  static Result serve(
      Observability obs,
      String method,
      String path,
      String query,
      String route,
      Map<String, String> requestHeaders,
      Work work) {
    Map<String, String> headers = new HashMap<>();
    requestHeaders.forEach((k, v) -> headers.put(k.toLowerCase(), v));
    Map<String, String> responseHeaders = new ConcurrentHashMap<>();
    HttpServerObservationContext context =
        new HttpServerObservationContext(
            method, path, query, name -> headers.get(name.toLowerCase()));
    context.setRequestHeaderNames(headers::keySet);
    context.setResponseHeaders(responseHeaders::put);
    try {
      Observation.createNotStarted(
              ObservationNames.HTTP_SERVER, () -> context, obs.observationRegistry())
          .observe(
              () -> {
                context.setRoute(route);
                work.run(context);
              });
    } catch (RuntimeException e) {
      // The host's exception reached the caller unchanged; a filter would answer 500 (the work
      // sets the status before it throws, as a framework's error handling does).
    }
    return new Result(context, responseHeaders);
  }

  static Result get(Observability obs, String route, int status) {
    return serve(obs, "GET", route, null, route, Map.of(), c -> c.setStatus(status));
  }
}
