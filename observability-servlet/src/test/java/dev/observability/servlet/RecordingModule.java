package dev.observability.servlet;

import dev.observability.EndpointResponse;
import dev.observability.HealthEndpoint;
import dev.observability.HttpServerObservationContext;
import dev.observability.ScrapeEndpoint;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * A module whose handler records every HTTP server observation, writes a {@code traceparent} and a
 * header the filter must refuse at start, a {@code traceresponse} and a {@code Server-Timing} field
 * at stop, and that may provide the endpoint features.
 */
final class RecordingModule implements ObservabilityModule {

  /** What one observation looked like when it stopped. */
  record Stopped(
      String method,
      String path,
      @Nullable String query,
      @Nullable String route,
      int status,
      String requestId,
      @Nullable Throwable error,
      @Nullable String traceparentHeader,
      @Nullable String tracestateHeader,
      @Nullable String baggageHeader,
      boolean scopeOpenAtStop,
      String thread,
      @Nullable String protocolVersion) {}

  final List<Stopped> stopped = new CopyOnWriteArrayList<>();
  final List<String> events = new CopyOnWriteArrayList<>();
  private final boolean endpoints;

  RecordingModule(boolean endpoints) {
    this.endpoints = endpoints;
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public int order() {
    return 100;
  }

  @Override
  public void start(ModuleContext context) {
    context.addObservationHandler(new Handler(context));
    if (endpoints) {
      context.provide(
          ScrapeEndpoint.class,
          (accept, encoding) ->
              new EndpointResponse(
                  200,
                  "text/plain; version=0.0.4; charset=utf-8",
                  ("# accept=" + accept + "\nup 1\n")
                      .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                  Map.of("Vary", "Accept")));
      context.provide(
          HealthEndpoint.class,
          group ->
              EndpointResponse.text(
                  group == HealthEndpoint.Group.READINESS ? 503 : 200,
                  "application/json",
                  "{\"group\":\"" + group + "\"}"));
    }
  }

  private final class Handler implements ObservationHandler<HttpServerObservationContext> {
    private final ModuleContext module;

    Handler(ModuleContext module) {
      this.module = module;
    }

    @Override
    public void onStart(HttpServerObservationContext context) {
      events.add("start " + context.getPath());
      context.setResponseHeader(
          "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
      context.setResponseHeader("X-Not-Listed", "leak");
    }

    @Override
    public void onScopeOpened(HttpServerObservationContext context) {
      events.add("open " + context.getPath());
    }

    @Override
    public void onScopeClosed(HttpServerObservationContext context) {
      events.add("close " + context.getPath());
    }

    @Override
    public void onError(HttpServerObservationContext context) {
      events.add("error " + context.getPath());
    }

    @Override
    public void onStop(HttpServerObservationContext context) {
      boolean scopeOpen = module.observationRegistry().getCurrentObservation() != null;
      stopped.add(
          new Stopped(
              context.getMethod(),
              context.getPath(),
              context.getQuery(),
              context.getRoute(),
              context.getStatus(),
              context.getRequestId(),
              context.getError(),
              context.getRequestHeader("traceparent"),
              context.getRequestHeader("tracestate"),
              context.getRequestHeader("baggage"),
              scopeOpen,
              Thread.currentThread().getName(),
              context.getProtocolVersion()));
      events.add("stop " + context.getPath());
      // As the tracing module does when it keeps a failing request's trace: written at the end.
      context.setResponseHeader(
          "traceresponse", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
      context.addResponseHeader(
          "Server-Timing",
          "traceparent;desc=\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"");
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof HttpServerObservationContext;
    }
  }
}
