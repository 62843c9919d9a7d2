package dev.observability.logging;

import static dev.observability.logging.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyVO;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.ErrorFingerprint;
import dev.observability.logging.internal.Fingerprints;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.lang.reflect.Proxy;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JsonEncoderTest {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";

  private final JsonEncoder encoder = TestEvents.encoder(new FakeScrubber());

  private JsonNode encode(TestEvents event) {
    return JsonLines.parse(encoder.encode(event.build()));
  }

  @Test
  void encode_plainEvent_writesContractFieldsWithTypes() {
    JsonNode line = encode(event().message("order {} created", 42).thread("worker-1"));

    assertThat(line.get("timestamp").asText()).isEqualTo("2026-11-26T07:33:00.123Z");
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("message").asText()).isEqualTo("order 42 created");
    assertThat(line.get("logger").asText()).isEqualTo("com.example.Orders");
    assertThat(line.get("thread").asText()).isEqualTo("worker-1");
    assertThat(line.get("service").asText()).isEqualTo("orders");
    assertThat(line.get("environment").asText()).isEqualTo("test");
    assertThat(line.get("version").asText()).isEqualTo("1.2.3");
    assertThat(line.has("trace_id")).isFalse();
    assertThat(line.has("span_id")).isFalse();
    assertThat(line.has("request_id")).isFalse();
    assertThat(line.has("exception")).isFalse();
    assertThat(line.has("truncated")).isFalse();
    assertThat(line.has("module")).isFalse();
  }

  @Test
  void encode_timestamps_areIsoUtcWithMillisecondsAcrossDays() {
    long[] times = {0L, 951_782_400_000L, 4_102_444_799_999L, 1_709_164_800_001L};
    for (long time : times) {
      LoggingEvent e = event().build();
      e.setTimeStamp(time);
      String expected = java.time.Instant.ofEpochMilli(time).toString();
      if (expected.length() == 20) { // Instant omits .000
        expected = expected.substring(0, 19) + ".000Z";
      }
      assertThat(JsonLines.parse(encoder.encode(e)).get("timestamp").asText()).isEqualTo(expected);
    }
  }

  @Test
  void encode_levels_areNamed() {
    for (Level level : List.of(Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR)) {
      assertThat(encode(event().level(level)).get("level").asText()).isEqualTo(level.toString());
    }
  }

  @Test
  void encode_keyValues_keepJsonTypes() {
    JsonNode line =
        encode(
            event()
                .kv("order_id", "ORD-1")
                .kv("amount", 99.99)
                .kv("items", 3)
                .kv("big", new BigInteger("123456789012345678901234567890"))
                .kv("price", new BigDecimal("10.50"))
                .kv("express", true)
                .kv("coupon", null)
                .kv("nan", Double.NaN)
                .kv("list", List.of(1, 2)));

    assertThat(line.get("order_id").isTextual()).isTrue();
    assertThat(line.get("amount").isDouble()).isTrue();
    assertThat(line.get("amount").asDouble()).isEqualTo(99.99);
    assertThat(line.get("items").isInt()).isTrue();
    assertThat(line.get("items").asInt()).isEqualTo(3);
    assertThat(line.get("big").isBigInteger()).isTrue();
    assertThat(line.get("price").isNumber()).isTrue();
    assertThat(line.get("express").isBoolean()).isTrue();
    assertThat(line.get("coupon").isNull()).isTrue();
    assertThat(line.get("nan").asText()).isEqualTo("NaN");
    assertThat(line.get("list").asText()).isEqualTo("[1, 2]");
  }

  @Test
  void encode_mdcEntries_atTopLevel() {
    JsonNode line = encode(event().mdc("tenant", "acme").mdc("region", "eu"));

    assertThat(line.get("tenant").asText()).isEqualTo("acme");
    assertThat(line.get("region").asText()).isEqualTo("eu");
  }

  @Test
  void encode_reservedKeyValue_keptUnderPrefixNeverOverwrites() {
    JsonNode line =
        encode(
            event().message("real").kv("message", "fake").kv("level", "DEBUG").mdc("thread", "x"));

    assertThat(line.get("message").asText()).isEqualTo("real");
    assertThat(line.get("kv_message").asText()).isEqualTo("fake");
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("kv_level").asText()).isEqualTo("DEBUG");
    assertThat(line.get("thread").asText()).isEqualTo("main");
    assertThat(line.get("mdc_thread").asText()).isEqualTo("x");
  }

  @Test
  void encode_keysNamedAsTheAccessLinesOwn_givenTwiceAndInTheMdc_laterOnesPrefixed() {
    JsonNode line =
        encode(
            event()
                .kv("method", "first")
                .kv("method", "second")
                .kv("status", 7)
                .mdc("method", "from-mdc")
                .mdc("duration_ms", "slow"));

    assertThat(line.get("method").asText()).isEqualTo("first");
    assertThat(line.get("kv_method").asText()).isEqualTo("second");
    assertThat(line.get("status").asInt()).isEqualTo(7);
    assertThat(line.get("mdc_method").asText()).isEqualTo("from-mdc");
    assertThat(line.get("duration_ms").asText()).isEqualTo("slow");
  }

  @Test
  void encode_sameKeyInKeyValuesAndMdc_keyValueWinsMdcPrefixed() {
    JsonNode line = encode(event().kv("tenant", "from-kv").mdc("tenant", "from-mdc"));

    assertThat(line.get("tenant").asText()).isEqualTo("from-kv");
    assertThat(line.get("mdc_tenant").asText()).isEqualTo("from-mdc");
  }

  @Test
  void encode_duplicateKeyValues_secondPrefixedThirdDropped() {
    byte[] out = encoder.encode(event().kv("a", 1).kv("a", 2).kv("a", 3).build());
    JsonNode line = JsonLines.parse(out); // strict duplicate detection

    assertThat(line.get("a").asInt()).isEqualTo(1);
    assertThat(line.get("kv_a").asInt()).isEqualTo(2);
  }

  @Test
  void encode_idsFromMdc_whenHandlerSetThem() {
    JsonNode line =
        encode(
            event().mdc("trace_id", TRACE_ID).mdc("span_id", SPAN_ID).mdc("request_id", "req-7"));

    assertThat(line.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(line.get("span_id").asText()).isEqualTo(SPAN_ID);
    assertThat(line.get("request_id").asText()).isEqualTo("req-7");
    assertThat(line.has("mdc_trace_id")).isFalse();
  }

  @Test
  void encode_idsFromCurrentSpan_whenMdcHasNone() {
    Span span =
        Span.wrap(
            SpanContext.create(
                TRACE_ID, SPAN_ID, TraceFlags.getDefault(), TraceState.getDefault()));
    JsonNode line = TestEvents.inSpan(span, () -> encode(event()));

    assertThat(line.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(line.get("span_id").asText()).isEqualTo(SPAN_ID);
    assertThat(encode(event()).has("trace_id")).isFalse();
  }

  @Test
  void encode_exception_typeMessageAndRootCauseFirstTrace() {
    Exception root = new IllegalArgumentException("bad id");
    Exception wrapper = new IllegalStateException("cannot load user", root);

    JsonNode ex = encode(event().level(Level.ERROR).thrown(wrapper)).get("exception");

    assertThat(ex.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(ex.get("message").asText()).isEqualTo("cannot load user");
    String trace = ex.get("stacktrace").asText();
    assertThat(trace).startsWith("java.lang.IllegalArgumentException: bad id\n\tat ");
    assertThat(trace).contains("Wrapped by: java.lang.IllegalStateException: cannot load user\n");
    assertThat(trace.indexOf("IllegalArgumentException")).isLessThan(trace.indexOf("Wrapped by"));
    assertThat(trace).containsPattern("\t\\.\\.\\. \\d+ common frames omitted");
    assertThat(trace)
        .contains("JsonEncoderTest.encode_exception_typeMessageAndRootCauseFirstTrace");
  }

  @Test
  void encode_exception_carriesTheRootCausesFingerprint_fromTheThrowableOrItsDescription() {
    Exception root = new IllegalArgumentException("bad id 17");
    Exception wrapper = new IllegalStateException("cannot load user", root);

    JsonNode ex = encode(event().level(Level.ERROR).thrown(wrapper)).get("exception");

    assertThat(ex.get("fingerprint").asText())
        .isEqualTo(ErrorFingerprint.of(root))
        .isEqualTo(ErrorFingerprint.of(wrapper));
    // An event that holds only the throwable's description (copied, deserialised) agrees.
    ThrowableProxyVO copied = ThrowableProxyVO.build(new ThrowableProxy(wrapper));
    assertThat(Fingerprints.of(copied)).isEqualTo(ErrorFingerprint.of(root));
  }

  @Test
  void encode_exceptionWithoutMessage_omitsMessage() {
    JsonNode ex = encode(event().thrown(new IllegalStateException())).get("exception");

    assertThat(ex.get("type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(ex.has("message")).isFalse();
  }

  @Test
  void encode_suppressed_listedUnderTheirThrowable() {
    Exception main = new RuntimeException("main");
    main.addSuppressed(new IllegalStateException("close failed"));

    String trace = encode(event().thrown(main)).get("exception").get("stacktrace").asText();

    assertThat(trace).contains("\tSuppressed: java.lang.IllegalStateException: close failed\n");
  }

  @Test
  void encode_longCauseChain_keepsRootAndLoggedThrowableAndSaysWhatWasOmitted() {
    Throwable t = new IllegalArgumentException("root");
    for (int i = 1; i <= 30; i++) {
      t = new RuntimeException("level " + i, t);
    }

    String trace = encode(event().thrown(t)).get("exception").get("stacktrace").asText();

    assertThat(trace).startsWith("java.lang.IllegalArgumentException: root\n");
    assertThat(trace).contains("wrapping exceptions omitted");
    assertThat(trace).contains("Wrapped by: java.lang.RuntimeException: level 30\n");
    assertThat(trace).doesNotContain("level 15\n");
  }

  @Test
  void encode_callerDataOff_byDefault_andOnWhenAsked() {
    JsonEncoder withCaller = TestEvents.encoder(new FakeScrubber());
    withCaller.stop();
    withCaller.setCallerData(true);
    withCaller.start();
    LoggingEvent e = event().build();
    e.setCallerData(
        new StackTraceElement[] {
          new StackTraceElement("com.example.Orders", "create", "Orders.java", 42)
        });

    JsonNode line = JsonLines.parse(withCaller.encode(e));

    assertThat(line.get("module").asText()).isEqualTo("com.example.Orders");
    assertThat(line.get("function").asText()).isEqualTo("create");
    assertThat(line.get("line").asInt()).isEqualTo(42);
    assertThat(JsonLines.parse(encoder.encode(e)).has("module")).isFalse();
  }

  @Test
  void encode_scrubsMessageKeyValuesMdcAndExceptionText() {
    Exception error = new IllegalStateException("login failed for hunter2");
    JsonNode line =
        encode(
            event()
                .message("password is {}", "hunter2")
                .kv("note", "hunter2 again")
                .kv("password", "s3cret")
                .kv("api_key", 12345)
                .kv("authorization", true)
                .mdc("session_token", "abc")
                .mdc("user", "hunter2")
                .thrown(error));

    String text = line.toString();
    assertThat(text).doesNotContain("hunter2", "s3cret", "12345", "abc\"");
    assertThat(line.get("password").asText()).isEqualTo(FakeScrubber.MASK);
    assertThat(line.get("api_key").asText()).isEqualTo(FakeScrubber.MASK);
    assertThat(line.get("authorization").asText()).isEqualTo(FakeScrubber.MASK);
    assertThat(line.get("session_token").asText()).isEqualTo(FakeScrubber.MASK);
    assertThat(line.get("exception").get("message").asText()).contains(FakeScrubber.MASK);
  }

  @Test
  void encode_keyValueWhoseToStringThrows_isWrittenAsPlaceholder() {
    Object hostile =
        new Object() {
          @Override
          public String toString() {
            throw new IllegalStateException("boom");
          }
        };

    JsonNode line = encode(event().kv("thing", hostile));

    assertThat(line.get("thing").asText()).contains("toString()").contains("failed");
  }

  @Test
  void encode_failingEvent_writesMinimalLineAndReportsToStatusManager() {
    ILoggingEvent real = event().build();
    ILoggingEvent broken =
        (ILoggingEvent)
            Proxy.newProxyInstance(
                getClass().getClassLoader(),
                new Class<?>[] {ILoggingEvent.class},
                (proxy, method, args) -> {
                  if (method.getName().equals("getThreadName")) {
                    throw new IllegalStateException("broken event");
                  }
                  return method.invoke(real, args);
                });
    int statusesBefore = TestEvents.CONTEXT.getStatusManager().getCount();

    JsonNode line = JsonLines.parse(encoder.encode(broken));

    assertThat(line.get("encoding_error").asBoolean()).isTrue();
    assertThat(line.get("level").asText()).isEqualTo("INFO");
    assertThat(line.get("logger").asText()).isEqualTo("com.example.Orders");
    assertThat(line.get("message").asText()).contains("IllegalStateException");
    assertThat(encoder.getFailureCount()).isEqualTo(1);
    List<Status> statuses =
        new ArrayList<>(TestEvents.CONTEXT.getStatusManager().getCopyOfStatusList());
    assertThat(TestEvents.CONTEXT.getStatusManager().getCount()).isGreaterThan(statusesBefore);
    assertThat(statuses.get(statuses.size() - 1).getMessage()).contains("Could not encode");
  }

  @Test
  void encode_keyValueThatLogs_doesNotCorruptTheOuterLine() {
    Object reentrant =
        new Object() {
          @Override
          public String toString() {
            // An encoder call nested inside the outer one, on the same thread.
            JsonLines.parse(encoder.encode(event().message("inner").build()));
            return "outer-value";
          }
        };

    JsonNode line = encode(event().message("outer").kv("v", reentrant));

    assertThat(line.get("message").asText()).isEqualTo("outer");
    assertThat(line.get("v").asText()).isEqualTo("outer-value");
  }

  @Test
  void encode_withoutExplicitService_usesUnknownBeforeStart() {
    JsonEncoder plain = new JsonEncoder();
    plain.setContext(TestEvents.CONTEXT);
    plain.setScrubber(new FakeScrubber());
    plain.start();

    JsonNode line = JsonLines.parse(plain.encode(event().build()));

    assertThat(line.get("service").asText()).isEqualTo("unknown_service:java");
  }
}
