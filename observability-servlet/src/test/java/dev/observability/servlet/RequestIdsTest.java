package dev.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.servlet.internal.RequestIds;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RequestIdsTest {

  @Test
  void isSafe_acceptsBoundedTokenCharactersOnly() {
    assertThat(RequestIds.isSafe("abc-DEF_123.x")).isTrue();
    assertThat(RequestIds.isSafe("a".repeat(128))).isTrue();
    assertThat(RequestIds.isSafe("a".repeat(129))).isFalse();
    assertThat(RequestIds.isSafe("")).isFalse();
    assertThat(RequestIds.isSafe(null)).isFalse();
    assertThat(RequestIds.isSafe("abc\r\nSet-Cookie: x=1")).isFalse();
    assertThat(RequestIds.isSafe("a b")).isFalse();
    assertThat(RequestIds.isSafe("ünïcode")).isFalse();
    assertThat(RequestIds.isSafe("{\"json\":1}")).isFalse();
  }

  @Test
  void generate_givesDistinctVersion4Uuids() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String id = RequestIds.generate();
      UUID uuid = UUID.fromString(id);
      assertThat(uuid.version()).isEqualTo(4);
      assertThat(uuid.variant()).isEqualTo(2);
      assertThat(RequestIds.isSafe(id)).isTrue();
      ids.add(id);
    }
    assertThat(ids).hasSize(1000);
  }
}
