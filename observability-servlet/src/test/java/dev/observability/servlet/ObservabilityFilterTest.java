package dev.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.observability.Observability;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ObservabilityFilterTest {

  private static final String UUID_PATTERN =
      "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}";

  private final RecordingModule recording = new RecordingModule(true);
  private @Nullable Observability obs;
  private @Nullable TestServer server;

  @AfterEach
  void tearDown() throws Exception {
    if (server != null) {
      server.close();
    }
    if (obs != null) {
      obs.close();
    }
  }

  private Observability start(Map<String, String> properties) {
    var builder =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property("shutdown.hook", "false")
            .discoverModules(false)
            .meterRegistry(new SimpleMeterRegistry())
            .module(recording)
            .module(new ServletModule());
    properties.forEach(builder::property);
    obs = builder.start();
    return obs;
  }

  /** Application servlets used across tests. */
  static void addApplication(ServletContextHandler context) {
    context.addServlet(new ServletHolder(new TextServlet("user")), "/api/users/*");
    context.addServlet(new ServletHolder(new TextServlet("exact")), "/api/ping");
    context.addServlet(new ServletHolder(new StatusServlet()), "/status/*");
    context.addServlet(new ServletHolder(new FailingServlet()), "/fail");
    context.addServlet(new ServletHolder(new AttributeServlet()), "/spring/*");
    ServletHolder async = new ServletHolder(new AsyncServlet());
    async.setAsyncSupported(true);
    context.addServlet(async, "/async/*");
    context.addServlet(new ServletHolder(new TextServlet("default")), "/");
  }

  static final class TextServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final String text;

    TextServlet(String text) {
      this.text = text;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.setContentType("text/plain");
      resp.getWriter().write(text);
    }
  }

  static final class StatusServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      switch (String.valueOf(req.getPathInfo())) {
        case "/created" -> resp.setStatus(201);
        case "/missing" -> resp.sendError(404, "no such thing");
        case "/unavailable" -> resp.sendError(503);
        case "/timed" -> {
          resp.setStatus(503);
          resp.addHeader("Server-Timing", "app;dur=5");
          resp.getWriter().write("degraded");
        }
        case "/flushed" -> {
          resp.setStatus(503);
          resp.getWriter().write("sent early");
          resp.flushBuffer();
        }
        default -> resp.getWriter().write("status");
      }
    }
  }

  static final class FailingServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      throw new IllegalStateException("failed for " + req.getQueryString());
    }
  }

  static final class AttributeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      req.setAttribute(
          "org.springframework.web.servlet.HandlerMapping.bestMatchingPattern",
          "/spring/orders/{orderId}");
      resp.getWriter().write("spring");
    }
  }

  /** Completes on another thread when {@link #release} opens, or times out for /async/timeout. */
  static final class AsyncServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static volatile CountDownLatch release = new CountDownLatch(0);

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext async = req.startAsync();
      if ("/timeout".equals(req.getPathInfo())) {
        async.setTimeout(200);
        return;
      }
      async.setTimeout(10_000);
      CountDownLatch latch = release;
      Thread worker =
          new Thread(
              () -> {
                try {
                  latch.await(10, TimeUnit.SECONDS);
                  HttpServletResponse response = (HttpServletResponse) async.getResponse();
                  response.setStatus(202);
                  response.getWriter().write("accepted");
                } catch (InterruptedException | IOException e) {
                  Thread.currentThread().interrupt();
                } finally {
                  async.complete();
                }
              },
              "async-worker");
      worker.start();
    }
  }

  private TestServer serve(ObservabilityFilter filter) throws Exception {
    return serve(filter, false);
  }

  private TestServer serve(ObservabilityFilter filter, boolean h2c) throws Exception {
    server =
        TestServer.start(
            "",
            context -> {
              ObservabilityServlets.register(context.getServletContext(), filter);
              addApplication(context);
            },
            h2c);
    return server;
  }

  private RecordingModule.Stopped only() {
    await().atMost(Duration.ofSeconds(10)).until(() -> !recording.stopped.isEmpty());
    assertThat(recording.stopped).hasSize(1);
    return recording.stopped.get(0);
  }

  @Test
  void request_isOneObservationWithMethodPathQueryRouteAndStatus() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).route("/api/users/{id}").build());

    HttpResponse<String> response = server.get("/api/users/42?fields=name&password=hunter2");

    assertThat(response.statusCode()).isEqualTo(200);
    RecordingModule.Stopped stopped = only();
    assertThat(stopped.method()).isEqualTo("GET");
    assertThat(stopped.path()).isEqualTo("/api/users/42");
    assertThat(stopped.query()).isEqualTo("fields=name&password=hunter2");
    assertThat(stopped.route()).isEqualTo("/api/users/{id}");
    assertThat(stopped.status()).isEqualTo(200);
    assertThat(stopped.error()).isNull();
    assertThat(stopped.scopeOpenAtStop()).isFalse();
    assertThat(stopped.protocolVersion()).isEqualTo("1.1");
    assertThat(recording.events)
        .containsExactly(
            "start /api/users/42",
            "open /api/users/42",
            "close /api/users/42",
            "stop /api/users/42");
  }

  @Test
  void protocolVersion_ofAnHttp10Request_isThePartAfterTheSlash() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    String raw = rawRequest("GET /api/users/7 HTTP/1.0\r\n\r\n");
    // Jetty answers with its own version; the request was HTTP/1.0.
    assertThat(raw).startsWith("HTTP/1.1 200");

    assertThat(only().protocolVersion()).isEqualTo("1.0");
  }

  @Test
  void protocolVersion_ofAnHttp2Request_isTheMajorVersionAlone() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build(), true);
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(server.uri("/api/users/7")).build(),
            HttpResponse.BodyHandlers.ofString());

    // The JDK client upgraded the connection (h2c) and the request was served over HTTP/2.
    assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(only().protocolVersion()).isEqualTo("2");
  }

  @Test
  void route_withoutTemplates_isTheServletMappingPatternOrNull() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    server.get("/api/users/42");
    server.get("/api/ping");
    server.get("/anything/else");

    await().until(() -> recording.stopped.size() == 3);
    assertThat(recording.stopped)
        .extracting(RecordingModule.Stopped::route)
        .containsExactly("/api/users/*", "/api/ping", null);
  }

  @Test
  void route_fromAFrameworkAttribute_winsOverTemplatesAndMapping() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).route("/spring/orders/{id}").build());

    server.get("/spring/orders/7");

    assertThat(only().route()).isEqualTo("/spring/orders/{orderId}");
  }

  @Test
  void route_inAWebApplicationWithAContextPath_isPrefixedWithIt() throws Exception {
    Observability o = start(Map.of());
    server =
        TestServer.start(
            "/shop",
            context -> {
              ObservabilityServlets.register(
                  context.getServletContext(),
                  ObservabilityFilter.builder().observability(o).route("/api/users/{id}").build());
              addApplication(context);
            });

    server.get("/shop/api/users/9");

    RecordingModule.Stopped stopped = only();
    assertThat(stopped.path()).isEqualTo("/shop/api/users/9");
    assertThat(stopped.route()).isEqualTo("/shop/api/users/{id}");
  }

  @Test
  void status_setBySetStatusOrSendError_isRecorded() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    assertThat(server.get("/status/created").statusCode()).isEqualTo(201);
    assertThat(server.get("/status/missing").statusCode()).isEqualTo(404);
    assertThat(server.get("/status/unavailable").statusCode()).isEqualTo(503);

    await().until(() -> recording.stopped.size() == 3);
    assertThat(recording.stopped)
        .extracting(RecordingModule.Stopped::status)
        .containsExactly(201, 404, 503);
  }

  @Test
  void exception_isRecordedAs500AndRethrownUnchanged() throws Exception {
    Observability o = start(Map.of());
    ObservabilityFilter filter = ObservabilityFilter.builder().observability(o).build();
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicReference<Observation> currentAfter = new AtomicReference<>();
    Filter capturing =
        new Filter() {
          @Override
          public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
              throws IOException, ServletException {
            try {
              filter.doFilter(req, res, chain);
            } catch (Throwable t) {
              thrown.set(t);
              throw t;
            } finally {
              currentAfter.set(o.observationRegistry().getCurrentObservation());
            }
          }
        };
    server =
        TestServer.start(
            "",
            context -> {
              context.addFilter(
                  new FilterHolder(capturing), "/*", EnumSet.of(DispatcherType.REQUEST));
              addApplication(context);
            });

    HttpResponse<String> response = server.get("/fail?card=4111");

    assertThat(response.statusCode()).isEqualTo(500);
    RecordingModule.Stopped stopped = only();
    assertThat(stopped.status()).isEqualTo(500);
    assertThat(stopped.error())
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("failed for card=4111");
    assertThat(thrown.get()).isSameAs(stopped.error());
    assertThat(currentAfter.get()).isNull();
    assertThat(recording.events).contains("error /fail");
  }

  @Test
  void requestId_safeInbound_isKeptAndEchoed() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/api/ping", "X-Request-ID", "req-1.A_b");

    assertThat(response.headers().firstValue("X-Request-ID")).contains("req-1.A_b");
    assertThat(only().requestId()).isEqualTo("req-1.A_b");
  }

  @Test
  void requestId_absent_isGeneratedAsAUuid() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/api/ping");

    String id = only().requestId();
    assertThat(id).matches(UUID_PATTERN);
    assertThat(response.headers().firstValue("X-Request-ID")).contains(id);
  }

  @Test
  void requestId_hostileInbound_isReplacedNeverEchoedAndCounted() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());
    String tooLong = "a".repeat(RequestIdsLimits.MAX + 1);
    String huge = "b".repeat(10 * 1024);

    HttpResponse<String> longResponse = server.get("/api/ping", "X-Request-ID", tooLong);
    HttpResponse<String> scriptResponse =
        server.get("/api/ping", "X-Request-ID", "<script>alert(1)</script>");
    HttpResponse<String> hugeResponse = server.get("/api/ping", "X-Request-ID", huge);

    // Jetty refuses a 10 KB header itself (431); if it let it through, the filter replaced it.
    assertThat(hugeResponse.headers().firstValue("X-Request-ID").orElse("none"))
        .matches(UUID_PATTERN + "|none");
    assertThat(hugeResponse.body()).doesNotContain(huge);
    await().until(() -> recording.stopped.size() >= 2);
    for (RecordingModule.Stopped stopped : recording.stopped) {
      assertThat(stopped.requestId()).matches(UUID_PATTERN);
    }
    assertThat(longResponse.headers().firstValue("X-Request-ID").orElseThrow())
        .matches(UUID_PATTERN);
    assertThat(scriptResponse.headers().firstValue("X-Request-ID").orElseThrow())
        .matches(UUID_PATTERN);
    assertThat(
            o.meterRegistry().get("observability.servlet.request.ids.rejected").counter().count())
        .isEqualTo(recording.stopped.size());
  }

  /** The limit the filter documents for inbound ids. */
  static final class RequestIdsLimits {
    static final int MAX = 128;
  }

  @Test
  void requestId_withCarriageReturnOverARawSocket_isNeverEchoed() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    String raw =
        rawRequest(
            "GET /api/ping HTTP/1.1\r\nHost: localhost\r\n"
                + "X-Request-ID: abc\rSet-Cookie: evil=1\r\n"
                + "Connection: close\r\n\r\n");

    assertThat(raw).doesNotContain("evil").doesNotContain("X-Request-ID: abc");
    for (RecordingModule.Stopped stopped : recording.stopped) {
      assertThat(stopped.requestId()).matches(UUID_PATTERN);
    }
  }

  /** Sends {@code GET path} over a raw socket with the header lines as given, in order. */
  private String rawGet(String path, String... headerLines) throws IOException {
    StringBuilder request = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\n");
    request.append("Host: localhost\r\n");
    for (String line : headerLines) {
      request.append(line).append("\r\n");
    }
    request.append("Connection: close\r\n\r\n");
    return rawRequest(request.toString());
  }

  /** Sends {@code request} as it is over a raw socket and reads the whole response. */
  private String rawRequest(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void repeatedPropagationFields_reachHandlersAsOneCommaJoinedValue_inOrder() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    String raw =
        rawGet(
            "/api/ping",
            "traceparent: 00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            "TraceParent: 00-11111111111111111111111111111111-2222222222222222-01",
            "tracestate: rojo=00f067aa0ba902b7",
            "Tracestate: congo=t61rcWkgMzE,",
            "tracestate: ",
            "baggage: userId=alice",
            "baggage: isProduction=false");

    assertThat(raw).startsWith("HTTP/1.1 200");
    RecordingModule.Stopped stopped = only();
    assertThat(stopped.traceparentHeader())
        .isEqualTo(
            "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01, "
                + "00-11111111111111111111111111111111-2222222222222222-01");
    assertThat(stopped.tracestateHeader()).isEqualTo("rojo=00f067aa0ba902b7, congo=t61rcWkgMzE,, ");
    assertThat(stopped.baggageHeader()).isEqualTo("userId=alice, isProduction=false");
  }

  @Test
  void propagationFieldSentOnce_isReadAsItIs_andAbsentOneIsNull() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    rawGet("/api/ping", "tracestate: rojo=1,congo=2");

    RecordingModule.Stopped stopped = only();
    assertThat(stopped.tracestateHeader()).isEqualTo("rojo=1,congo=2");
    assertThat(stopped.traceparentHeader()).isNull();
    assertThat(stopped.baggageHeader()).isNull();
  }

  @Test
  void responseHeaders_listedOnesAreWrittenOthersRefused() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/api/ping");

    assertThat(response.headers().firstValue("traceparent"))
        .contains("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(response.headers().firstValue("X-Not-Listed")).isEmpty();
  }

  @Test
  void responseHeadersAtStop_setReplaces_addKeepsTheApplicationsField() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/status/timed");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("degraded");
    assertThat(response.headers().firstValue("traceresponse"))
        .contains("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assertThat(String.join(", ", response.headers().allValues("Server-Timing")))
        .isEqualTo(
            "app;dur=5, traceparent;desc=\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"");
  }

  @Test
  void responseHeadersAtStop_onACommittedResponse_areLeftOut_andTheRequestIsRecorded()
      throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/status/flushed");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).isEqualTo("sent early");
    assertThat(response.headers().firstValue("traceresponse")).isEmpty();
    assertThat(response.headers().firstValue("traceparent")).isPresent();
    assertThat(only().status()).isEqualTo(503);
  }

  @Test
  void responseHeadersAtStop_notListed_areNotWritten() throws Exception {
    Observability o = start(Map.of("servlet.response-headers", "X-Request-ID,traceparent"));
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/status/timed");

    assertThat(response.headers().firstValue("traceresponse")).isEmpty();
    assertThat(response.headers().allValues("Server-Timing")).containsExactly("app;dur=5");
  }

  @Test
  void responseHeaders_configuredEmpty_noIdsAreWritten() throws Exception {
    Observability o = start(Map.of("servlet.response-headers", "X-Other"));
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/api/ping");

    assertThat(response.headers().firstValue("traceparent")).isEmpty();
    assertThat(response.headers().firstValue("X-Request-ID")).isEmpty();
    assertThat(only().requestId()).matches(UUID_PATTERN);
  }

  @Test
  void excludedPaths_getNoObservationAndNoHeaders() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> metrics = server.get("/metrics");
    HttpResponse<String> live = server.get("/health/live");
    server.get("/api/ping");

    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(live.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("X-Request-ID")).isEmpty();
    assertThat(only().path()).isEqualTo("/api/ping");
  }

  @Test
  void excludedPaths_fromConfiguration_replaceTheDefaults() throws Exception {
    Observability o = start(Map.of("servlet.excluded-paths", "/api/*"));
    serve(ObservabilityFilter.builder().observability(o).build());

    server.get("/api/ping");
    server.get("/metrics");

    assertThat(only().path()).isEqualTo("/metrics");
  }

  @Test
  void asyncRequest_endsWhenTheContainerCompletesIt() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());
    AsyncServlet.release = new CountDownLatch(1);

    var pending =
        server.client.sendAsync(
            java.net.http.HttpRequest.newBuilder(server.uri("/async/work")).build(),
            HttpResponse.BodyHandlers.ofString());
    await().until(() -> recording.events.contains("close /async/work"));
    assertThat(recording.stopped).isEmpty();
    AsyncServlet.release.countDown();
    HttpResponse<String> response = pending.get(10, TimeUnit.SECONDS);

    assertThat(response.statusCode()).isEqualTo(202);
    assertThat(response.body()).isEqualTo("accepted");
    RecordingModule.Stopped stopped = only();
    assertThat(stopped.status()).isEqualTo(202);
    assertThat(stopped.scopeOpenAtStop()).isFalse();
    assertThat(recording.events)
        .containsExactly(
            "start /async/work", "open /async/work", "close /async/work", "stop /async/work");
  }

  @Test
  void asyncRequest_thatTimesOut_isRecordedWithTheContainersErrorStatus() throws Exception {
    Observability o = start(Map.of());
    serve(ObservabilityFilter.builder().observability(o).build());

    HttpResponse<String> response = server.get("/async/timeout");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(only().status()).isEqualTo(500);
  }

  @Test
  void noInstanceRunning_requestsPassThroughUntouched() throws Exception {
    serve(new ObservabilityFilter());

    HttpResponse<String> response = server.get("/api/ping");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("exact");
    assertThat(response.headers().firstValue("X-Request-ID")).isEmpty();
  }

  @Test
  void defaultFilter_usesTheCurrentInstanceOnceItStarts() throws Exception {
    serve(new ObservabilityFilter());
    server.get("/api/ping");
    start(Map.of());

    HttpResponse<String> response = server.get("/api/ping");

    assertThat(response.headers().firstValue("X-Request-ID")).isPresent();
    assertThat(only().path()).isEqualTo("/api/ping");
  }

  @Test
  void filterRegisteredTwice_observesARequestOnce() throws Exception {
    Observability o = start(Map.of());
    server =
        TestServer.start(
            "",
            context -> {
              context.addFilter(
                  new FilterHolder(ObservabilityFilter.builder().observability(o).build()),
                  "/*",
                  EnumSet.of(DispatcherType.REQUEST));
              ObservabilityServlets.register(context.getServletContext(), o);
              ObservabilityServlets.register(context.getServletContext(), o);
              addApplication(context);
            });

    server.get("/api/ping");

    assertThat(only().path()).isEqualTo("/api/ping");
  }
}
