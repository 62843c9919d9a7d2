package dev.observability.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.observability.HttpClientObservationContext;
import dev.observability.Observability;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TracedHttpClientTest {

  private final List<String> receivedTraceparents = new CopyOnWriteArrayList<>();
  private HttpServer downstream;
  private OtlpReceiver receiver;
  private Observability obs;
  private HttpClient client;

  @BeforeEach
  void start() throws IOException {
    downstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    downstream.createContext(
        "/",
        exchange -> {
          try (exchange) {
            String traceparent = exchange.getRequestHeaders().getFirst("traceparent");
            receivedTraceparents.add(traceparent == null ? "" : traceparent);
            int status = exchange.getRequestURI().getPath().startsWith("/fail") ? 503 : 200;
            if (exchange.getRequestURI().getPath().startsWith("/repeated")) {
              exchange.getResponseHeaders().add("tracestate", "rojo=00f067aa0ba902b7");
              exchange.getResponseHeaders().add("tracestate", "congo=t61rcWkgMzE");
              exchange.getResponseHeaders().add("traceresponse", "00-" + "1".repeat(32) + "-01");
            }
            byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    downstream.start();
    receiver = new OtlpReceiver();
    obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new TracingModule())
            .property("shutdown.hook", "false")
            .property("tracing.otlp.endpoint", receiver.baseEndpoint())
            .property("tracing.sample-ratio", "1")
            .property("tracing.export.schedule-delay", "100ms")
            .start();
    client = TracedHttpClient.wrap(HttpClient.newHttpClient(), obs);
  }

  @AfterEach
  void stop() {
    obs.close();
    receiver.close();
    downstream.stop(0);
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + downstream.getAddress().getPort() + path);
  }

  /**
   * An async call's span ends in a stage that depends on the client's future, so it can still be
   * running when {@code get()} or {@code join()} returns: wait for the export instead of closing.
   */
  private void awaitExported(int spans) {
    await().atMost(Duration.ofSeconds(10)).until(() -> receiver.spans().size() >= spans);
  }

  private Map<String, OtlpReceiver.Received> exportedByKind() {
    obs.close();
    return receiver.spans().stream()
        .collect(Collectors.toMap(s -> s.span().getKind().name(), s -> s, (a, b) -> a));
  }

  @Test
  void send_injectsTraceparentOfClientSpan_childOfCurrentObservation_andRecordsStatus()
      throws Exception {
    AtomicReference<String> outerTrace = new AtomicReference<>();
    HttpResponse<String> response =
        obs.observeChecked(
            "checkout",
            () -> {
              outerTrace.set(Span.current().getSpanContext().getTraceId());
              return client.send(
                  HttpRequest.newBuilder(uri("/stock?sku=1")).header("X-Custom", "kept").build(),
                  HttpResponse.BodyHandlers.ofString());
            });

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok");
    Map<String, OtlpReceiver.Received> spans = exportedByKind();
    OtlpReceiver.Received clientSpan = spans.get("SPAN_KIND_CLIENT");
    OtlpReceiver.Received outer = spans.get("SPAN_KIND_INTERNAL");
    assertThat(clientSpan.traceId()).isEqualTo(outerTrace.get());
    assertThat(clientSpan.parentSpanId()).isEqualTo(outer.spanId());
    assertThat(receivedTraceparents)
        .singleElement()
        .asString()
        .startsWith("00-" + clientSpan.traceId() + "-" + clientSpan.spanId() + "-");
    assertThat(clientSpan.span().getName()).isEqualTo("GET");
    assertThat(clientSpan.attribute("http.request.method")).isEqualTo("GET");
    assertThat(clientSpan.attribute("http.response.status_code")).isEqualTo("200");
    assertThat(clientSpan.attribute("url.full")).isEqualTo(uri("/stock?sku=1").toString());
    assertThat(clientSpan.attribute("server.address")).isEqualTo("127.0.0.1");
    assertThat(clientSpan.attribute("server.port"))
        .isEqualTo(Integer.toString(downstream.getAddress().getPort()));
  }

  @Test
  void sendAsync_injectsContext_andEndsTheSpanWhenTheResponseArrives() throws Exception {
    HttpResponse<String> response =
        client
            .sendAsync(
                HttpRequest.newBuilder(uri("/fail")).build(), HttpResponse.BodyHandlers.ofString())
            .get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(503);
    awaitExported(1);
    OtlpReceiver.Received clientSpan = exportedByKind().get("SPAN_KIND_CLIENT");
    assertThat(receivedTraceparents.get(0)).contains(clientSpan.traceId());
    assertThat(clientSpan.attribute("http.response.status_code")).isEqualTo("503");
    assertThat(clientSpan.attribute("error.type")).isEqualTo("503");
    assertThat(clientSpan.span().getStatus().getCode())
        .isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
  }

  @Test
  void send_connectionRefused_exceptionReachesCallerUnchanged_andSpanRecordsIt()
      throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build();

    assertThatThrownBy(() -> client.send(request, HttpResponse.BodyHandlers.discarding()))
        .isInstanceOf(ConnectException.class);
    assertThatThrownBy(
            () -> client.sendAsync(request, HttpResponse.BodyHandlers.discarding()).join())
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(ConnectException.class);

    awaitExported(2);
    obs.close();
    assertThat(receiver.spans()).hasSize(2);
    for (OtlpReceiver.Received span : receiver.spans()) {
      assertThat(span.span().getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(span.attribute("error.type")).isEqualTo(ConnectException.class.getName());
      assertThat(span.span().getEvents(0).getName()).isEqualTo("exception");
      assertThat(span.attribute("sampling.policy")).isEqualTo("error");
    }
  }

  @Test
  void wrap_withoutHandlers_passesRequestsThroughUnchanged() throws Exception {
    HttpClient bare = TracedHttpClient.wrap(HttpClient.newHttpClient(), ObservationRegistry.NOOP);

    HttpResponse<String> response =
        bare.send(
            HttpRequest.newBuilder(uri("/plain")).build(), HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(receivedTraceparents).containsExactly("");
  }

  /** Reads response headers of every client observation when it stops. */
  private static final class ResponseHeaderReader
      implements ObservationHandler<HttpClientObservationContext> {
    final List<Map<String, String>> read = new CopyOnWriteArrayList<>();

    @Override
    public void onStop(HttpClientObservationContext context) {
      Map<String, String> headers = new java.util.HashMap<>();
      for (String name : List.of("tracestate", "TraceResponse", "content-length", "absent")) {
        String value = context.getResponseHeader(name);
        headers.put(name, value == null ? "<null>" : value);
      }
      read.add(headers);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof HttpClientObservationContext;
    }
  }

  @Test
  void responseHeaders_repeatedFieldsReachHandlersCommaJoined_sendAndSendAsync() throws Exception {
    ResponseHeaderReader reader = new ResponseHeaderReader();
    obs.observationRegistry().observationConfig().observationHandler(reader);

    client.send(
        HttpRequest.newBuilder(uri("/repeated")).build(), HttpResponse.BodyHandlers.ofString());
    client
        .sendAsync(
            HttpRequest.newBuilder(uri("/repeated")).build(), HttpResponse.BodyHandlers.ofString())
        .get(10, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(10)).until(() -> reader.read.size() == 2);

    for (Map<String, String> headers : reader.read) {
      assertThat(headers)
          .containsEntry("tracestate", "rojo=00f067aa0ba902b7, congo=t61rcWkgMzE")
          .containsEntry("TraceResponse", "00-" + "1".repeat(32) + "-01")
          .containsEntry("content-length", "2")
          .containsEntry("absent", "<null>");
    }
  }

  @Test
  void responseHeaders_beforeAResponse_areNull() {
    HttpClientObservationContext context =
        new HttpClientObservationContext("GET", uri("/"), (name, value) -> {});

    assertThat(context.getResponseHeader("tracestate")).isNull();
  }
}
