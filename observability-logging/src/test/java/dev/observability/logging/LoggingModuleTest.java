package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.ErrorFingerprint;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LoggingModuleTest {

  private static final String TRACE_A = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
  private static final String SPAN_A = "aaaaaaaaaaaaaaa1";
  private static final String TRACE_B = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2";
  private static final String SPAN_B = "bbbbbbbbbbbbbbb2";

  private final Logger logger = LoggerFactory.getLogger("com.example.Orders");
  private LogbackTestSupport.StdOut out;
  private Observability obs;
  private final CountDownLatch stuckOutput = new CountDownLatch(1);

  @BeforeEach
  void setUp() {
    LogbackTestSupport.resetToDefault();
    MDC.clear();
    out = new LogbackTestSupport.StdOut();
  }

  @AfterEach
  void tearDown() {
    stuckOutput.countDown();
    if (obs != null) {
      obs.close();
    }
    out.close();
    MDC.clear();
    LogbackTestSupport.resetToDefault();
  }

  private Observability start(Observability instance) {
    out.mark();
    return instance;
  }

  private List<JsonNode> lines() {
    return JsonLines.parseAll(out.text());
  }

  private JsonNode lineWithMessage(String message) {
    return lines().stream()
        .filter(n -> message.equals(n.path("message").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + message + "' in:\n" + out.text()));
  }

  private static Span span(String traceId, String spanId) {
    return Span.wrap(
        SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault()));
  }

  private Observation observation(String name, Span span) {
    return Observation.createNotStarted(
        name,
        () -> {
          Observation.Context context = new Observation.Context();
          context.put(ObservationNames.SPAN, span);
          return context;
        },
        obs.observationRegistry());
  }

  @Test
  void start_withoutHostConfiguration_installsJsonConsoleAndRestoresOnClose() {
    obs = start(LogbackTestSupport.builder().start());

    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("OBSERVABILITY_CONSOLE");
    assertThat(LogbackTestSupport.root().getLevel()).isEqualTo(Level.INFO);
    logger.atInfo().addKeyValue("order_id", 42).log("order created");
    logger.debug("not at info");

    JsonNode line = lineWithMessage("order created");
    assertThat(line.get("order_id").asInt()).isEqualTo(42);
    assertThat(line.get("service").asText()).isEqualTo("orders");
    assertThat(line.get("environment").asText()).isEqualTo("test");
    assertThat(line.get("version").asText()).isEqualTo("2.0.0");
    assertThat(out.text()).doesNotContain("not at info");

    obs.close();
    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("console");
    assertThat(LogbackTestSupport.root().getLevel()).isEqualTo(Level.DEBUG);
  }

  @Test
  void start_withHostConfiguration_leavesItAloneAndIncludedEncoderUsesInstance(@TempDir Path dir) {
    LogbackTestSupport.configureFromFile(
        """
        <configuration>
          <include resource="dev/observability/logging/json-console-appender.xml"/>
          <root level="WARN">
            <appender-ref ref="OBSERVABILITY_JSON"/>
          </root>
        </configuration>
        """,
        dir);

    obs = start(LogbackTestSupport.builder().start());

    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("OBSERVABILITY_JSON");
    assertThat(LogbackTestSupport.root().getLevel()).isEqualTo(Level.WARN);
    logger.warn("host configured");
    logger.info("below the host's level");
    JsonNode line = lineWithMessage("host configured");
    assertThat(line.get("service").asText()).isEqualTo("orders");
    assertThat(out.text()).doesNotContain("below the host's level");

    obs.close();
    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("OBSERVABILITY_JSON");
  }

  @Test
  void accessLine_throughHostPatternLayout_carriesIdsInMdcAndKeyValues(@TempDir Path dir) {
    LogbackTestSupport.configureFromFile(
        """
        <configuration>
          <appender name="PLAIN" class="ch.qos.logback.core.ConsoleAppender">
            <encoder>
              <pattern>%logger|%X{trace_id}|%X{span_id}|%X{request_id}|%X{tenant}|%msg|%kvp%n</pattern>
            </encoder>
          </appender>
          <root level="INFO">
            <appender-ref ref="PLAIN"/>
          </root>
        </configuration>
        """,
        dir);
    obs = start(LogbackTestSupport.builder().start());
    MDC.put("tenant", "acme");
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/api/users/7", "token=abc", h -> null);
    http.setRequestId("req-3");
    http.setRoute("/api/users/{id}");
    http.setStatus(200);
    http.put(ObservationNames.SPAN, span(TRACE_A, SPAN_A));

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(() -> {});

    String line =
        out.text()
            .lines()
            .filter(l -> l.startsWith("dev.observability.access|"))
            .findFirst()
            .orElseThrow();
    assertThat(line)
        .startsWith(
            "dev.observability.access|"
                + TRACE_A
                + "|"
                + SPAN_A
                + "|req-3|acme|request completed|method=\"GET\" path=\"/api/users/7?token=");
    assertThat(line).contains("route=\"/api/users/{id}\" status=\"200\" duration_ms=\"");
    assertThat(line).doesNotContain("abc");
    assertThat(MDC.get("tenant")).isEqualTo("acme");
    assertThat(MDC.get("trace_id")).isNull();
  }

  @Test
  void start_withAutoConfigureOff_leavesDefaultConsole() {
    obs = start(LogbackTestSupport.builder().property("logging.auto-configure", "false").start());

    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("console");
  }

  @Test
  void logFormatText_fromStandardVariable_writesReadableLinesWithIds() {
    obs = start(LogbackTestSupport.builder(Map.of("OBSERVABILITY_LOG_FORMAT", "text")).start());

    observation("work", span(TRACE_A, SPAN_A))
        .observe(() -> logger.atInfo().addKeyValue("order_id", 7).log("readable"));

    String text = out.text();
    assertThat(text).contains(" INFO  [", "com.example.Orders - readable order_id=7");
    assertThat(text).contains("trace_id=" + TRACE_A, "span_id=" + SPAN_A);
    assertThat(text.trim()).doesNotStartWith("{");
  }

  @Test
  void scope_putsSpanIdsInMdc_andRestoresNestedScopes() {
    obs = start(LogbackTestSupport.builder().start());
    MDC.put("trace_id", "before");

    observation("outer", span(TRACE_A, SPAN_A))
        .observe(
            () -> {
              logger.info("in outer");
              observation("inner", span(TRACE_B, SPAN_B)).observe(() -> logger.info("in inner"));
              assertThat(MDC.get("trace_id")).isEqualTo(TRACE_A);
              logger.info("outer again");
            });

    assertThat(MDC.get("trace_id")).isEqualTo("before");
    assertThat(MDC.get("span_id")).isNull();
    assertThat(lineWithMessage("in outer").get("trace_id").asText()).isEqualTo(TRACE_A);
    assertThat(lineWithMessage("in inner").get("trace_id").asText()).isEqualTo(TRACE_B);
    assertThat(lineWithMessage("in inner").get("span_id").asText()).isEqualTo(SPAN_B);
    assertThat(lineWithMessage("outer again").get("span_id").asText()).isEqualTo(SPAN_A);
  }

  @Test
  void scopesNestedPastTheBound_restoreEveryLevelOnTheWayOut() {
    obs = start(LogbackTestSupport.builder().start());
    MDC.put("trace_id", "before");
    // 300 levels, past the 256 whose previous values are saved: the levels past the bound set
    // nothing and restore nothing, every level below it restores its parent's ids.
    nest(0, 300);

    assertThat(MDC.get("trace_id")).isEqualTo("before");
    assertThat(MDC.get("span_id")).isNull();
  }

  private void nest(int level, int levels) {
    if (level == levels) {
      return;
    }
    String spanId = String.format("%016x", level + 1);
    observation("level " + level, span(TRACE_A, spanId))
        .observe(
            () -> {
              nest(level + 1, levels);
              if (level < 256) {
                assertThat(MDC.get("span_id")).as("level %d", level).isEqualTo(spanId);
              }
            });
    if (level > 0 && level <= 256) {
      assertThat(MDC.get("span_id"))
          .as("after level %d", level)
          .isEqualTo(String.format("%016x", level));
    }
  }

  @Test
  void spanInsideAnObservation_withoutOneOfItsOwn_isTheSpanItsLinesName() {
    obs = start(LogbackTestSupport.builder().start());
    String innerSpan = "aaaaaaaaaaaaaaa9";

    observation("outer", span(TRACE_A, SPAN_A))
        .observe(
            () -> {
              // A span made current without an observation (@WithSpan, the host's tracer).
              TestEvents.inSpan(
                  span(TRACE_A, innerSpan),
                  () -> {
                    logger.info("in the inner span");
                    return null;
                  });
              // A current span of another trace does not override the observation's ids.
              TestEvents.inSpan(
                  span(TRACE_B, SPAN_B),
                  () -> {
                    logger.info("in another trace's span");
                    return null;
                  });
              logger.info("back in outer");
            });

    JsonNode inner = lineWithMessage("in the inner span");
    assertThat(inner.get("trace_id").asText()).isEqualTo(TRACE_A);
    assertThat(inner.get("span_id").asText()).isEqualTo(innerSpan);
    JsonNode foreign = lineWithMessage("in another trace's span");
    assertThat(foreign.get("trace_id").asText()).isEqualTo(TRACE_A);
    assertThat(foreign.get("span_id").asText()).isEqualTo(SPAN_A);
    assertThat(lineWithMessage("back in outer").get("span_id").asText()).isEqualTo(SPAN_A);
  }

  @Test
  void scope_withoutStoredSpan_usesCurrentSpan_andNoIdsWithoutOne() {
    obs = start(LogbackTestSupport.builder().start());

    TestEvents.inSpan(
        span(TRACE_A, SPAN_A),
        () -> {
          obs.observe("work", () -> logger.info("current span"));
          return null;
        });
    obs.observe("work", () -> logger.info("no span"));

    assertThat(lineWithMessage("current span").get("trace_id").asText()).isEqualTo(TRACE_A);
    JsonNode none = lineWithMessage("no span");
    assertThat(none.has("trace_id")).isFalse();
    assertThat(none.has("span_id")).isFalse();
  }

  @Test
  void httpServerObservation_writesAccessLineWithIdsAndErrorEventId() {
    obs = start(LogbackTestSupport.builder().start());
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/api/users/42", "page=2&sort=name", h -> null);
    http.setRequestId("req-1");
    http.setRoute("/api/users/{id}");
    http.put(ObservationNames.SPAN, span(TRACE_A, SPAN_A));

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(
            () -> {
              logger.info("handling");
              http.setStatus(503);
              http.put(ObservationNames.ERROR_EVENT_ID, "0123456789abcdef");
            });

    JsonNode handling = lineWithMessage("handling");
    assertThat(handling.get("request_id").asText()).isEqualTo("req-1");
    assertThat(handling.get("trace_id").asText()).isEqualTo(TRACE_A);
    JsonNode access = lineWithMessage("request completed");
    assertThat(access.get("logger").asText()).isEqualTo("dev.observability.access");
    assertThat(access.get("level").asText()).isEqualTo("WARN");
    assertThat(access.get("method").asText()).isEqualTo("GET");
    assertThat(access.get("path").asText()).isEqualTo("/api/users/42?page=2&sort=name");
    assertThat(access.get("route").asText()).isEqualTo("/api/users/{id}");
    assertThat(access.get("status").isInt()).isTrue();
    assertThat(access.get("status").asInt()).isEqualTo(503);
    assertThat(access.get("duration_ms").isNumber()).isTrue();
    assertThat(access.get("duration_ms").asDouble()).isGreaterThanOrEqualTo(0.0);
    assertThat(access.get("trace_id").asText()).isEqualTo(TRACE_A);
    assertThat(access.get("span_id").asText()).isEqualTo(SPAN_A);
    assertThat(access.get("request_id").asText()).isEqualTo("req-1");
    assertThat(access.get("sentry_event_id").asText()).isEqualTo("0123456789abcdef");
    assertThat(MDC.get("request_id")).isNull();
  }

  @Test
  void accessLine_withHostMdcOnStoppingThread_usesRequestIds_andRestoresHostValues() {
    obs = start(LogbackTestSupport.builder().start());
    MDC.put("trace_id", TRACE_A);
    MDC.put("request_id", "host-request");
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/orders", "", h -> null);
    http.setRequestId("req-2");
    http.setStatus(200);
    http.put(ObservationNames.SPAN, span(TRACE_A, SPAN_A));

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(
            () -> {
              observation("same span", span(TRACE_A, SPAN_A)).observe(() -> logger.info("inner"));
              logger.info("outer after inner");
            });

    JsonNode inner = lineWithMessage("inner");
    assertThat(inner.get("span_id").asText()).isEqualTo(SPAN_A);
    assertThat(inner.get("request_id").asText()).isEqualTo("req-2");
    JsonNode after = lineWithMessage("outer after inner");
    assertThat(after.get("trace_id").asText()).isEqualTo(TRACE_A);
    assertThat(after.get("span_id").asText()).isEqualTo(SPAN_A);
    assertThat(after.get("request_id").asText()).isEqualTo("req-2");
    JsonNode access = lineWithMessage("request completed");
    assertThat(access.get("path").asText()).isEqualTo("/orders");
    assertThat(access.get("trace_id").asText()).isEqualTo(TRACE_A);
    assertThat(access.get("span_id").asText()).isEqualTo(SPAN_A);
    assertThat(access.get("request_id").asText()).isEqualTo("req-2");
    assertThat(MDC.get("trace_id")).isEqualTo(TRACE_A);
    assertThat(MDC.get("span_id")).isNull();
    assertThat(MDC.get("request_id")).isEqualTo("host-request");
  }

  @Test
  void httpServerObservation_okStatusAtInfo_andErrorType() {
    obs = start(LogbackTestSupport.builder().start());
    HttpServerObservationContext http =
        new HttpServerObservationContext("POST", "/orders", null, h -> null);
    Observation observation =
        Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry());

    observation.start();
    http.setStatus(200);
    IllegalStateException failure = new IllegalStateException("handled");
    observation.error(failure);
    observation.stop();

    JsonNode access = lineWithMessage("request completed");
    assertThat(access.get("level").asText()).isEqualTo("INFO");
    assertThat(access.get("path").asText()).isEqualTo("/orders");
    assertThat(access.get("error").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(access.get("error_fingerprint").asText())
        .isEqualTo(ErrorFingerprint.of(failure))
        .isEqualTo(http.<String>get(ObservationNames.ERROR_FINGERPRINT));
    assertThat(access.has("request_id")).isFalse();
    assertThat(access.has("trace_id")).isFalse();
  }

  @Test
  void accessLine_ofARequestEndingWithAnException_carriesItsStackTraceUnderTheRequestIds() {
    obs = start(LogbackTestSupport.builder().start());
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/api/fail", null, h -> null);
    http.setRequestId("req-fail");
    http.setRoute("/api/fail");
    http.put(ObservationNames.SPAN, span(TRACE_B, SPAN_B));
    Observation observation =
        Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry());
    IllegalStateException failure =
        new IllegalStateException(
            "payment provider rejected token=abc", new java.io.IOException("connection reset"));

    observation.start();
    http.setStatus(500);
    observation.error(failure);
    observation.stop();

    JsonNode access = lineWithMessage("request completed");
    assertThat(access.get("level").asText()).isEqualTo("WARN");
    assertThat(access.get("trace_id").asText()).isEqualTo(TRACE_B);
    assertThat(access.get("span_id").asText()).isEqualTo(SPAN_B);
    assertThat(access.get("request_id").asText()).isEqualTo("req-fail");
    assertThat(access.get("error").asText()).isEqualTo("java.lang.IllegalStateException");
    JsonNode exception = access.get("exception");
    assertThat(exception.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(exception.get("message").asText())
        .startsWith("payment provider rejected")
        .doesNotContain("abc");
    assertThat(exception.get("stacktrace").asText())
        .startsWith("java.io.IOException: connection reset")
        .contains("Wrapped by: java.lang.IllegalStateException")
        .contains(LoggingModuleTest.class.getName());
  }

  @Test
  void accessLine_throughAHostConfiguredEncoder_carriesTheExceptionToo(@TempDir Path dir) {
    LogbackTestSupport.configureFromFile(
        """
        <configuration>
          <appender name="JSON" class="ch.qos.logback.core.ConsoleAppender">
            <encoder class="dev.observability.logging.JsonEncoder"/>
          </appender>
          <root level="INFO"><appender-ref ref="JSON"/></root>
        </configuration>
        """,
        dir);
    obs = start(LogbackTestSupport.builder().start());
    HttpServerObservationContext http =
        new HttpServerObservationContext("POST", "/orders", null, h -> null);
    http.setRequestId("req-fluent");
    Observation observation =
        Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry());

    observation.start();
    http.setStatus(500);
    observation.error(new IllegalArgumentException("bad order"));
    observation.stop();

    JsonNode access = lineWithMessage("request completed");
    assertThat(access.get("request_id").asText()).isEqualTo("req-fluent");
    assertThat(access.get("exception").get("type").asText())
        .isEqualTo("java.lang.IllegalArgumentException");
    assertThat(access.get("exception").get("stacktrace").asText())
        .startsWith("java.lang.IllegalArgumentException: bad order");
  }

  @Test
  void accessLogOff_writesNoAccessLine() {
    obs = start(LogbackTestSupport.builder().property("logging.access-log", "false").start());
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/x", null, h -> null);

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(() -> logger.info("inside"));

    lineWithMessage("inside");
    assertThat(out.text()).doesNotContain("request completed");
  }

  @Test
  void debugSampling_configured_dropsAndCountsUnderSampled() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    obs =
        start(
            LogbackTestSupport.builder()
                .meterRegistry(registry)
                .property("logging.level", "debug")
                .property("logging.debug-sample-ratio", "0")
                .start());
    FunctionCounter sampled =
        registry.get(LoggingModule.SUPPRESSED_METER).tag("reason", "sampled").functionCounter();
    double before = sampled.count();

    for (int i = 0; i < 10; i++) {
      logger.debug("sampled away {}", i);
    }
    logger.info("kept");

    lineWithMessage("kept");
    assertThat(out.text()).doesNotContain("sampled away");
    assertThat(sampled.count() - before).isEqualTo(10.0);
    assertThat(registry.find(LoggingModule.SUPPRESSED_METER).tag("reason", "rate_limited").meter())
        .isNotNull();
    assertThat(registry.find(LoggingModule.SUPPRESSED_METER).tag("reason", "queue_full").meter())
        .isNotNull();
    obs.close();
    assertThat(LogbackTestSupport.context().getTurboFilterList()).isEmpty();
  }

  @Test
  void byDefault_consoleWritesBatchesFromBackgroundThreadWithCallerSpanIds() {
    obs = start(LogbackTestSupport.builder().start());

    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("OBSERVABILITY_CONSOLE");
    assertThat(LogbackTestSupport.root().getAppender("OBSERVABILITY_CONSOLE"))
        .isInstanceOf(BatchingAppender.class);
    TestEvents.inSpan(
        span(TRACE_B, SPAN_B),
        () -> {
          logger.info("async line");
          return null;
        });

    // Without an explicit flush: the writer thread writes the batch within its interval.
    await().atMost(Duration.ofSeconds(10)).until(() -> out.rawText().contains("async line"));
    JsonNode line = lineWithMessage("async line");
    assertThat(line.get("trace_id").asText()).isEqualTo(TRACE_B);
    assertThat(line.get("thread").asText()).isEqualTo(Thread.currentThread().getName());
  }

  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void whileCloseWaitsForAStuckOutput_theConsoleStaysAttachedAndNothingIsLost() throws Exception {
    ByteArrayOutputStream written = new ByteArrayOutputStream();
    OutputStream gate =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] bytes, int off, int len) throws IOException {
            try {
              stuckOutput.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IOException(e);
            }
            synchronized (written) {
              written.write(bytes, off, len);
            }
          }
        };
    System.setOut(new PrintStream(gate, true, StandardCharsets.UTF_8));
    Thread closer = null;
    try {
      Observability closing =
          LogbackTestSupport.builder().property("shutdown.timeout", "20s").start();
      logger.info("written before close");
      closer = new Thread(closing::close, "test-closer");
      closer.start();
      // Standard output does not take the lines: close waits for it in the console's flush.
      LogbackTestSupport.awaitCloseThreadIn(BatchingAppender.class.getName());

      assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("OBSERVABILITY_CONSOLE");
      logger.info("logged while close waits");
    } finally {
      stuckOutput.countDown();
      if (closer != null) {
        closer.join(30_000);
      }
    }

    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("console");
    String text;
    synchronized (written) {
      text = written.toString(StandardCharsets.UTF_8);
    }
    assertThat(text).contains("written before close").contains("logged while close waits");
  }

  @Test
  void asyncOff_installsPlainConsoleWritingEachLineAtOnce() {
    obs = start(LogbackTestSupport.builder().property("logging.async", "false").start());

    assertThat(LogbackTestSupport.root().getAppender("OBSERVABILITY_CONSOLE"))
        .isInstanceOf(ch.qos.logback.core.ConsoleAppender.class);
    logger.info("sync line");

    assertThat(out.rawText()).contains("sync line");
  }

  @Test
  void encoderWithOnlyServiceSet_takesEnvironmentAndVersionFromInstanceStartedLater() {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.setService("custom");
    encoder.start();
    JsonNode before = JsonLines.parse(encoder.encode(TestEvents.event().build()));

    obs = start(LogbackTestSupport.builder().start());
    JsonNode after = JsonLines.parse(encoder.encode(TestEvents.event().build()));

    assertThat(before.get("version").asText()).isEqualTo("unknown");
    assertThat(after.get("service").asText()).isEqualTo("custom");
    assertThat(after.get("environment").asText()).isEqualTo("test");
    assertThat(after.get("version").asText()).isEqualTo("2.0.0");
  }
}
