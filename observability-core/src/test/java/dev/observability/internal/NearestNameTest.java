package dev.observability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestNameTest {

  @Test
  void distance_countsEditsAndNeighbourSwapsAsOne() {
    assertThat(NearestName.distance("ratio", "ratio")).isZero();
    assertThat(NearestName.distance("rate", "ratio")).isEqualTo(2);
    assertThat(NearestName.distance("tarcing", "tracing")).isEqualTo(1);
    assertThat(NearestName.distance("", "abc")).isEqualTo(3);
  }

  @Test
  void of_picksTheNearestWithinTheBound_ignoringCase() {
    List<String> known = List.of("logging", "metrics", "tracing", "errors");

    assertThat(NearestName.of("TRACINGG", known, 2)).isEqualTo("tracing");
    assertThat(NearestName.of("error", known, 2)).isEqualTo("errors");
    assertThat(NearestName.of("database", known, 2)).isNull();
    assertThat(NearestName.of("Metrics", known, 2)).isEqualTo("metrics");
  }

  @Test
  void of_hugeName_isNotCompared() {
    assertThat(NearestName.of("t".repeat(100_000), List.of("tracing"), 100_000)).isNull();
  }
}
