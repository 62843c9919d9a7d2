package dev.observability.logging;

import static dev.observability.logging.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class HostileInputTest {

  private static final int CAP = JsonEncoder.DEFAULT_MAX_EVENT_SIZE;
  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

  private final JsonEncoder encoder = TestEvents.encoder(new FakeScrubber());

  private JsonNode encodeWithinCap(TestEvents event) {
    byte[] out = encoder.encode(event.build());
    assertThat(out.length).isLessThanOrEqualTo(CAP);
    return JsonLines.parse(out);
  }

  @Test
  void message_withLineBreaksQuotesAndBackslashes_roundTripsOnOneLine() {
    String hostile = "line1\nline2\r\nfake {\"level\":\"ERROR\"} \\ \" end";

    JsonNode line = encodeWithinCap(event().message(hostile));

    assertThat(line.get("message").asText()).isEqualTo(hostile);
    assertThat(line.get("level").asText()).isEqualTo("INFO");
  }

  @Test
  void message_everyControlCharacter_isEscapedAndRoundTrips() {
    StringBuilder sb = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      sb.append(c);
    }
    sb.append('\u007f').append('\u2028').append('\u2029').append('\u0085');
    String hostile = sb.toString();

    byte[] out = encoder.encode(event().message(hostile).build());
    JsonNode line = JsonLines.parse(out);

    assertThat(line.get("message").asText()).isEqualTo(hostile);
    String raw = JsonLines.decodeStrict(out);
    assertThat(raw).contains("\\u2028", "\\u2029", "\\u0000", "\\n", "\\r", "\\t");
    assertThat(raw.indexOf('\u2028')).isEqualTo(-1);
  }

  @Test
  void message_loneSurrogates_becomeReplacementCharacter_emojiSurvives() {
    String hostile = "a\uD800b\uDC00c\uDC00\uD800d 😀 é 中";

    JsonNode line = encodeWithinCap(event().message(hostile));

    assertThat(line.get("message").asText()).isEqualTo("a\uFFFDb\uFFFDc\uFFFD\uFFFDd 😀 é 中");
  }

  @Test
  void keysWithHostileCharacters_areEscaped_andLoneSurrogateKeysNeverCollide() {
    JsonNode line =
        encodeWithinCap(
            event().kv("we\"ird\nkey", 1).kv("k\uD800", 2).kv("k\uFFFD", 3).mdc("m\\d\tc", "v"));

    assertThat(line.get("we\"ird\nkey").asInt()).isEqualTo(1);
    assertThat(line.get("k\uFFFD").asInt()).isEqualTo(2);
    assertThat(line.get("kv_k\uFFFD").asInt()).isEqualTo(3);
    assertThat(line.get("m\\d\tc").asText()).isEqualTo("v");
  }

  @Test
  void oneMegabyteMessage_isCutWithinCap_markedTruncated_idsIntact() {
    String huge = "x".repeat(1 << 20);

    JsonNode line =
        encodeWithinCap(event().message(huge).mdc("trace_id", TRACE_ID).mdc("request_id", "req-1"));

    assertThat(line.get("truncated").asBoolean()).isTrue();
    assertThat(line.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(line.get("request_id").asText()).isEqualTo("req-1");
    assertThat(line.get("message").asText()).startsWith("xxxx").hasSizeGreaterThan(CAP / 2);
  }

  @Test
  void oneMegabyteOfMultibyteText_isCutOnCharacterBoundaries() {
    String huge = "é😀中\u2028\"".repeat(200_000);

    byte[] out = encoder.encode(event().message(huge).build());

    assertThat(out.length).isLessThanOrEqualTo(CAP);
    JsonNode line = JsonLines.parse(out); // strict UTF-8 decoding inside
    assertThat(line.get("truncated").asBoolean()).isTrue();
  }

  @Test
  void exceptionWith500FramesAnd20Causes_staysWithinCap() {
    Throwable t = deep(new IllegalStateException("root cause"), 500);
    for (int i = 1; i <= 20; i++) {
      t = deep(new RuntimeException("wrapper " + i, t), 500);
    }

    JsonNode line = encodeWithinCap(event().level(Level.ERROR).message("failed").thrown(t));

    JsonNode ex = line.get("exception");
    assertThat(ex.get("type").asText()).isEqualTo("java.lang.RuntimeException");
    assertThat(ex.get("message").asText()).isEqualTo("wrapper 20");
    assertThat(ex.get("stacktrace").asText())
        .startsWith("java.lang.IllegalStateException: root cause\n")
        .hasSizeLessThanOrEqualTo(JsonEncoder.DEFAULT_MAX_STACK_TRACE_LENGTH);
    assertThat(line.get("message").asText()).isEqualTo("failed");
  }

  @Test
  void hugeEverything_cutsStackTraceFirstThenMessageThenFields() {
    Throwable t = deep(new IllegalStateException("m".repeat(100_000)), 2000);
    TestEvents e =
        event()
            .message("y".repeat(100_000))
            .thrown(t)
            .mdc("trace_id", TRACE_ID)
            .mdc("span_id", "00f067aa0ba902b7");
    for (int i = 0; i < 2000; i++) {
      e.kv("key" + i, "v".repeat(100));
    }

    JsonNode line = encodeWithinCap(e);

    assertThat(line.get("truncated").asBoolean()).isTrue();
    assertThat(line.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(line.get("span_id").asText()).isEqualTo("00f067aa0ba902b7");
    assertThat(line.get("exception").get("type").asText())
        .isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void fieldsAreCutBeforeMessageWhenOnlyFieldsAreLarge() {
    TestEvents e = event().message("keep me");
    for (int i = 0; i < 500; i++) {
      e.kv("key" + i, "v".repeat(100));
    }

    JsonNode line = encodeWithinCap(e);

    assertThat(line.get("truncated").asBoolean()).isTrue();
    assertThat(line.get("message").asText()).isEqualTo("keep me");
    assertThat(line.get("key0").asText()).hasSize(100);
    assertThat(line.has("key499")).isFalse();
  }

  @Test
  void hugeThreadAndLoggerNames_fallBackToMinimalLineWithinCap() {
    JsonNode line =
        encodeWithinCap(
            TestEvents.event("l".repeat(50_000))
                .thread("t".repeat(50_000))
                .mdc("trace_id", TRACE_ID));

    assertThat(line.get("truncated").asBoolean()).isTrue();
    assertThat(line.get("trace_id").asText()).isEqualTo(TRACE_ID);
    assertThat(line.get("logger").asText()).startsWith("lll");
  }

  @Test
  void tenThousandMdcEntries_stayWithinCap() {
    TestEvents e = event();
    for (int i = 0; i < 10_000; i++) {
      e.mdc("mdc-key-" + i, "value-" + i);
    }

    JsonNode line = encodeWithinCap(e);

    assertThat(line.get("truncated").asBoolean()).isTrue();
  }

  @Test
  void smallestCap_isHonouredForEveryHostileShape() {
    JsonEncoder small = new JsonEncoder();
    small.setContext(TestEvents.CONTEXT);
    small.setScrubber(new FakeScrubber());
    small.setService("s".repeat(255));
    small.setMaxEventSize(2048);
    small.start();
    TestEvents e =
        TestEvents.event("l".repeat(5000))
            .thread("t".repeat(5000))
            .message("m".repeat(5000))
            .mdc("request_id", "r".repeat(5000))
            .mdc("trace_id", "x".repeat(5000))
            .thrown(new IllegalStateException("e".repeat(5000)));

    byte[] out = small.encode(e.build());

    assertThat(out.length).isLessThanOrEqualTo(2048);
    assertThat(JsonLines.parse(out).get("truncated").asBoolean()).isTrue();
  }

  /** Wraps {@code t}'s stack in {@code frames} synthetic frames. */
  private static <T extends Throwable> T deep(T t, int frames) {
    StackTraceElement[] stack = new StackTraceElement[frames];
    for (int i = 0; i < frames; i++) {
      stack[i] =
          new StackTraceElement("com.example.Deep" + (i % 7), "call" + i, "Deep.java", i + 1);
    }
    t.setStackTrace(stack);
    return t;
  }
}
