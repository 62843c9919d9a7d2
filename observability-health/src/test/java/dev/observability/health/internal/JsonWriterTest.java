package dev.observability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class JsonWriterTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static JsonNode roundTrip(String value) throws Exception {
    String text = new JsonWriter(16).beginObject().name("v").value(value).endObject().toString();
    // Through bytes, as the endpoint sends it: the UTF-8 encoding must be valid.
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(text);
    return JSON.readTree(bytes).path("v");
  }

  @Test
  void string_everyControlCharacter_isEscapedAndRoundTrips() throws Exception {
    StringBuilder all = new StringBuilder();
    for (char c = 0; c < 0x20; c++) {
      all.append(c);
    }
    all.append('\u007f').append('\u0085').append('"').append('\\').append('/');

    String written = new JsonWriter(16).value(all.toString()).toString();

    assertThat(written.chars().filter(c -> c < 0x20 || c == 0x7f || c == 0x85)).isEmpty();
    assertThat(written).contains("\\n", "\\r", "\\t", "\\b", "\\f", "\\u0000", "\\u001f");
    assertThat(roundTrip(all.toString()).asText()).isEqualTo(all.toString());
  }

  @Test
  void string_lineAndParagraphSeparators_areEscaped() throws Exception {
    String written = new JsonWriter(16).value("a\u2028b\u2029c").toString();

    assertThat(written).isEqualTo("\"a\\u2028b\\u2029c\"");
    assertThat(roundTrip("a\u2028b\u2029c").asText()).isEqualTo("a\u2028b\u2029c");
  }

  @Test
  void string_loneSurrogates_becomeReplacementCharacter_pairsStayIntact() throws Exception {
    String input = "hi\ud800x\udc00y\ud83d\ude00z\ud83d";

    assertThat(roundTrip(input).asText()).isEqualTo("hi\ufffdx\ufffdy\ud83d\ude00z\ufffd");
  }

  @Test
  void string_plainAndNonAsciiText_isWrittenAsIs() throws Exception {
    String input = "Grüße, 東京 — ok";

    assertThat(new JsonWriter(16).value(input).toString()).isEqualTo("\"" + input + "\"");
    assertThat(roundTrip(input).asText()).isEqualTo(input);
  }

  @Test
  void simpleValues_numbersAndBooleans_areJsonTypes() throws Exception {
    String text =
        new JsonWriter(16)
            .beginObject()
            .name("long")
            .simpleValue(42L)
            .name("double")
            .simpleValue(0.5)
            .name("nan")
            .simpleValue(Double.NaN)
            .name("big")
            .simpleValue(new BigInteger("123456789012345678901234567890"))
            .name("decimal")
            .simpleValue(new BigDecimal("1.25"))
            .name("bool")
            .simpleValue(Boolean.FALSE)
            .name("nested")
            .beginObject()
            .name("x")
            .value("y")
            .endObject()
            .endObject()
            .toString();

    JsonNode node = JSON.readTree(text);
    assertThat(node.path("long").isIntegralNumber()).isTrue();
    assertThat(node.path("long").asLong()).isEqualTo(42L);
    assertThat(node.path("double").asDouble()).isEqualTo(0.5);
    assertThat(node.path("nan").asText()).isEqualTo("NaN");
    assertThat(node.path("big").bigIntegerValue())
        .isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(node.path("decimal").decimalValue()).isEqualByComparingTo("1.25");
    assertThat(node.path("bool").isBoolean()).isTrue();
    assertThat(node.path("nested").path("x").asText()).isEqualTo("y");
  }
}
