package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Whatever the message, keys, values, MDC and exception text, the encoder writes exactly one line
 * of valid UTF-8 JSON within the cap. Runs its seed corpus in regression mode during {@code mvn
 * verify}; set {@code JAZZER_FUZZ=1} to fuzz.
 */
class JsonEncoderFuzzTest {

  private static final JsonEncoder ENCODER = encoder();

  private static JsonEncoder encoder() {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(TestEvents.CONTEXT);
    encoder.setScrubber(new FakeScrubber());
    encoder.setService("fuzz");
    encoder.setMaxEventSize(2048);
    encoder.start();
    return encoder;
  }

  @FuzzTest(maxDuration = "10s")
  void encode_anyInput_isOneValidJsonLineWithinCap(FuzzedDataProvider data) {
    TestEvents event =
        TestEvents.event(data.consumeString(200))
            .thread(data.consumeString(100))
            .level(
                data.pickValue(
                    new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR}));
    int fields = data.consumeInt(0, 8);
    for (int i = 0; i < fields; i++) {
      String key = data.consumeString(40);
      switch (data.consumeInt(0, 4)) {
        case 0 -> event.kv(key, data.consumeString(300));
        case 1 -> event.kv(key, data.consumeLong());
        case 2 -> event.kv(key, data.consumeDouble());
        case 3 -> event.kv(key, data.consumeBoolean() ? null : Boolean.TRUE);
        default -> event.mdc(key, data.consumeString(300));
      }
    }
    if (data.consumeBoolean()) {
      Exception cause = new IllegalStateException(data.consumeString(500));
      event.thrown(new RuntimeException(data.consumeString(500), cause));
    }
    event.message(data.consumeRemainingAsString());
    LoggingEvent built = event.build();

    byte[] line = ENCODER.encode(built);

    assertThat(line.length).isLessThanOrEqualTo(2048);
    JsonLines.parse(line);
    assertThat(ENCODER.getFailureCount()).isZero();
  }
}
