package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.logging.internal.JsonBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
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

  private static String escaped(JsonBuffer buffer, String s, int maxBytes, boolean stable) {
    buffer.reset();
    if (stable) {
      buffer.writeEscapedStable(s, maxBytes);
    } else {
      buffer.writeEscaped(s, maxBytes);
    }
    return new String(buffer.toByteArray(), StandardCharsets.UTF_8);
  }

  private static String escapedRecent(JsonBuffer buffer, String s, int slot, int maxBytes) {
    buffer.reset();
    buffer.writeEscapedRecent(s, slot, maxBytes);
    return new String(buffer.toByteArray(), StandardCharsets.UTF_8);
  }

  @Test
  void writeEscapedRecent_repeatedChangedOrCut_writesWhatWriteEscapedWrites() {
    String[] values = {
      "4bf92f3577b34da6a3ce929d0e0e4736",
      "00f067aa0ba902b7",
      "6adc477a-7b37-4b0b-bc9a-715a4ba060db",
      "req \"quoted\"\n\u2028 caf\u00e9 \ud83d\ude00 lone \ud800",
      "z".repeat(64),
      "z".repeat(65),
      ""
    };
    JsonBuffer recent = new JsonBuffer();
    JsonBuffer plain = new JsonBuffer();
    // Each value under each slot, twice in a row (a miss, then a hit unless cut or too long), at
    // every bound, and the slots interleaved so that each keeps its own value.
    for (int pass = 0; pass < 2; pass++) {
      for (String value : values) {
        for (int slot : new int[] {JsonBuffer.RECENT_TRACE_ID, JsonBuffer.RECENT_REQUEST_ID}) {
          for (int max : new int[] {Integer.MAX_VALUE, 64, 40, 17, 3, 0, Integer.MAX_VALUE}) {
            for (int repeat = 0; repeat < 2; repeat++) {
              assertThat(escapedRecent(recent, value, slot, max))
                  .as("%s in slot %d, at most %d bytes", value, slot, max)
                  .isEqualTo(escaped(plain, value, max, false));
            }
          }
        }
      }
    }
    // The same text in another instance: written alike.
    String copy = new String(values[0].toCharArray());
    escapedRecent(recent, values[0], JsonBuffer.RECENT_SPAN_ID, Integer.MAX_VALUE);
    assertThat(escapedRecent(recent, copy, JsonBuffer.RECENT_SPAN_ID, Integer.MAX_VALUE))
        .isEqualTo(values[0]);
  }

  @Test
  void writeEscapedStable_remembered_forgottenOrCut_writesWhatWriteEscapedWrites() {
    List<String> names = new ArrayList<>();
    names.add("qtp1360657223-25");
    names.add("dev.observability.access");
    names.add("tab\there \"quoted\" back\\slash \u2028 line");
    names.add("caf\u00e9 \ud83d\ude00 lone \ud800 end");
    names.add("x".repeat(191) + "\n");
    names.add("y".repeat(300));
    for (int i = 0; i < 12; i++) {
      names.add("worker-" + i);
    }
    JsonBuffer stable = new JsonBuffer();
    JsonBuffer plain = new JsonBuffer();
    // Several passes: misses, hits, and names forgotten in turn (more names than slots).
    for (int pass = 0; pass < 3; pass++) {
      for (String name : names) {
        for (int max : new int[] {Integer.MAX_VALUE, 200, 12, 3, 0}) {
          assertThat(escaped(stable, name, max, true))
              .as("%s, at most %d bytes", name, max)
              .isEqualTo(escaped(plain, name, max, false));
        }
      }
    }
    // The same text in another instance (a renamed thread): written alike, never mixed up.
    String renamed = new String("qtp1360657223-25".toCharArray());
    assertThat(escaped(stable, renamed, Integer.MAX_VALUE, true)).isEqualTo("qtp1360657223-25");
    assertThat(escaped(stable, "qtp1360657223-26", Integer.MAX_VALUE, true))
        .isEqualTo("qtp1360657223-26");
  }
}
