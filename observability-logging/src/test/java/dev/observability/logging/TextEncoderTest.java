package dev.observability.logging;

import static dev.observability.logging.TestEvents.event;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TextEncoderTest {

  private final TextEncoder encoder = encoder();

  private static TextEncoder encoder() {
    TextEncoder encoder = new TextEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.setScrubber(new FakeScrubber());
    encoder.start();
    return encoder;
  }

  private String encode(TestEvents event) {
    return new String(encoder.encode(event.build()), StandardCharsets.UTF_8);
  }

  @Test
  void encode_writesTimeLevelThreadLoggerMessageFieldsAndIds() {
    String line =
        encode(
            event()
                .level(Level.WARN)
                .message("order {} late", 7)
                .kv("order_id", 7)
                .mdc("tenant", "acme")
                .mdc("trace_id", "t1")
                .mdc("span_id", "s1")
                .mdc("request_id", "r1"));

    assertThat(line)
        .isEqualTo(
            "2026-11-26T07:33:00.123Z WARN  [main] com.example.Orders - order 7 late order_id=7"
                + " tenant=acme trace_id=t1 span_id=s1 request_id=r1\n");
  }

  @Test
  void encode_messageWithLineBreaks_staysOneLine_andSecretsAreScrubbed() {
    String line =
        encode(event().message("a\nb\r\nhunter2").kv("password", "x").mdc("user_token", "y"));

    assertThat(line).endsWith("\n").containsOnlyOnce("\n");
    assertThat(line).contains("a\\nb\\r\\n[MASKED]", "password=[MASKED]", "user_token=[MASKED]");
  }

  @Test
  void encode_exception_rootCauseFirstOnFollowingLines() {
    String text =
        encode(
            event()
                .level(Level.ERROR)
                .thrown(new IllegalStateException("outer", new IllegalArgumentException("root"))));

    String[] lines = text.split("\n");
    assertThat(lines[1]).isEqualTo("java.lang.IllegalArgumentException: root");
    assertThat(text).contains("Wrapped by: java.lang.IllegalStateException: outer");
  }
}
