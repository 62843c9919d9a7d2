package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.BufferedLogLines;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.ObservationNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code logging.debug-on-error} through the real Logback pipeline and the module's JSON console,
 * read back with Jackson: DEBUG lines of a request where DEBUG is off are held, written in order,
 * marked and with the request's ids when the request fails, and never otherwise.
 */
class DebugOnErrorTest {

  private static final String TRACE = "cccccccccccccccccccccccccccccc03";
  private static final String SPAN = "ccccccccccccccc3";

  private final Logger app = LoggerFactory.getLogger("com.example.checkout.Cart");
  private final Logger server = LoggerFactory.getLogger("org.eclipse.jetty.server.HttpChannel");
  private LogbackTestSupport.StdOut out;
  private Observability obs;

  @BeforeEach
  void setUp() {
    LogbackTestSupport.resetToDefault();
    MDC.clear();
    out = new LogbackTestSupport.StdOut();
  }

  @AfterEach
  void tearDown() {
    if (obs != null) {
      obs.close();
    }
    out.close();
    MDC.clear();
    LogbackTestSupport.resetToDefault();
  }

  private void start(String... properties) {
    ObservabilityBuilder builder =
        LogbackTestSupport.builder()
            .property("logging.debug-on-error", "true")
            .property("logging.async", "false");
    for (int i = 0; i < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    obs = builder.start();
    out.mark();
  }

  /** One request through the spine, as the servlet filter runs it; may throw. */
  private HttpServerObservationContext request(String requestId, int status, Runnable work) {
    HttpServerObservationContext http =
        new HttpServerObservationContext("POST", "/api/cart", null, h -> null);
    http.setRequestId(requestId);
    http.put(
        ObservationNames.SPAN,
        Span.wrap(
            SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), TraceState.getDefault())));
    Observation observation =
        Observation.createNotStarted(
                ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
            .start();
    Observation.Scope scope = observation.openScope();
    try {
      work.run();
      http.setStatus(status);
    } catch (RuntimeException e) {
      http.setStatus(500);
      observation.error(e);
    } finally {
      scope.close();
      observation.stop();
    }
    return http;
  }

  private List<JsonNode> lines() {
    return JsonLines.parseAll(out.text());
  }

  private List<JsonNode> debugLines() {
    return lines().stream().filter(l -> "DEBUG".equals(l.path("level").asText())).toList();
  }

  /**
   * Process-wide since the JVM started (as every module's log counter): compare before and after.
   */
  private double dropped() {
    FunctionCounter counter =
        obs.meterRegistry()
            .find("observability.log.events.suppressed")
            .tag("reason", "debug_buffer_full")
            .functionCounter();
    return counter == null ? -1 : counter.count();
  }

  @Test
  void
      failedRequest_writesItsDebugLinesInOrder_markedBuffered_withTheRequestsIds_beforeItsAccessLine() {
    start();

    request(
        "req-fails",
        503,
        () -> {
          app.debug("cart {} loaded", 41);
          app.atDebug().setMessage("price rule applied").addKeyValue("rule", "summer").log();
          app.info("charging the card");
          app.debug("provider answered {}", "declined", new IllegalStateException("declined"));
        });

    List<JsonNode> all = lines();
    List<String> messages = all.stream().map(l -> l.path("message").asText()).toList();
    assertThat(messages)
        .containsSubsequence(
            "charging the card",
            "cart 41 loaded",
            "price rule applied",
            "provider answered declined",
            "request completed");
    List<JsonNode> debug = debugLines();
    assertThat(debug).hasSize(3);
    for (JsonNode line : debug) {
      assertThat(line.path("buffered").asBoolean()).as(line.toString()).isTrue();
      assertThat(line.path("request_id").asText()).isEqualTo("req-fails");
      assertThat(line.path("trace_id").asText()).isEqualTo(TRACE);
      assertThat(line.path("span_id").asText()).isEqualTo(SPAN);
      assertThat(line.path("logger").asText()).isEqualTo("com.example.checkout.Cart");
    }
    assertThat(debug.get(1).path("rule").asText()).isEqualTo("summer");
    assertThat(debug.get(2).path("exception").path("type").asText())
        .isEqualTo("java.lang.IllegalStateException");
    // Logged before the INFO line, written after it: the time says when it was logged.
    assertThat(debug.get(0).path("timestamp").asText())
        .isLessThanOrEqualTo(
            all.stream()
                .filter(l -> "charging the card".equals(l.path("message").asText()))
                .findFirst()
                .orElseThrow()
                .path("timestamp")
                .asText());
  }

  @Test
  void requestEndingWithAnException_writesItsDebugLines() {
    start();
    request(
        "req-throws",
        200,
        () -> {
          app.debug("about to fail");
          throw new IllegalStateException("boom");
        });

    assertThat(debugLines())
        .singleElement()
        .satisfies(l -> assertThat(l.path("message").asText()).isEqualTo("about to fail"));
  }

  @Test
  void healthyRequest_discardsItsDebugLines_andTheBudgetIsReturned() {
    start();
    double droppedBefore = dropped();
    HttpServerObservationContext http =
        request("req-ok", 200, () -> app.debug("only if it fails: {}", "cart"));

    assertThat(debugLines()).isEmpty();
    assertThat(lines())
        .anySatisfy(l -> assertThat(l.path("message").asText()).isEqualTo("request completed"));
    BufferedLogLines held = http.get(ObservationNames.BUFFERED_LOG_LINES);
    assertThat(held.lines()).isEmpty();
    assertThat(dropped()).isEqualTo(droppedBefore);
  }

  @Test
  void outsideARequest_serverLoggers_andTrace_areNotHeld_debugStaysOff() {
    start();
    AtomicReference<Boolean> enabledInRequest = new AtomicReference<>();
    AtomicReference<Boolean> serverEnabledInRequest = new AtomicReference<>();

    app.debug("not in a request");
    assertThat(app.isDebugEnabled()).isFalse();
    request(
        "req-server",
        500,
        () -> {
          enabledInRequest.set(app.isDebugEnabled());
          serverEnabledInRequest.set(server.isDebugEnabled());
          server.debug("jetty internals");
          app.trace("too fine");
        });

    assertThat(enabledInRequest.get()).isTrue();
    assertThat(serverEnabledInRequest.get()).isFalse();
    assertThat(debugLines()).isEmpty();
    assertThat(out.text()).doesNotContain("too fine", "jetty internals", "not in a request");
  }

  @Test
  void debugAlreadyOnForALogger_writesItsLinesAsUsual_notTwice() {
    start();
    ((ch.qos.logback.classic.Logger) app).setLevel(ch.qos.logback.classic.Level.DEBUG);
    try {
      request("req-debug-on", 500, () -> app.debug("written at once"));
    } finally {
      ((ch.qos.logback.classic.Logger) app).setLevel(null);
    }

    List<JsonNode> debug = debugLines();
    assertThat(debug).singleElement();
    assertThat(debug.get(0).has("buffered")).isFalse();
  }

  @Test
  void chosenLoggers_byPrefix_replaceTheApplicationDefault() {
    start("logging.debug-on-error.loggers", "org.eclipse.jetty.server");
    request(
        "req-prefix",
        500,
        () -> {
          app.debug("application");
          server.debug("server");
        });

    assertThat(debugLines()).extracting(l -> l.path("message").asText()).containsExactly("server");
  }

  @Test
  void perRequestBound_keepsTheLastLines_andCountsTheDropped() {
    start("logging.debug-on-error.max-lines", "3");
    double droppedBefore = dropped();
    request(
        "req-many",
        500,
        () -> {
          for (int i = 1; i <= 5; i++) {
            app.debug("step {}", i);
          }
        });

    assertThat(debugLines())
        .extracting(l -> l.path("message").asText())
        .containsExactly("step 3", "step 4", "step 5");
    assertThat(dropped() - droppedBefore).isEqualTo(2);
  }

  @Test
  void budgetOverAllRequests_dropsWhatDoesNotFit_andCountsIt() {
    start("logging.debug-on-error.max-bytes", String.valueOf(64 * 1024));
    String big = "x".repeat(20 * 1024);
    double droppedBefore = dropped();
    request(
        "req-big",
        500,
        () -> {
          app.debug("first {}", big);
          app.debug("second {}", big);
        });

    assertThat(debugLines())
        .extracting(l -> l.path("message").asText().substring(0, 5))
        .containsExactly("first");
    assertThat(dropped() - droppedBefore).isEqualTo(1);
  }

  @Test
  void off_byDefault_nothingIsHeld() {
    obs = LogbackTestSupport.builder().property("logging.async", "false").start();
    out.mark();
    HttpServerObservationContext http = request("req-off", 500, () -> app.debug("never"));

    assertThat(debugLines()).isEmpty();
    assertThat(http.<Object>get(ObservationNames.BUFFERED_LOG_LINES)).isNull();
  }

  @Test
  void lineLoggedForTheRequestAfterItEnded_isNotHeld_andItsBytesAreNotKept() throws Exception {
    start();
    double droppedBefore = dropped();
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/api/async", null, h -> null);
    Observation observation =
        Observation.createNotStarted(
                ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
            .start();
    Observation child =
        Observation.createNotStarted("background", obs.observationRegistry())
            .parentObservation(observation)
            .start();
    http.setStatus(500);
    observation.stop();

    // Work handed to another thread, still inside a child of the request, after the request ended.
    Thread late =
        new Thread(
            () -> {
              Observation.Scope scope = child.openScope();
              try {
                app.debug("too late");
              } finally {
                scope.close();
                child.stop();
              }
            });
    late.start();
    late.join();

    assertThat(debugLines()).isEmpty();
    assertThat(((BufferedLogLines) http.get(ObservationNames.BUFFERED_LOG_LINES)).lines())
        .isEmpty();
    assertThat(dropped()).isEqualTo(droppedBefore);
  }
}
