package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.logging.internal.JsonBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonBufferTest {

  private static String written(JsonBuffer buffer, double value) {
    buffer.reset();
    buffer.writeDouble(value);
    return new String(buffer.toByteArray(), StandardCharsets.US_ASCII);
  }

  @Test
  void writeDouble_millisecondsRoundedToMicroseconds_printedAsJavaPrintsThem() {
    JsonBuffer buffer = new JsonBuffer();
    for (long micros = 0; micros <= 2_000_000; micros++) {
      double value = micros / 1_000.0;
      assertThat(written(buffer, value)).isEqualTo(Double.toString(value));
    }
    for (long micros = 2_000_000; micros <= 100_000_000; micros += 997) {
      double value = micros / 1_000.0;
      assertThat(written(buffer, value)).isEqualTo(Double.toString(value));
    }
  }

  @Test
  void writeDouble_otherValues_printedAsJavaPrintsThem() {
    JsonBuffer buffer = new JsonBuffer();
    double[] values = {
      -0.0,
      -1.5,
      -0.001,
      0.1 + 0.2,
      1.0E-4,
      0.0005,
      1.0E-10,
      99_999.999,
      100_000.0,
      100_000.001,
      123_456.789,
      1.0E7,
      1.0E23,
      Double.MIN_VALUE,
      Double.MAX_VALUE,
      Math.PI
    };
    for (double value : values) {
      assertThat(written(buffer, value)).as("%s", value).isEqualTo(Double.toString(value));
    }
  }
}
