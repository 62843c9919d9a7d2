package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads encoder output back strictly: valid UTF-8, one line, one JSON object, no duplicate keys.
 */
final class JsonLines {

  static final ObjectMapper MAPPER =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private JsonLines() {}

  /** Parses one encoded event, asserting it is exactly one line of valid UTF-8 JSON. */
  static JsonNode parse(byte[] line) {
    assertThat(line).isNotEmpty();
    assertThat(line[line.length - 1]).as("ends with a newline").isEqualTo((byte) '\n');
    for (int i = 0; i < line.length - 1; i++) {
      assertThat(line[i]).as("no raw CR or LF inside the line").isNotIn((byte) '\n', (byte) '\r');
    }
    String text = decodeStrict(line);
    try {
      JsonNode node = MAPPER.readTree(text);
      assertThat(node.isObject()).as("a JSON object: %s", text).isTrue();
      return node;
    } catch (IOException e) {
      throw new AssertionError("not valid JSON: " + text, e);
    }
  }

  /** Parses every line of {@code output}. */
  static List<JsonNode> parseAll(String output) {
    List<JsonNode> nodes = new ArrayList<>();
    for (String line : output.split("\n")) {
      if (!line.isEmpty()) {
        nodes.add(parse((line + "\n").getBytes(StandardCharsets.UTF_8)));
      }
    }
    return nodes;
  }

  static String decodeStrict(byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new UncheckedIOException("not valid UTF-8", e);
    }
  }
}
