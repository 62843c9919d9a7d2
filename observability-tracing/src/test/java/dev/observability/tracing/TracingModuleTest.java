package dev.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.observability.ConfigurationException;
import dev.observability.ErrorFingerprint;
import dev.observability.HttpClientObservationContext;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.ObservationNames;
import dev.observability.instrument.MethodObservationContext;
import dev.observability.tracing.internal.LoggingSpanExporter;
import dev.observability.tracing.internal.TraceIdRatio;
import dev.observability.tracing.internal.TracingSdk;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.proto.trace.v1.Status;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class TracingModuleTest {

  private final TestClock clock = new TestClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<AutoCloseable> resources = new ArrayList<>();
  private Observability obs;

  @AfterEach
  void close() throws Exception {
    if (obs != null) {
      obs.close();
    }
    for (AutoCloseable resource : resources) {
      resource.close();
    }
  }

  private OtlpReceiver receiver() throws Exception {
    OtlpReceiver receiver = new OtlpReceiver();
    resources.add(receiver);
    return receiver;
  }

  private ObservabilityBuilder builder(Map<String, String> env) {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(env)
        .discoverModules(false)
        .module(new TracingModule(clock))
        .meterRegistry(registry)
        .property("shutdown.hook", "false")
        .property("tracing.export.schedule-delay", "100ms");
  }

  private Observability start(OtlpReceiver receiver, String... properties) {
    ObservabilityBuilder builder = builder(Map.of());
    if (receiver != null) {
      builder.property("tracing.otlp.endpoint", receiver.baseEndpoint());
    }
    for (int i = 0; i < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    obs = builder.start();
    return obs;
  }

  @Test
  void twoThousandRequests_everyFailingAndSlowTraceExported_restWithinBinomialIntervalOfRatio()
      throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.latency-threshold", "50ms");
    Set<String> failing = new java.util.HashSet<>();
    Set<String> slow = new java.util.HashSet<>();
    Set<String> healthy = new java.util.HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      boolean fails = i % 50 == 0; // 2%
      boolean isSlow = i % 20 == 1; // 5%
      boolean throwing = fails && i % 100 == 0;
      Requests.Result result =
          Requests.serve(
              obs,
              "GET",
              "/api/orders/" + i,
              null,
              "/api/orders/{id}",
              Map.of(),
              context -> {
                obs.observe("db.query", () -> {});
                if (isSlow) {
                  clock.advance(Duration.ofMillis(60));
                }
                if (fails) {
                  context.setStatus(throwing ? 500 : 503);
                  if (throwing) {
                    throw new IllegalStateException("order store unavailable");
                  }
                } else {
                  context.setStatus(200);
                }
              });
      (fails ? failing : isSlow ? slow : healthy).add(result.traceId());
    }
    obs.close();

    Map<String, List<OtlpReceiver.Received>> traces = receiver.traces();
    assertThat(traces.keySet()).containsAll(failing).containsAll(slow);
    for (String traceId : failing) {
      OtlpReceiver.Received root = root(traces.get(traceId));
      assertThat(traces.get(traceId)).hasSize(2);
      assertThat(root.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(root.attribute("sampling.policy")).isEqualTo("error");
    }
    for (String traceId : slow) {
      assertThat(root(traces.get(traceId)).attribute("sampling.policy")).isEqualTo("latency");
    }
    Set<String> keptHealthy =
        traces.keySet().stream().filter(healthy::contains).collect(Collectors.toSet());
    // The ratio is decided by the trace id: exactly the healthy traces whose id the 10% ratio
    // keeps are exported (a count interval would fail one run in a thousand by chance). The
    // bounds only guard against a ratio that keeps all or none: 1,860 requests at 10% fall
    // outside them with a probability below 1e-20.
    TraceIdRatio ratio = new TraceIdRatio(0.1);
    assertThat(keptHealthy)
        .containsExactlyInAnyOrderElementsOf(healthy.stream().filter(ratio::keeps).toList());
    assertThat(keptHealthy.size()).isBetween(60, 400);
    for (String traceId : keptHealthy) {
      assertThat(root(traces.get(traceId)).attribute("sampling.policy")).isEqualTo("ratio");
      assertThat(traces.get(traceId)).hasSize(2);
    }
    assertThat(traces).hasSize(failing.size() + slow.size() + keptHealthy.size());
    assertThat(counter("observability.traces.decided", "decision", "kept", "policy", "error"))
        .isEqualTo(40);
    assertThat(counter("observability.traces.decided", "decision", "kept", "policy", "latency"))
        .isEqualTo(100);
    assertThat(counter("observability.traces.decided", "decision", "dropped", "policy", "ratio"))
        .isEqualTo(1_860 - keptHealthy.size());
  }

  @Test
  void hostSpansAndCalls_insideARequest_joinTheFragment_andAHostErrorKeepsItWhole()
      throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "0");
    Requests.Result failed =
        Requests.serve(
            obs,
            "GET",
            "/api/orders/1",
            null,
            "/api/orders/{id}",
            Map.of(),
            context -> {
              // The host's own span, from the facade's tracer, and attributes on the current one.
              io.opentelemetry.api.trace.Span current = io.opentelemetry.api.trace.Span.current();
              current.setAttribute("tenant", "acme");
              current.addEvent("cache miss");
              io.opentelemetry.api.trace.Span db =
                  obs.tracer().spanBuilder("SELECT orders").startSpan();
              db.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "deadlock");
              db.end();
              context.setStatus(200);
            });
    Requests.Result healthy =
        Requests.serve(
            obs,
            "GET",
            "/api/orders/2",
            null,
            "/api/orders/{id}",
            Map.of(),
            context -> {
              obs.tracer().spanBuilder("SELECT orders").startSpan().end();
              context.setStatus(200);
            });
    obs.close();

    Map<String, List<OtlpReceiver.Received>> traces = receiver.traces();
    assertThat(traces).containsOnlyKeys(failed.traceId());
    List<OtlpReceiver.Received> spans = traces.get(failed.traceId());
    assertThat(spans).hasSize(2);
    OtlpReceiver.Received root = root(spans);
    assertThat(root.spanId()).isEqualTo(failed.spanId());
    assertThat(root.attribute("sampling.policy")).isEqualTo("error");
    assertThat(root.attribute("tenant")).isEqualTo("acme");
    assertThat(root.span().getEventsList()).extracting(e -> e.getName()).contains("cache miss");
    OtlpReceiver.Received db = spans.stream().filter(r -> r != root).findFirst().orElseThrow();
    assertThat(db.span().getName()).isEqualTo("SELECT orders");
    assertThat(db.parentSpanId()).isEqualTo(root.spanId());
    assertThat(healthy.traceId()).isNotEqualTo(failed.traceId());
  }

  private static OtlpReceiver.Received root(List<OtlpReceiver.Received> spans) {
    return spans.stream()
        .filter(s -> s.span().getParentSpanId().isEmpty())
        .findFirst()
        .orElseThrow();
  }

  private double counter(String name, String... tags) {
    var counter = registry.find(name).tags(tags).functionCounter();
    return counter == null ? 0 : counter.count();
  }

  @Test
  void serverSpan_hasSemconvAttributesResourceAndRouteName_andResponseCarriesTraceparent()
      throws Exception {
    OtlpReceiver receiver = receiver();
    start(
        receiver,
        "tracing.sample-ratio",
        "1",
        "service.name",
        "checkout",
        "service.version",
        "1.2.3",
        "service.environment",
        "staging",
        "resource.attributes",
        "team=payments");
    Requests.Result result =
        Requests.serve(
            obs,
            "GET",
            "/users/42",
            "page=2",
            "/users/{id}",
            Map.of("User-Agent", "curl/8.0"),
            context -> {
              context.setClientAddress("10.1.2.3");
              context.setScheme("https");
              context.setServerAddress("api.example.com");
              context.setServerPort(8443);
              context.setProtocolVersion("1.1");
              context.setUserAgent("curl/8.0");
              context.setStatus(200);
            });
    obs.close();

    OtlpReceiver.Received span = receiver.spans().get(0);
    assertThat(span.span().getName()).isEqualTo("GET /users/{id}");
    assertThat(span.span().getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(span.attribute("http.request.method")).isEqualTo("GET");
    assertThat(span.attribute("http.route")).isEqualTo("/users/{id}");
    assertThat(span.attribute("http.response.status_code")).isEqualTo("200");
    assertThat(span.attribute("url.path")).isEqualTo("/users/42");
    assertThat(span.attribute("url.query")).isEqualTo("page=2");
    assertThat(span.attribute("url.scheme")).isEqualTo("https");
    assertThat(span.attribute("server.address")).isEqualTo("api.example.com");
    assertThat(span.attribute("server.port")).isEqualTo("8443");
    assertThat(span.attribute("client.address")).isEqualTo("10.1.2.3");
    assertThat(span.attribute("user_agent.original")).isEqualTo("curl/8.0");
    assertThat(span.attribute("network.protocol.version")).isEqualTo("1.1");
    assertThat(span.attribute("error.type")).isNull();
    assertThat(span.resourceAttribute("service.name")).isEqualTo("checkout");
    assertThat(span.resourceAttribute("service.version")).isEqualTo("1.2.3");
    assertThat(span.resourceAttribute("deployment.environment.name")).isEqualTo("staging");
    assertThat(span.resourceAttribute("team")).isEqualTo("payments");
    // The flags are the span's own: sampled (01), plus W3C level 2's random-trace-id bit (02).
    String flags = String.format("%02x", span.span().getFlags() & 0xff);
    assertThat(Integer.parseInt(flags, 16) & 1).isEqualTo(1);
    assertThat(result.responseHeaders())
        .containsEntry("traceparent", "00-" + span.traceId() + "-" + span.spanId() + "-" + flags);
    assertThat(receiver.paths()).allMatch(p -> p.equals("/v1/traces"));
  }

  @Test
  void secretsInAttributesQueryExceptionAndStatus_areScrubbedBeforeExport() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "0");
    String jwt =
        "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
    Requests.serve(
        obs,
        "POST",
        "/login",
        "user=bob&password=hunter2",
        "/login",
        Map.of(),
        context -> {
          Span span = Span.current();
          span.setAttribute("authorization", "Bearer abc.def.ghi");
          span.setAttribute("api_key", "k-live-123456");
          span.setAttribute("payment.note", "card 4111 1111 1111 1111 declined");
          span.setAttribute("session.token", jwt);
          context.setStatus(500);
          throw new IllegalStateException("login failed: password=hunter2 with " + jwt);
        });
    obs.close();

    assertThat(receiver.spans()).hasSize(1);
    OtlpReceiver.Received span = receiver.spans().get(0);
    String everything = span.span().toString();
    assertThat(everything)
        .doesNotContain("hunter2")
        .doesNotContain("abc.def.ghi")
        .doesNotContain("k-live-123456")
        .doesNotContain("4111 1111 1111 1111")
        .doesNotContain(jwt)
        .contains(obs.scrubber().mask());
    assertThat(span.attribute("url.query")).startsWith("user=bob&password=");
    assertThat(span.attribute("sampling.policy")).isEqualTo("error");
    assertThat(
            OtlpReceiver.attribute(
                span.span().getEvents(0).getAttributesList(), "exception.stacktrace"))
        .contains("IllegalStateException")
        .doesNotContain("hunter2");
  }

  @Test
  void percentEncodedSecretsInUrlQuery_areScrubbedBeforeExport() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "1");
    String query =
        "q=password%3Dhunter2"
            + "&next=https%3A%2F%2Fann%3As3cr3t-key%40login.example%2Fhome"
            + "&pan=4111%201111%201111%201111"
            + "&page=2";

    Requests.serve(obs, "GET", "/search", query, "/search", Map.of(), context -> {});
    obs.close();

    assertThat(receiver.spans()).hasSize(1);
    OtlpReceiver.Received span = receiver.spans().get(0);
    assertThat(span.attribute("url.query"))
        .isEqualTo(
            "q=password%3D[REDACTED]"
                + "&next=https%3A%2F%2Fann%3A[REDACTED]%40login.example%2Fhome"
                + "&pan=[REDACTED]"
                + "&page=2");
    assertThat(span.span().toString())
        .doesNotContain("hunter2")
        .doesNotContain("s3cr3t-key")
        .doesNotContain("4111%201111");
  }

  @Test
  void instrumentedMethod_isInternalSpan_withCodeFunctionAndKeyValues() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "1");
    Observation.createNotStarted(
            "TracingModuleTest.place",
            () -> new MethodObservationContext(TracingModuleTest.class, "place"),
            obs.observationRegistry())
        .lowCardinalityKeyValue("tier", "gold")
        .highCardinalityKeyValue("order.id", "o-42")
        .observe(() -> {});
    obs.close();

    OtlpReceiver.Received span = receiver.spans().get(0);
    assertThat(span.span().getName()).isEqualTo("TracingModuleTest.place");
    assertThat(span.span().getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL);
    assertThat(span.attribute("code.function.name"))
        .isEqualTo(TracingModuleTest.class.getName() + ".place");
    assertThat(span.attribute("tier")).isEqualTo("gold");
    assertThat(span.attribute("order.id")).isEqualTo("o-42");
  }

  @Test
  void responseTraceparent_canBeTurnedOff() throws Exception {
    start(receiver(), "tracing.response-traceparent", "false");
    Requests.Result result = Requests.get(obs, "/x", 200);

    assertThat(result.responseHeaders()).doesNotContainKey("traceparent");
  }

  @Test
  void inboundTraceparent_isTheParent_andItsSampledFlagKeepsTheFragment() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "0");
    String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
    String parentId = "00f067aa0ba902b7";
    Requests.Result sampled =
        Requests.serve(
            obs,
            "POST",
            "/pay",
            null,
            "/pay",
            Map.of("traceparent", "00-" + traceId + "-" + parentId + "-01", "baggage", "k=v"),
            context -> {
              assertThat(io.opentelemetry.api.baggage.Baggage.current().getEntryValue("k"))
                  .isEqualTo("v");
              context.setStatus(201);
            });
    Requests.Result unsampled =
        Requests.serve(
            obs,
            "POST",
            "/pay",
            null,
            "/pay",
            Map.of("traceparent", "00-" + "1".repeat(32) + "-" + parentId + "-00"),
            context -> context.setStatus(201));
    obs.close();

    assertThat(sampled.traceId()).isEqualTo(traceId);
    assertThat(unsampled.traceId()).isEqualTo("1".repeat(32));
    assertThat(receiver.spans()).hasSize(1);
    OtlpReceiver.Received span = receiver.spans().get(0);
    assertThat(span.traceId()).isEqualTo(traceId);
    assertThat(span.parentSpanId()).isEqualTo(parentId);
    assertThat(span.attribute("sampling.policy")).isEqualTo("parent");
  }

  @Test
  void unknownMethod_isOther_withOriginal_andSpanNamedHttp() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "1");
    Requests.serve(obs, "PURGE", "/cache", null, null, Map.of(), c -> c.setStatus(204));
    obs.close();

    OtlpReceiver.Received span = receiver.spans().get(0);
    assertThat(span.span().getName()).isEqualTo("HTTP");
    assertThat(span.attribute("http.request.method")).isEqualTo("_OTHER");
    assertThat(span.attribute("http.request.method_original")).isEqualTo("PURGE");
  }

  @Test
  void server4xx_isNotAnError_5xxIs() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "1");
    Requests.get(obs, "/missing", 404);
    Requests.get(obs, "/broken", 502);
    obs.close();

    Map<String, OtlpReceiver.Received> byRoute =
        receiver.spans().stream().collect(Collectors.toMap(s -> s.attribute("http.route"), s -> s));
    assertThat(byRoute.get("/missing").span().getStatus().getCode())
        .isEqualTo(Status.StatusCode.STATUS_CODE_UNSET);
    assertThat(byRoute.get("/broken").span().getStatus().getCode())
        .isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(byRoute.get("/broken").attribute("error.type")).isEqualTo("502");
  }

  @Test
  void observationError_setsErrorStatusExceptionEventAndType_hostExceptionPassesUnchanged()
      throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "0");
    IllegalStateException thrown = new IllegalStateException("card declined");

    assertThatThrownBy(
            () ->
                obs.observe(
                    "checkout",
                    (Runnable)
                        () -> {
                          throw thrown;
                        }))
        .isSameAs(thrown);
    obs.close();

    OtlpReceiver.Received span = receiver.spans().get(0);
    assertThat(span.span().getName()).isEqualTo("checkout");
    assertThat(span.span().getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_INTERNAL);
    assertThat(span.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(span.span().getStatus().getMessage()).isEqualTo("card declined");
    assertThat(span.attribute("error.type")).isEqualTo("java.lang.IllegalStateException");
    assertThat(span.attribute("error.fingerprint")).isEqualTo(ErrorFingerprint.of(thrown));
    assertThat(span.span().getEventsList()).hasSize(1);
    assertThat(span.span().getEvents(0).getName()).isEqualTo("exception");
    assertThat(
            OtlpReceiver.attribute(
                span.span().getEvents(0).getAttributesList(), "exception.message"))
        .isEqualTo("card declined");
    assertThat(span.attribute("sampling.policy")).isEqualTo("error");
  }

  @Test
  void nestedObservations_innerIsChildOfOuter_andEachScopeRestoresTheCurrentSpan()
      throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "1");
    AtomicReference<SpanContext> outer = new AtomicReference<>();
    AtomicReference<SpanContext> inner = new AtomicReference<>();
    AtomicReference<SpanContext> afterInner = new AtomicReference<>();
    obs.observe(
        "outer",
        () -> {
          outer.set(Span.current().getSpanContext());
          obs.observe("inner", () -> inner.set(Span.current().getSpanContext()));
          afterInner.set(Span.current().getSpanContext());
        });

    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    assertThat(afterInner.get()).isEqualTo(outer.get());
    assertThat(inner.get().getTraceId()).isEqualTo(outer.get().getTraceId());
    obs.close();
    Map<String, OtlpReceiver.Received> byName =
        receiver.spans().stream().collect(Collectors.toMap(s -> s.span().getName(), s -> s));
    assertThat(byName.get("inner").parentSpanId()).isEqualTo(outer.get().getSpanId());
    assertThat(byName.get("outer").attribute("sampling.policy")).isEqualTo("ratio");
    assertThat(byName.get("inner").attribute("sampling.policy")).isNull();
  }

  @Test
  void observationStartedOnAnotherThread_withExplicitParent_isChildOfThatParent() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "1");
    Observation parent = obs.observation("request").start();
    AtomicReference<String> childTrace = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              Observation child = obs.observation("background").parentObservation(parent).start();
              childTrace.set(
                  child
                      .getContext()
                      .<Span>get(ObservationNames.SPAN)
                      .getSpanContext()
                      .getTraceId());
              child.stop();
            });
    worker.start();
    worker.join();
    parent.stop();
    obs.close();

    String parentTrace =
        parent.getContext().<Span>get(ObservationNames.SPAN).getSpanContext().getTraceId();
    assertThat(childTrace.get()).isEqualTo(parentTrace);
    assertThat(receiver.traces().get(parentTrace)).hasSize(2);
  }

  @Test
  void traceAndSpanIds_areAvailableToLogging_forTracesThatAreNotExported() throws Exception {
    OtlpReceiver receiver = receiver();
    start(receiver, "tracing.sample-ratio", "0");
    AtomicReference<SpanContext> inScope = new AtomicReference<>();
    Requests.Result result =
        Requests.serve(
            obs,
            "GET",
            "/health",
            null,
            "/health",
            Map.of(),
            context -> {
              inScope.set(Span.current().getSpanContext());
              context.setStatus(200);
            });
    obs.close();

    assertThat(inScope.get().isValid()).isTrue();
    assertThat(inScope.get().getTraceId()).isEqualTo(result.traceId());
    assertThat(inScope.get().getSpanId()).isEqualTo(result.spanId());
    assertThat(result.responseHeaders().get("traceparent")).contains(result.traceId());
    assertThat(receiver.spans()).isEmpty();
  }

  @Test
  void noEndpointConfigured_spansRecordedButNotExported_andStartSaysSoOnce() {
    ListAppender<ILoggingEvent> log = capture(TracingSdk.class.getName());
    start(null);
    AtomicReference<SpanContext> current = new AtomicReference<>();
    obs.observe("work", () -> current.set(Span.current().getSpanContext()));

    assertThat(current.get().isValid()).isTrue();
    assertThat(obs.openTelemetry().getTracerProvider()).isNotInstanceOf(SdkTracerProvider.class);
    assertThat(obs.openTelemetry().getMeterProvider()).isSameAs(MeterProvider.noop());
    assertThat(obs.openTelemetry().getLogsBridge()).isSameAs(LoggerProvider.noop());
    assertThat(log.list)
        .filteredOn(e -> e.getFormattedMessage().contains("no OTLP endpoint"))
        .hasSize(1);
  }

  @Test
  void standardOtelVariables_endpointHeadersCompressionAndServiceName_areHonoured()
      throws Exception {
    OtlpReceiver receiver = receiver();
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.baseEndpoint() + "/");
    env.put("OTEL_EXPORTER_OTLP_HEADERS", "api-key=s3cr%3Dt,x-tenant=acme");
    env.put("OTEL_EXPORTER_OTLP_COMPRESSION", "gzip");
    env.put("OTEL_SERVICE_NAME", "inventory");
    env.put("OBSERVABILITY_TRACING_SAMPLE_RATIO", "1");
    obs = builder(env).start();
    Requests.get(obs, "/stock", 200);
    obs.close();

    assertThat(receiver.paths()).containsOnly("/v1/traces");
    assertThat(receiver.headers())
        .containsEntry("api-key", "s3cr=t")
        .containsEntry("x-tenant", "acme")
        .containsEntry("content-encoding", "gzip");
    assertThat(receiver.spans().get(0).resourceAttribute("service.name")).isEqualTo("inventory");
  }

  @Test
  void tracesEndpointVariable_isUsedAsIs_andWinsOverBaseEndpoint() throws Exception {
    OtlpReceiver receiver = receiver();
    obs =
        builder(
                Map.of(
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                    receiver.baseEndpoint() + "/custom/traces",
                    "OTEL_EXPORTER_OTLP_ENDPOINT",
                    "http://127.0.0.1:1"))
            .property("tracing.sample-ratio", "1")
            .start();
    Requests.get(obs, "/x", 200);
    obs.close();

    assertThat(receiver.paths()).containsOnly("/custom/traces");
  }

  @Test
  void invalidHeaders_failStart_withoutEchoingAnyValue() {
    assertThatThrownBy(
            () ->
                builder(
                        Map.of(
                            "OTEL_EXPORTER_OTLP_HEADERS",
                            "authorization=Bearer abc.def.ghi,tokenWithoutEquals-hunter2"))
                    .start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tracing.otlp.headers")
        .hasMessageContaining("entry 2")
        .hasMessageNotContaining("hunter2")
        .hasMessageNotContaining("abc.def.ghi");
  }

  @Test
  void invalidExporterChoices_failStart_listingEveryProblem() {
    assertThatThrownBy(
            () ->
                builder(Map.of("OTEL_TRACES_EXPORTER", "otlp,none"))
                    .property("tracing.otlp.protocol", "grpc")
                    .start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("combines 'none'")
        .hasMessageContaining("no gRPC sender is on the class path");
    assertThatThrownBy(() -> builder(Map.of("OTEL_TRACES_EXPORTER", "jaeger")).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("must be otlp, logging or none");
  }

  /**
   * Serves a request with {@code inbound} headers and, inside it, observes an outbound call:
   * returns the headers the propagators wrote on the call, and the server span's trace id under
   * {@code "server-trace-id"}.
   */
  private Map<String, String> propagate(Map<String, String> inbound) {
    Map<String, String> outbound = new HashMap<>();
    Requests.Result result =
        Requests.serve(
            obs,
            "GET",
            "/orders",
            null,
            "/orders",
            inbound,
            context -> {
              HttpClientObservationContext call =
                  new HttpClientObservationContext(
                      "GET", java.net.URI.create("http://127.0.0.1/stock"), outbound::put);
              Observation.createNotStarted(
                      ObservationNames.HTTP_CLIENT, () -> call, obs.observationRegistry())
                  .observe(() -> call.setStatus(200));
              context.setStatus(200);
            });
    outbound.put("server-trace-id", result.traceId());
    return outbound;
  }

  private static final String INBOUND_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final Map<String, String> INBOUND =
      Map.of(
          "traceparent",
          "00-" + INBOUND_TRACE + "-00f067aa0ba902b7-01",
          "tracestate",
          "foo@=1,congo=t61rcWkgMzE",
          "baggage",
          "userId=alice");

  @Test
  void defaultPropagators_areTraceContextAtTheDraftLevel_andBaggage() {
    obs = builder(Map.of()).start();

    Map<String, String> outbound = propagate(INBOUND);

    assertThat(outbound.get("server-trace-id")).isEqualTo(INBOUND_TRACE);
    assertThat(outbound.get("traceparent")).startsWith("00-" + INBOUND_TRACE + "-");
    assertThat(outbound).containsEntry("tracestate", "foo@=1,congo=t61rcWkgMzE");
    assertThat(outbound).containsEntry("baggage", "userId=alice");
  }

  @Test
  void traceContextLevel1_discardsATracestateWithADraftKey_traceparentStillInherited() {
    obs = builder(Map.of()).property("tracing.tracecontext.level", "1").start();

    Map<String, String> outbound = propagate(INBOUND);

    assertThat(outbound.get("traceparent")).startsWith("00-" + INBOUND_TRACE + "-");
    assertThat(outbound).doesNotContainKey("tracestate");
  }

  @Test
  void otelPropagatorsNone_neitherReadsNorWritesContextHeaders() {
    obs = builder(Map.of("OTEL_PROPAGATORS", "none")).start();

    Map<String, String> outbound = propagate(INBOUND);

    assertThat(outbound.get("server-trace-id")).isNotEqualTo(INBOUND_TRACE);
    assertThat(outbound).containsOnlyKeys("server-trace-id");
  }

  @Test
  void otelPropagatorsBaggageOnly_readsAndWritesBaggage_startsItsOwnTrace() {
    obs = builder(Map.of("OTEL_PROPAGATORS", "baggage")).start();

    Map<String, String> outbound = propagate(INBOUND);

    assertThat(outbound.get("server-trace-id")).isNotEqualTo(INBOUND_TRACE);
    assertThat(outbound).containsEntry("baggage", "userId=alice");
    assertThat(outbound).doesNotContainKeys("traceparent", "tracestate");
  }

  @Test
  void propagatorsKey_winsOverOtelPropagators_andKeepsOnlyTheListedOnes() {
    obs =
        builder(Map.of("OTEL_PROPAGATORS", "baggage"))
            .property("tracing.propagators", "tracecontext")
            .start();

    Map<String, String> outbound = propagate(INBOUND);

    assertThat(outbound.get("traceparent")).startsWith("00-" + INBOUND_TRACE + "-");
    assertThat(outbound).doesNotContainKey("baggage");
  }

  @Test
  void unknownOrConflictingPropagators_failStart_namingTheValueAndWhatIsSupported() {
    assertThatThrownBy(() -> builder(Map.of("OTEL_PROPAGATORS", "tracecontext,b3")).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OTEL_PROPAGATORS")
        .hasMessageContaining("'tracecontext,b3'")
        .hasMessageContaining("must be tracecontext, baggage or none");
    assertThatThrownBy(() -> builder(Map.of("OTEL_PROPAGATORS", "none,baggage")).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("combines 'none' with other propagators");
    assertThatThrownBy(() -> builder(Map.of()).property("tracing.tracecontext.level", "3").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("tracing.tracecontext.level")
        .hasMessageContaining("must be between 1 and 2");
  }

  @Test
  void loggingExporter_writesOneScrubbedLinePerKeptSpan() {
    ListAppender<ILoggingEvent> log = capture(LoggingSpanExporter.LOGGER);
    obs =
        builder(Map.of("OTEL_TRACES_EXPORTER", "logging"))
            .property("tracing.sample-ratio", "1")
            .start();
    Requests.Result result = Requests.get(obs, "/orders/{id}", 200);
    obs.close();

    assertThat(log.list).hasSize(1);
    assertThat(log.list.get(0).getFormattedMessage())
        .contains("span 'GET /orders/{id}'")
        .contains("trace_id=" + result.traceId())
        .contains("kind=SERVER")
        .contains("sampling.policy=ratio");
  }

  private ListAppender<ILoggingEvent> capture(String loggerName) {
    Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    resources.add(() -> logger.detachAppender(appender));
    return appender;
  }
}
