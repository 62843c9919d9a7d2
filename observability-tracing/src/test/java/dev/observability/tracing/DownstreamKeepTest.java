package dev.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import io.opentelemetry.api.trace.Span;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The downstream keep over real HTTP on loopback: a callee (a JDK HTTP server) answers with {@code
 * traceresponse} or {@code Server-Timing}, and the caller's fragment, whose own spans are healthy
 * and outside the ratio, is kept or not; and the server side writes the header when, and only when,
 * it keeps a fragment for an error, its latency or a downstream keep.
 */
class DownstreamKeepTest {

  /** What the callee answers, from the trace id the call carried. */
  private final AtomicReference<Function<String, Map<String, String>>> answer =
      new AtomicReference<>(traceId -> Map.of());

  private final AtomicReference<Integer> status = new AtomicReference<>(200);
  private HttpServer callee;
  private OtlpReceiver receiver;
  private Observability obs;
  private HttpClient client;

  @BeforeEach
  void start() throws IOException {
    callee = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    callee.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
            String traceId = traceparent == null ? "" : traceparent.substring(3, 35);
            answer.get().apply(traceId).forEach(exchange.getResponseHeaders()::add);
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status.get(), body.length);
            exchange.getResponseBody().write(body);
          }
        });
    callee.start();
    receiver = new OtlpReceiver();
  }

  @AfterEach
  void stop() {
    if (obs != null) {
      obs.close();
    }
    receiver.close();
    callee.stop(0);
  }

  private void startSdk(String... properties) {
    ObservabilityBuilder builder =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new TracingModule())
            .property("shutdown.hook", "false")
            .property("tracing.otlp.endpoint", receiver.baseEndpoint())
            // Nothing is kept by the ratio: what is kept, is kept for a reason.
            .property("tracing.sample-ratio", "0")
            .property("tracing.export.schedule-delay", "50ms");
    for (int i = 0; i < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    obs = builder.start();
    client = TracedHttpClient.wrap(HttpClient.newHttpClient(), obs);
  }

  private static String sampled(String traceId) {
    return "00-" + traceId + "-00f067aa0ba902b7-01";
  }

  /** A healthy request of this service that calls the callee once. */
  private Requests.Result frontRequest() {
    return Requests.serve(
        obs,
        "GET",
        "/front",
        null,
        "/front",
        Map.of(),
        context -> {
          try {
            HttpResponse<String> response =
                client.send(
                    HttpRequest.newBuilder(
                            URI.create(
                                "http://127.0.0.1:" + callee.getAddress().getPort() + "/back"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            context.setStatus(response.statusCode() >= 500 ? 200 : response.statusCode());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
          }
        });
  }

  private double decided(String decision, String policy) {
    FunctionCounter counter =
        obs.meterRegistry()
            .find("observability.traces.decided")
            .tag("decision", decision)
            .tag("policy", policy)
            .functionCounter();
    return counter == null ? 0 : counter.count();
  }

  private List<OtlpReceiver.Received> exported(String traceId, int atLeast) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> receiver.spans().stream().filter(s -> s.traceId().equals(traceId)).count(),
            n -> n >= atLeast);
    return receiver.spans().stream().filter(s -> s.traceId().equals(traceId)).toList();
  }

  private static OtlpReceiver.Received server(List<OtlpReceiver.Received> spans) {
    return spans.stream()
        .filter(
            s ->
                s.span().getKind()
                    == io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void calleeKeptTheTrace_traceresponse_keepsCallersFragmentAsDownstream_andSaysSoUpstream() {
    startSdk();
    answer.set(traceId -> Map.of("traceresponse", sampled(traceId)));

    Requests.Result front = frontRequest();

    List<OtlpReceiver.Received> spans = exported(front.traceId(), 2);
    OtlpReceiver.Received root = server(spans);
    assertThat(root.attribute("sampling.policy")).isEqualTo("downstream");
    assertThat(root.attribute("http.response.status_code")).isEqualTo("200");
    assertThat(spans)
        .anySatisfy(s -> assertThat(s.span().getKind().name()).isEqualTo("SPAN_KIND_CLIENT"));
    assertThat(decided("kept", "downstream")).isEqualTo(1);
    // The keep travels on up: this service's own caller is told, with this server span's ids.
    assertThat(front.responseHeaders())
        .containsEntry("traceresponse", "00-" + front.traceId() + "-" + front.spanId() + "-01");
  }

  @Test
  void calleeKeptTheTrace_serverTiming_keepsCallersFragment() {
    startSdk();
    answer.set(
        traceId ->
            Map.of("Server-Timing", "app;dur=12.5, traceparent;desc=\"" + sampled(traceId) + "\""));

    Requests.Result front = frontRequest();

    assertThat(server(exported(front.traceId(), 2)).attribute("sampling.policy"))
        .isEqualTo("downstream");
  }

  @Test
  void traceresponseOfAnotherTrace_orNotSampled_keepsNothing() {
    startSdk();
    answer.set(traceId -> Map.of("traceresponse", sampled("1".repeat(32))));
    Requests.Result unrelated = frontRequest();
    answer.set(traceId -> Map.of("traceresponse", "00-" + traceId + "-00f067aa0ba902b7-00"));
    Requests.Result notSampled = frontRequest();
    answer.set(traceId -> Map.of());
    Requests.Result none = frontRequest();

    obs.close();
    assertThat(receiver.spans()).isEmpty();
    assertThat(decided("dropped", "ratio")).isEqualTo(3);
    assertThat(decided("kept", "downstream")).isZero();
    for (Requests.Result result : List.of(unrelated, notSampled, none)) {
      assertThat(result.responseHeaders()).doesNotContainKey("traceresponse");
    }
  }

  @Test
  void respectDownstreamOff_ignoresTheCalleesKeep() {
    startSdk("tracing.respect-downstream", "false");
    answer.set(traceId -> Map.of("traceresponse", sampled(traceId)));

    frontRequest();

    obs.close();
    assertThat(receiver.spans()).isEmpty();
  }

  @Test
  void failedCallToACalleeThatKept_isTheCalleesFailure_callerKeptAsDownstream() {
    startSdk();
    status.set(503);
    answer.set(traceId -> Map.of("traceresponse", sampled(traceId)));

    Requests.Result front = frontRequest();

    List<OtlpReceiver.Received> spans = exported(front.traceId(), 2);
    assertThat(server(spans).attribute("sampling.policy")).isEqualTo("downstream");
    // The call still shows what happened to it.
    assertThat(spans)
        .anySatisfy(
            s -> {
              assertThat(s.span().getKind().name()).isEqualTo("SPAN_KIND_CLIENT");
              assertThat(s.attribute("http.response.status_code")).isEqualTo("503");
              assertThat(s.span().getStatus().getCode().name()).isEqualTo("STATUS_CODE_ERROR");
            });
    assertThat(front.responseHeaders()).containsKey("traceresponse");
  }

  @Test
  void failedCallToACalleeThatSaysNothing_keepsCallerAsError_andSaysSoUpstream() {
    startSdk();
    status.set(503);

    Requests.Result front = frontRequest();

    assertThat(server(exported(front.traceId(), 2)).attribute("sampling.policy"))
        .isEqualTo("error");
    assertThat(front.responseHeaders()).containsKey("traceresponse");
  }

  @Test
  void serverSide_failingAndSlowRequestsSayTheyKept_healthyAndSampledOnesDoNot() {
    startSdk("tracing.latency-threshold", "1ms");
    Requests.Result failing = Requests.get(obs, "/fail", 503);
    Requests.Result slow =
        Requests.serve(
            obs,
            "GET",
            "/slow",
            null,
            "/slow",
            Map.of(),
            c -> {
              sleep(Duration.ofMillis(20));
              c.setStatus(200);
            });
    obs.close();
    startSdk("tracing.sample-ratio", "1");
    Requests.Result sampled = Requests.get(obs, "/ok", 200);
    obs.close();
    startSdk();
    Requests.Result dropped = Requests.get(obs, "/ok", 200);

    assertThat(failing.responseHeaders())
        .containsEntry("traceresponse", "00-" + failing.traceId() + "-" + failing.spanId() + "-01")
        .doesNotContainKey("Server-Timing");
    assertThat(slow.responseHeaders())
        .containsEntry("traceresponse", "00-" + slow.traceId() + "-" + slow.spanId() + "-01");
    // Kept by the ratio: the caller decided alike from the same trace id; nothing to tell.
    assertThat(sampled.responseHeaders()).doesNotContainKey("traceresponse");
    assertThat(dropped.responseHeaders()).doesNotContainKey("traceresponse");
    assertThat(dropped.responseHeaders()).containsKey("traceparent");
  }

  @Test
  void serverTimingOn_addsTheTraceparentMetric_traceresponseOff_writesNeither() {
    startSdk("tracing.server-timing", "true");
    Requests.Result both = Requests.get(obs, "/fail", 500);
    obs.close();
    startSdk("tracing.traceresponse", "false", "tracing.server-timing", "true");
    Requests.Result neither = Requests.get(obs, "/fail", 500);

    String value = "00-" + both.traceId() + "-" + both.spanId() + "-01";
    assertThat(both.responseHeaders())
        .containsEntry("traceresponse", value)
        .containsEntry("Server-Timing", "traceparent;desc=\"" + value + "\"");
    assertThat(neither.responseHeaders())
        .doesNotContainKey("traceresponse")
        .doesNotContainKey("Server-Timing");
  }

  @Test
  void noExporter_nothingIsKept_soNothingIsSaid() {
    obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new TracingModule())
            .property("shutdown.hook", "false")
            .start();

    assertThat(Requests.get(obs, "/fail", 503).responseHeaders())
        .doesNotContainKey("traceresponse");
    assertThat(DownstreamKeep.of(obs).onResponse(name -> null)).isFalse();
  }

  @Test
  void hookForOtherClients_insideTheRequestSpan_keepsTheFragment_onlyForItsOwnTrace() {
    startSdk();
    DownstreamKeep keep = DownstreamKeep.of(obs);
    AtomicReference<Boolean> unrelated = new AtomicReference<>();
    AtomicReference<Boolean> related = new AtomicReference<>();

    Requests.Result front =
        Requests.serve(
            obs,
            "GET",
            "/front",
            null,
            "/front",
            Map.of(),
            c -> {
              String traceId = Span.current().getSpanContext().getTraceId();
              unrelated.set(
                  keep.onResponse(
                      name ->
                          name.equalsIgnoreCase("traceresponse") ? sampled("2".repeat(32)) : null));
              related.set(
                  keep.onResponse(
                      name -> name.equalsIgnoreCase("TraceResponse") ? sampled(traceId) : null));
              c.setStatus(200);
            });

    assertThat(unrelated.get()).isFalse();
    assertThat(related.get()).isTrue();
    assertThat(server(exported(front.traceId(), 1)).attribute("sampling.policy"))
        .isEqualTo("downstream");
  }

  @Test
  void hookForOtherClients_inAHostSpan_keepsTheFragment_andAThrowingGetterIsSwallowed() {
    startSdk();
    DownstreamKeep keep = DownstreamKeep.of(obs);

    Requests.Result front =
        Requests.serve(
            obs,
            "GET",
            "/front",
            null,
            "/front",
            Map.of(),
            c -> {
              Span call = obs.tracer().spanBuilder("okhttp call").startSpan();
              io.opentelemetry.context.Scope scope = call.makeCurrent();
              try {
                String traceId = call.getSpanContext().getTraceId();
                assertThat(
                        keep.onResponse(
                            name -> {
                              throw new IllegalStateException("closed response");
                            }))
                    .isFalse();
                keep.onResponse(name -> name.equals("traceresponse") ? sampled(traceId) : null);
              } finally {
                scope.close();
                call.end();
              }
              c.setStatus(200);
            });

    List<OtlpReceiver.Received> spans = exported(front.traceId(), 2);
    assertThat(server(spans).attribute("sampling.policy")).isEqualTo("downstream");
    assertThat(spans).extracting(s -> s.span().getName()).contains("okhttp call");
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
