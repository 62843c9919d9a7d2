package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import dev.observability.internal.CompactContext;
import dev.observability.internal.FacadeObservationRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class TracingObservationHandlerTest {

  private final List<SpanData> ended = new CopyOnWriteArrayList<>();
  private final ObservationRegistry registry = ObservationRegistry.create();
  private final Map<String, String> responseHeaders = new HashMap<>();

  private final LightTracer tracer;

  TracingObservationHandlerTest() {
    tracer =
        new LightTracer(
            Sampler.alwaysOn(),
            IdGenerator.random(),
            Clock.getDefault(),
            SpanLimits.getDefault(),
            Resource::getDefault,
            InstrumentationScopeInfo.create("test"),
            span -> ended.add(span.toSpanData()));
    registry
        .observationConfig()
        .observationHandler(
            new TracingObservationHandler(tracer, W3CTraceContextPropagator.getInstance(), true));
  }

  private HttpServerObservationContext request(String route) {
    HttpServerObservationContext context =
        new HttpServerObservationContext("GET", "/users/42", null, name -> null);
    context.setResponseHeaders(responseHeaders::put);
    context.setRoute(route);
    context.setClientAddress("10.0.0.1");
    context.setScheme("http");
    context.setServerAddress("api.example.com");
    context.setServerPort(8080);
    context.setProtocolVersion("1.1");
    context.setUserAgent("curl/8.0");
    return context;
  }

  private SpanData onlySpan() {
    List<SpanData> spans = ended;
    assertThat(spans).hasSize(1);
    return spans.get(0);
  }

  private static Object attribute(SpanData span, String key) {
    return span.getAttributes().asMap().entrySet().stream()
        .filter(e -> e.getKey().getKey().equals(key))
        .map(Map.Entry::getValue)
        .findFirst()
        .orElse(null);
  }

  @Test
  void sdkObservations_spansRunFromTheStampsTheOtherHandlersShare_unlessTheyEndWithAnException() {
    FacadeObservationRegistry sdk = new FacadeObservationRegistry();
    sdk.observationConfig()
        .observationHandler(
            new TracingObservationHandler(tracer, W3CTraceContextPropagator.getInstance(), true));
    sdk.seal();

    HttpServerObservationContext request = request("/users/{id}");
    CompactContext child = new CompactContext();
    Observation server = sdk.observation(ObservationNames.HTTP_SERVER, request).start();
    Observation.Scope scope = server.openScope();
    try {
      sdk.observation("child", child).start().stop();
    } finally {
      scope.close();
    }
    request.setStatus(200);
    server.stop();

    assertThat(ended).hasSize(2);
    SpanData childSpan = ended.get(0);
    SpanData serverSpan = ended.get(1);
    assertThat(childSpan.getParentSpanId()).isEqualTo(serverSpan.getSpanContext().getSpanId());
    // The request timer and the access line time the same contexts from these stamps.
    assertThat(childSpan.getEndEpochNanos() - childSpan.getStartEpochNanos())
        .isEqualTo(child.stopNanos() - child.startNanos());
    assertThat(serverSpan.getEndEpochNanos() - serverSpan.getStartEpochNanos())
        .isEqualTo(request.stopNanos() - request.startNanos());
    // On the parent's anchored clock: the child's start and end as far from the server's start.
    assertThat(childSpan.getStartEpochNanos() - serverSpan.getStartEpochNanos())
        .isEqualTo(child.startNanos() - request.startNanos());
    assertThat(childSpan.getEndEpochNanos() - serverSpan.getStartEpochNanos())
        .isEqualTo(child.stopNanos() - request.startNanos());

    ended.clear();
    HttpServerObservationContext failing = request("/users/{id}");
    Observation failed = sdk.observation(ObservationNames.HTTP_SERVER, failing).start();
    failed.error(new IllegalStateException("boom"));
    failing.setStatus(500);
    failed.stop();
    SpanData failedSpan = onlySpan();
    // Ended after the exception event that onStop records, not at the earlier stamp.
    assertThat(failedSpan.getEvents()).hasSize(1);
    assertThat(failedSpan.getEvents().get(0).getEpochNanos())
        .isLessThanOrEqualTo(failedSpan.getEndEpochNanos());
    assertThat(failedSpan.getEndEpochNanos() - failedSpan.getStartEpochNanos())
        .isGreaterThanOrEqualTo(failing.stopNanos() - failing.startNanos());
  }

  @Test
  void serverSpan_requestValuesKnownAtStart_areOnTheSpan_withStatusSetAtTheEnd() {
    HttpServerObservationContext context = request("/users/{id}");
    Observation observation =
        Observation.createNotStarted(ObservationNames.HTTP_SERVER, () -> context, registry).start();
    context.setStatus(200);
    observation.stop();

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("GET /users/{id}");
    assertThat(attribute(span, "http.route")).isEqualTo("/users/{id}");
    assertThat(attribute(span, "url.scheme")).isEqualTo("http");
    assertThat(attribute(span, "server.address")).isEqualTo("api.example.com");
    assertThat(attribute(span, "server.port")).isEqualTo(8080L);
    assertThat(attribute(span, "client.address")).isEqualTo("10.0.0.1");
    assertThat(attribute(span, "user_agent.original")).isEqualTo("curl/8.0");
    assertThat(attribute(span, "network.protocol.version")).isEqualTo("1.1");
    assertThat(attribute(span, "http.response.status_code")).isEqualTo(200L);
    assertThat(attribute(span, "error.type")).isNull();
    assertThat(responseHeaders.get("traceparent"))
        .isEqualTo(
            "00-"
                + span.getTraceId()
                + "-"
                + span.getSpanId()
                + "-"
                + span.getSpanContext().getTraceFlags().asHex());
  }

  @Test
  void serverSpan_valuesChangedAfterStart_areReadAtTheEnd_andTheNameFollowsTheRoute() {
    HttpServerObservationContext context = request("/users/{id}");
    Observation observation =
        Observation.createNotStarted(ObservationNames.HTTP_SERVER, () -> context, registry).start();
    context.setRoute("/accounts/{id}");
    context.setClientAddress("10.0.0.2");
    context.setServerPort(8443);
    context.setScheme("https");
    context.setUserAgent("wget");
    context.setProtocolVersion("2");
    context.setServerAddress("api.example.org");
    context.setStatus(503);
    observation.stop();

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("GET /accounts/{id}");
    assertThat(attribute(span, "http.route")).isEqualTo("/accounts/{id}");
    assertThat(attribute(span, "client.address")).isEqualTo("10.0.0.2");
    assertThat(attribute(span, "server.port")).isEqualTo(8443L);
    assertThat(attribute(span, "url.scheme")).isEqualTo("https");
    assertThat(attribute(span, "user_agent.original")).isEqualTo("wget");
    assertThat(attribute(span, "network.protocol.version")).isEqualTo("2");
    assertThat(attribute(span, "server.address")).isEqualTo("api.example.org");
    assertThat(attribute(span, "http.response.status_code")).isEqualTo(503L);
    assertThat(attribute(span, "error.type")).isEqualTo("503");
  }

  @Test
  void serverSpan_valuesUnknownAtStart_areSetAtTheEnd() {
    HttpServerObservationContext context =
        new HttpServerObservationContext("POST", "/orders", null, name -> null);
    Observation observation =
        Observation.createNotStarted(ObservationNames.HTTP_SERVER, () -> context, registry).start();
    context.setRoute("/orders");
    context.setClientAddress("10.0.0.3");
    context.setServerPort(80);
    context.setStatus(201);
    observation.stop();

    SpanData span = onlySpan();
    assertThat(span.getName()).isEqualTo("POST /orders");
    assertThat(attribute(span, "http.route")).isEqualTo("/orders");
    assertThat(attribute(span, "client.address")).isEqualTo("10.0.0.3");
    assertThat(attribute(span, "server.port")).isEqualTo(80L);
    assertThat(attribute(span, "url.scheme")).isNull();
    assertThat(attribute(span, "http.response.status_code")).isEqualTo(201L);
  }

  @Test
  void boxedStatusAndPort_areEqualToTheValue_inAndOutOfTheSharedRange() {
    for (int value : new int[] {0, 1, 200, 503, 1023, 1024, 8080, 65535, -1}) {
      assertThat(HttpSemconv.boxed(value)).isEqualTo((long) value);
    }
    assertThat(HttpSemconv.boxed(404)).isSameAs(HttpSemconv.boxed(404));
  }
}
