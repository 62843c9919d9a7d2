package dev.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigKeyTest {

  enum Protocol {
    HTTP_PROTOBUF,
    GRPC
  }

  @Test
  void names_mapToSystemPropertyAndEnvironmentVariable() {
    ConfigKey<Double> key = ConfigKey.ratio("tracing.sample-ratio", 0.1);
    assertThat(key.systemProperty()).isEqualTo("observability.tracing.sample-ratio");
    assertThat(key.environmentVariable()).isEqualTo("OBSERVABILITY_TRACING_SAMPLE_RATIO");
  }

  @Test
  void badName_isRejectedAtDeclaration() {
    assertThatThrownBy(() -> ConfigKey.string("Bad_Name", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest
  @CsvSource({"500ms,500", "5s,5000", "2m,120000", "1h,3600000", "PT1.5S,1500", "250,250"})
  void duration_acceptsCommonForms(String text, long millis) {
    ConfigKey<Duration> key = ConfigKey.duration("d", Duration.ofSeconds(1), Duration.ofDays(1));
    assertThat(key.parse(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @Test
  void duration_rejectsZeroAndOverMax() {
    ConfigKey<Duration> key = ConfigKey.duration("d", Duration.ofSeconds(1), Duration.ofMinutes(1));
    assertThatThrownBy(() -> key.parse("0s")).hasMessageContaining("positive");
    assertThatThrownBy(() -> key.parse("2m")).hasMessageContaining("at most 60s");
  }

  @Test
  void ratio_rejectsOutOfRangeAndNaN() {
    ConfigKey<Double> key = ConfigKey.ratio("r", 0.1);
    assertThat(key.parse("0.25")).isEqualTo(0.25);
    assertThatThrownBy(() -> key.parse("1.5")).hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> key.parse("NaN")).hasMessageContaining("must be a number");
  }

  @Test
  void enum_matchesCaseAndDashInsensitively() {
    ConfigKey<Protocol> key = ConfigKey.enumValue("p", Protocol.class, Protocol.GRPC);
    assertThat(key.parse("http-protobuf")).isEqualTo(Protocol.HTTP_PROTOBUF);
    assertThatThrownBy(() -> key.parse("udp")).hasMessage("must be one of http_protobuf, grpc");
    assertThat(key.defaultText()).isEqualTo("grpc");
  }

  @Test
  void listsAndMaps_parse() {
    assertThat(ConfigKey.doubleList("b", List.of()).parse("0.01, 0.5,5"))
        .containsExactly(0.01, 0.5, 5.0);
    assertThat(ConfigKey.stringMap("m", Map.of()).parse("a=1, b=x%2Cy"))
        .containsExactly(Map.entry("a", "1"), Map.entry("b", "x,y"));
    assertThatThrownBy(() -> ConfigKey.stringMap("m", Map.of()).parse("novalue"))
        .hasMessageContaining("key=value");
  }
}
