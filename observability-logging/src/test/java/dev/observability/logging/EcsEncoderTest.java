package dev.observability.logging;

import static dev.observability.logging.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.scrub.Scrubber;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class EcsEncoderTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private static EcsEncoder encoder(Scrubber scrubber) {
    EcsEncoder encoder = new EcsEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.setServiceName("orders");
    encoder.setServiceEnvironment("test");
    encoder.setServiceVersion("1.2.3");
    encoder.setScrubber(scrubber);
    encoder.start();
    return encoder;
  }

  private static JsonNode encode(LoggingEvent event) {
    return JsonLines.parse(encoder(new FakeScrubber()).encode(event));
  }

  private static List<String> keys(JsonNode node) {
    List<String> keys = new ArrayList<>();
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      keys.add(it.next());
    }
    return keys;
  }

  @Test
  void encode_simpleEvent_followsTheEcsLoggingSpec() {
    JsonNode line = encode(event().message("order {} created", 42).build());

    // The spec's required fields, and its order for the first three.
    assertThat(keys(line)).startsWith("@timestamp", "log.level", "message");
    assertThat(line.get("@timestamp").asText()).isEqualTo("2026-11-26T07:33:00.123Z");
    assertThat(line.get("log.level").asText()).isEqualTo("INFO");
    assertThat(line.get("message").asText()).isEqualTo("order 42 created");
    assertThat(line.get("ecs.version").asText()).isEqualTo("8.11.0");
    assertThat(line.get("service.name").asText()).isEqualTo("orders");
    assertThat(line.get("service.version").asText()).isEqualTo("1.2.3");
    assertThat(line.get("service.environment").asText()).isEqualTo("test");
    assertThat(line.get("event.dataset").asText()).isEqualTo("orders.log");
    assertThat(line.get("process.thread.name").asText()).isEqualTo("main");
    assertThat(line.get("log.logger").asText()).isEqualTo("com.example.Orders");
    assertThat(line.has("labels")).isFalse();
    assertThat(line.has("trace.id")).isFalse();
  }

  @Test
  void encode_correlationIds_becomeEcsTracingAndHttpRequestFields() {
    JsonNode line =
        encode(
            event()
                .mdc("trace_id", TRACE)
                .mdc("span_id", SPAN)
                .mdc("request_id", "req-1")
                .mdc("transaction.id", "aaaaaaaaaaaaaaa1")
                .build());

    assertThat(line.get("trace.id").asText()).isEqualTo(TRACE);
    assertThat(line.get("span.id").asText()).isEqualTo(SPAN);
    assertThat(line.get("transaction.id").asText()).isEqualTo("aaaaaaaaaaaaaaa1");
    assertThat(line.get("http.request.id").asText()).isEqualTo("req-1");
    assertThat(line.has("labels")).as("ids are not repeated as labels").isFalse();
  }

  @Test
  void encode_elasticAgentMdcNames_areTakenAsTheTracingFields() {
    JsonNode line = encode(event().mdc("trace.id", TRACE).mdc("span.id", SPAN).build());

    assertThat(line.get("trace.id").asText()).isEqualTo(TRACE);
    assertThat(line.get("span.id").asText()).isEqualTo(SPAN);
    assertThat(line.has("labels")).isFalse();
  }

  @Test
  void encode_accessLine_mapsToHttpUrlAndEventFields() {
    JsonNode line =
        encode(
            event(LogVolumeFilter.ACCESS_LOGGER)
                .level(Level.WARN)
                .message("request completed")
                .mdc("trace_id", TRACE)
                .mdc("span_id", SPAN)
                .kv("method", "GET")
                .kv("path", "/api/users/1?token=abc&page=2")
                .kv("route", "/api/users/{id}")
                .kv("status", 503)
                .kv("duration_ms", 12.345)
                .kv("sentry_event_id", "0123456789abcdef")
                .kv("error", "java.lang.IllegalStateException")
                .build());

    assertThat(line.get("http.request.method").asText()).isEqualTo("GET");
    assertThat(line.get("url.path").asText()).isEqualTo("/api/users/1");
    assertThat(line.get("url.query").asText()).isEqualTo("token=abc&page=2");
    assertThat(line.get("http.response.status_code").asInt()).isEqualTo(503);
    assertThat(line.get("event.duration").asLong()).isEqualTo(12_345_000L);
    assertThat(line.get("event.outcome").asText()).isEqualTo("failure");
    assertThat(line.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
    // The access line's span is the request's server span: Elastic's transaction.
    assertThat(line.get("transaction.id").asText()).isEqualTo(SPAN);
    assertThat(line.get("labels").get("route").asText()).isEqualTo("/api/users/{id}");
    assertThat(line.get("labels").get("sentry_event_id").asText()).isEqualTo("0123456789abcdef");
    assertThat(line.get("labels").has("status")).isFalse();
  }

  @Test
  void encode_keyValuesAndMdc_goUnderLabelsAsStringsWithEcsKeys() {
    JsonNode line =
        encode(
            event()
                .kv("order.id", "ORD-1")
                .kv("amount", 99.99)
                .kv("express", true)
                .kv("items*", 3)
                .kv("nothing", null)
                .mdc("tenant", "acme")
                .mdc("order.id", "from the MDC")
                .build());

    JsonNode labels = line.get("labels");
    assertThat(keys(labels)).containsExactly("order_id", "amount", "express", "items_", "tenant");
    assertThat(labels.get("order_id").asText()).as("key-value wins").isEqualTo("ORD-1");
    assertThat(labels.get("amount").isTextual()).isTrue();
    assertThat(labels.get("amount").asText()).isEqualTo("99.99");
    assertThat(labels.get("express").asText()).isEqualTo("true");
    assertThat(labels.get("tenant").asText()).isEqualTo("acme");
  }

  @Test
  void encode_exception_givesErrorFieldsRootCauseFirst() {
    IllegalStateException error =
        new IllegalStateException("cannot load user", new RuntimeException("connection refused"));
    JsonNode line = encode(event().level(Level.ERROR).thrown(error).build());

    assertThat(line.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.get("error.message").asText()).isEqualTo("cannot load user");
    assertThat(line.get("error.stack_trace").asText())
        .startsWith("java.lang.RuntimeException: connection refused")
        .contains("Wrapped by: java.lang.IllegalStateException: cannot load user");
    assertThat(line.get("labels").get("error_fingerprint").asText())
        .isEqualTo(dev.observability.ErrorFingerprint.of(error));
  }

  @Test
  void encode_secretsAreScrubbedInEveryField() {
    byte[] bytes =
        encoder(new FakeScrubber())
            .encode(
                event()
                    .message("login hunter2")
                    .kv("password", 12345)
                    .kv("note", "pw hunter2")
                    .mdc("api_key", "k-123")
                    .thrown(new IllegalStateException("bad hunter2"))
                    .build());
    String text = new String(bytes, StandardCharsets.UTF_8);
    JsonNode line = JsonLines.parse(bytes);

    assertThat(text).doesNotContain("hunter2").doesNotContain("12345").doesNotContain("k-123");
    assertThat(line.get("labels").get("password").asText()).isEqualTo(FakeScrubber.MASK);
    assertThat(line.get("labels").get("api_key").asText()).isEqualTo(FakeScrubber.MASK);
  }

  @Test
  void encode_tooLargeEvent_isCutWithinTheCapAndTagged() {
    EcsEncoder encoder = encoder(new FakeScrubber());
    encoder.setMaxEventSize(2048);
    encoder.start();
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 2000; i++) {
      big.append("line\n\"é");
    }
    byte[] bytes =
        encoder.encode(
            event()
                .message(big.toString())
                .mdc("trace_id", TRACE)
                .kv("payload", big.toString())
                .thrown(new IllegalStateException(big.toString()))
                .build());
    JsonNode line = JsonLines.parse(bytes);

    assertThat(bytes.length).isLessThanOrEqualTo(2048);
    assertThat(line.get("tags").get(0).asText()).isEqualTo("truncated");
    assertThat(line.get("trace.id").asText()).isEqualTo(TRACE);
    assertThat(line.get("error.type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.get("message").asText()).startsWith("line\n\"é");
  }

  @Test
  void encode_brokenEvent_writesAMinimalLineTaggedAndCounted() {
    EcsEncoder encoder = encoder(new FakeScrubber());
    LoggingEvent broken =
        new LoggingEvent() {
          @Override
          public String getFormattedMessage() {
            throw new IllegalStateException("broken");
          }
        };
    broken.setLevel(Level.INFO);
    broken.setLoggerName("com.example.Broken");
    broken.setTimeStamp(TestEvents.TIME);
    long before = dev.observability.logging.internal.LogCounters.ENCODE_FAILURES.sum();

    JsonNode line = JsonLines.parse(encoder.encode(broken));

    assertThat(line.get("tags").get(0).asText()).isEqualTo("encoding_error");
    assertThat(line.get("log.logger").asText()).isEqualTo("com.example.Broken");
    assertThat(line.get("message").asText()).contains("IllegalStateException");
    assertThat(encoder.getFailureCount()).isEqualTo(1);
    assertThat(dev.observability.logging.internal.LogCounters.ENCODE_FAILURES.sum())
        .isEqualTo(before + 1);
  }

  @Test
  void sameEvent_sharesEveryCoreFieldWithElasticsEcsEncoder() {
    co.elastic.logging.logback.EcsEncoder elastic = new co.elastic.logging.logback.EcsEncoder();
    elastic.setContext(TestEvents.CONTEXT);
    elastic.setServiceName("orders");
    elastic.setServiceVersion("1.2.3");
    elastic.setServiceEnvironment("test");
    elastic.start();
    LoggingEvent event =
        event()
            .level(Level.ERROR)
            .message("payment {} failed", "P-1")
            .mdc("tenant", "acme")
            .thrown(new IllegalStateException("declined"))
            .build();

    JsonNode theirs = JsonLines.parse(elastic.encode(event));
    JsonNode ours = JsonLines.parse(encoder(Scrubber.defaults()).encode(event));

    for (String field :
        List.of(
            "@timestamp",
            "log.level",
            "message",
            "service.name",
            "service.version",
            "service.environment",
            "process.thread.name",
            "log.logger",
            "error.type",
            "error.message")) {
      assertThat(ours.get(field)).as(field).isEqualTo(theirs.get(field));
    }
    assertThat(keys(ours)).startsWith("@timestamp", "log.level", "message");
    assertThat(keys(theirs)).startsWith("@timestamp", "log.level", "message");
    // Where the two differ, as docs/logging.md says: the MDC entry (theirs at top level, ours
    // under labels), event.dataset (the spec's <service>.log) and the ECS version.
    assertThat(theirs.get("tenant").asText()).isEqualTo("acme");
    assertThat(ours.get("labels").get("tenant").asText()).isEqualTo("acme");
    assertThat(theirs.get("event.dataset").asText()).isEqualTo("orders");
    assertThat(ours.get("event.dataset").asText()).isEqualTo("orders.log");
    assertThat(theirs.get("error.stack_trace").asText())
        .startsWith("java.lang.IllegalStateException: declined");
    assertThat(ours.get("error.stack_trace").asText())
        .startsWith("java.lang.IllegalStateException: declined");
  }

  @Test
  void encode_withoutServiceSettings_usesTheUnknownServiceBeforeAnInstanceRuns() {
    EcsEncoder encoder = new EcsEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.start();

    JsonNode line = JsonLines.parse(encoder.encode(event().build()));

    assertThat(line.get("service.name").asText()).isEqualTo("unknown_service:java");
    assertThat(line.get("event.dataset").asText()).isEqualTo("unknown_service:java.log");
  }
}
