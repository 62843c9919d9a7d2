package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.ConfigurationException;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.ObservationNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.proto.logs.v1.SeverityNumber;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * {@code logging.exporter=otlp}: every line also leaves as an OTLP log record, received on a
 * loopback OTLP/HTTP receiver and decoded with opentelemetry-proto.
 */
class OtlpLogExportTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private final Logger logger = LoggerFactory.getLogger("com.example.Orders");
  private LogbackTestSupport.StdOut out;
  private OtlpLogsReceiver receiver;
  private SimpleMeterRegistry meters;
  private Observability obs;

  @BeforeEach
  void setUp() throws IOException {
    LogbackTestSupport.resetToDefault();
    MDC.clear();
    out = new LogbackTestSupport.StdOut();
    receiver = new OtlpLogsReceiver();
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void tearDown() {
    if (obs != null) {
      obs.close();
    }
    receiver.close();
    out.close();
    MDC.clear();
    LogbackTestSupport.resetToDefault();
  }

  private ObservabilityBuilder builder(String endpoint, String... properties) {
    ObservabilityBuilder builder =
        LogbackTestSupport.builder()
            .meterRegistry(meters)
            .property("logging.exporter", "otlp")
            .property("logging.otlp.logs-endpoint", endpoint)
            .property("logging.export.schedule-delay", "100ms");
    for (int i = 0; i < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    return builder;
  }

  private double dropped(String reason) {
    return meters
        .get("observability.log.records.dropped")
        .tag("reason", reason)
        .functionCounter()
        .count();
  }

  private Optional<OtlpLogsReceiver.Received> record(String body) {
    return receiver.records.stream().filter(r -> body.equals(r.body())).findFirst();
  }

  private static Span span(String traceId, String spanId) {
    return Span.wrap(
        SpanContext.create(traceId, spanId, TraceFlags.getSampled(), TraceState.getDefault()));
  }

  @Test
  void everyLineOnStdout_alsoLeavesAsARecordWithTheSameIdsAndFields() {
    obs = builder(receiver.endpoint(), "resource.attributes", "k8s.pod.name=orders-1").start();
    out.mark();
    logger
        .atInfo()
        .addKeyValue("order_id", 42)
        .addKeyValue("amount", 99.99)
        .addKeyValue("express", true)
        .addKeyValue("password", "hunter2")
        .addKeyValue("thread.name", "from code")
        .log("order created");
    MDC.put("tenant", "acme");
    logger.warn("low stock");
    MDC.remove("tenant");
    logger.error(
        "payment failed for card 4111111111111111",
        new IllegalStateException("declined", new RuntimeException("token=t0ps3cret")));
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/orders/7", "token=abc", h -> null);
    http.setRequestId("req-otlp");
    http.setRoute("/orders/{id}");
    http.put(ObservationNames.SPAN, span(TRACE, SPAN));
    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(
            () -> {
              logger.info("in the request");
              http.setStatus(200);
            });
    List<JsonNode> lines = JsonLines.parseAll(out.text());
    obs.close();

    assertThat(lines).hasSizeGreaterThanOrEqualTo(5);
    for (JsonNode line : lines) {
      OtlpLogsReceiver.Received record =
          record(line.get("message").asText())
              .orElseThrow(() -> new AssertionError("no record for " + line));
      assertThat(record.record().getSeverityText()).isEqualTo(line.get("level").asText());
      assertThat(record.scope()).isEqualTo(line.get("logger").asText());
      assertThat(record.attributes().get("thread.name")).isEqualTo(line.get("thread").asText());
      if (line.has("trace_id")) {
        assertThat(record.traceId()).isEqualTo(line.get("trace_id").asText());
        assertThat(record.spanId()).isEqualTo(line.get("span_id").asText());
      } else {
        assertThat(record.record().getTraceId().isEmpty()).isTrue();
      }
      if (line.has("request_id")) {
        assertThat(record.attributes().get("request_id"))
            .isEqualTo(line.get("request_id").asText());
      }
      assertThat(record.resource())
          .containsEntry("service.name", "orders")
          .containsEntry("service.version", "2.0.0")
          .containsEntry("deployment.environment.name", "test")
          .containsEntry("k8s.pod.name", "orders-1")
          .containsKey("telemetry.sdk.language");
    }

    Map<String, Object> created = record("order created").orElseThrow().attributes();
    assertThat(created)
        .containsEntry("order_id", 42L)
        .containsEntry("amount", 99.99)
        .containsEntry("express", true)
        .containsEntry("password", "[REDACTED]")
        .containsEntry("kv_thread.name", "from code");
    assertThat(record("order created").orElseThrow().record().getSeverityNumber())
        .isEqualTo(SeverityNumber.SEVERITY_NUMBER_INFO);
    assertThat(record("low stock").orElseThrow().attributes()).containsEntry("tenant", "acme");
    assertThat(record("low stock").orElseThrow().record().getSeverityNumber())
        .isEqualTo(SeverityNumber.SEVERITY_NUMBER_WARN);
    OtlpLogsReceiver.Received failed =
        receiver.records.stream()
            .filter(r -> r.body().startsWith("payment failed"))
            .findFirst()
            .orElseThrow();
    assertThat(failed.body()).doesNotContain("4111111111111111");
    assertThat(failed.attributes())
        .containsEntry("exception.type", "java.lang.IllegalStateException")
        .containsEntry("exception.message", "declined");
    assertThat((String) failed.attributes().get("exception.stacktrace"))
        .startsWith("java.lang.RuntimeException: token=")
        .doesNotContain("t0ps3cret");
    OtlpLogsReceiver.Received access = record("request completed").orElseThrow();
    assertThat(access.attributes())
        .containsEntry("method", "GET")
        .containsEntry("path", "/orders/7?token=[REDACTED]")
        .containsEntry("status", 200L)
        .containsEntry("request_id", "req-otlp");
    assertThat(access.traceId()).isEqualTo(TRACE);
    assertThat(access.spanId()).isEqualTo(SPAN);
    assertThat(meters.get("observability.log.records.exported").functionCounter().count())
        .isEqualTo(receiver.records.size());
  }

  @Test
  void consoleOff_linesLeaveOnlyOverOtlp_andCloseRestoresTheDefaultConsole() {
    obs = builder(receiver.endpoint(), "logging.console", "false").start();
    out.mark();

    logger.info("only over otlp");
    logger.debug("below the level");

    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("OBSERVABILITY_OTLP");
    await().atMost(Duration.ofSeconds(30)).until(() -> record("only over otlp").isPresent());
    assertThat(out.text()).doesNotContain("only over otlp");
    obs.close();
    obs = null;
    assertThat(record("below the level")).isEmpty();
    assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("console");
    assertThat(LogbackTestSupport.root().getLevel()).isEqualTo(Level.DEBUG);
  }

  @Test
  @Timeout(60)
  void whileCloseWaitsForTheCollector_linesReachTheRestoredConsole() throws InterruptedException {
    receiver.hang();
    obs =
        builder(
                receiver.endpoint(),
                "logging.console",
                "false",
                "logging.otlp.retry",
                "false",
                "shutdown.timeout",
                "20s")
            .start();
    logger.info("held by a collector that never answers");
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.arrived.get() >= 1);
    Observability closing = obs;
    obs = null;
    Thread closer = new Thread(closing::close, "test-closer");
    closer.start();
    try {
      // The export's flush waits for the collector, up to shutdown.timeout.
      LogbackTestSupport.awaitCloseThreadIn("dev.observability.logging.internal.OtlpLogExport");

      assertThat(LogbackTestSupport.rootAppenderNames()).containsExactly("console");
      logger.info("logged while close waits");
      assertThat(out.rawText()).contains("logged while close waits");
    } finally {
      receiver.close();
      closer.join(30_000);
    }
  }

  @Test
  void close_flushesWhatIsStillQueued() {
    obs = builder(receiver.endpoint(), "logging.export.schedule-delay", "10m").start();
    for (int i = 0; i < 5; i++) {
      logger.info("queued {}", i);
    }

    obs.close();
    obs = null;

    for (int i = 0; i < 5; i++) {
      assertThat(record("queued " + i)).isPresent();
    }
  }

  @Test
  void collectorDown_loggingGoesOnAndFailuresAreCounted() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    obs =
        builder("http://127.0.0.1:" + closedPort + "/v1/logs", "logging.otlp.retry", "false")
            .start();
    out.mark();
    for (int i = 0; i < 50; i++) {
      logger.info("line {}", i);
    }

    await().atMost(Duration.ofSeconds(30)).until(() -> dropped("export_failed") >= 50);
    assertThat(JsonLines.parseAll(out.text()))
        .filteredOn(n -> n.get("message").asText().startsWith("line "))
        .hasSize(50);
  }

  @Test
  void receiverRejects_recordsAreCountedAsFailed() {
    receiver.answer(400);
    obs = builder(receiver.endpoint(), "logging.otlp.retry", "false").start();
    logger.info("rejected");

    await().atMost(Duration.ofSeconds(30)).until(() -> dropped("export_failed") >= 1);
  }

  @Test
  @Timeout(120)
  void collectorHangs_queueIsBoundedDropsAreCountedAndCloseReturns() {
    receiver.hang();
    obs =
        builder(
                receiver.endpoint(),
                "logging.export.max-queue-size",
                "16",
                "logging.export.max-batch-size",
                "4",
                "logging.otlp.timeout",
                "1s",
                "logging.otlp.retry",
                "false",
                "shutdown.timeout",
                "2s")
            .start();
    out.mark();
    logger.info("first");
    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.arrived.get() >= 1);
    for (int i = 0; i < 200; i++) {
      logger.info("flood {}", i);
    }
    logger.warn("a warning keeps its reserve");

    // Every line still reached the console; the queue held at most 16 and dropped the rest.
    assertThat(JsonLines.parseAll(out.text())).hasSizeGreaterThanOrEqualTo(202);
    assertThat(dropped("queue_full")).isGreaterThanOrEqualTo(200 - 16);
    assertThat(meters.get("observability.log.records.queued").gauge().value())
        .isLessThanOrEqualTo(16);
    obs.close();
    obs = null;
    assertThat(dropped("export_failed") + dropped("shutdown")).isGreaterThanOrEqualTo(1);
  }

  @Test
  void eventThatCannotBeRead_isSwallowedCountedAndReported() {
    obs = builder(receiver.endpoint()).start();
    ch.qos.logback.classic.spi.LoggingEvent broken =
        new ch.qos.logback.classic.spi.LoggingEvent() {
          @Override
          public String getFormattedMessage() {
            throw new IllegalStateException("broken event");
          }
        };
    broken.setLevel(Level.INFO);
    broken.setLoggerName("com.example.Broken");
    int statuses = LogbackTestSupport.context().getStatusManager().getCount();

    LogbackTestSupport.root().getAppender("OBSERVABILITY_OTLP").doAppend(broken);
    logger.info("after the broken one");

    assertThat(dropped("export_failed")).isEqualTo(1);
    assertThat(LogbackTestSupport.context().getStatusManager().getCount()).isGreaterThan(statuses);
    await().atMost(Duration.ofSeconds(30)).until(() -> record("after the broken one").isPresent());
  }

  @Test
  void consoleOffWithoutOtlp_failsStart() {
    assertThatThrownBy(
            () -> LogbackTestSupport.builder().property("logging.console", "false").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("logging.console");
  }

  @Test
  void badHeader_failsStartWithoutEchoingTheValue() {
    assertThatThrownBy(
            () -> builder(receiver.endpoint(), "logging.otlp.headers", "x-key=%zzSECRET").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("x-key")
        .hasMessageNotContaining("SECRET");
  }

  @Test
  void otelEnvironmentVariables_areRead() {
    obs =
        LogbackTestSupport.builder(
                Map.of(
                    "OTEL_LOGS_EXPORTER", "otlp",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint().replace("/v1/logs", ""),
                    "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "x-env=yes",
                    "OTEL_BLRP_SCHEDULE_DELAY", "100"))
            .start();
    logger.info("from the environment");

    await().atMost(Duration.ofSeconds(30)).until(() -> record("from the environment").isPresent());
    assertThat(receiver.headers.get(0)).containsEntry("x-env", "yes");
  }
}
