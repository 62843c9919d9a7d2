package dev.observability.scrub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.ConfigurationException;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScrubberConfigTest {

  @AfterEach
  void closeRunning() {
    Observability.current().ifPresent(Observability::close);
  }

  private static ObservabilityBuilder isolated() {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .discoverModules(false)
        .property("shutdown.hook", "false");
  }

  @Test
  void create_defaults_masksAndCountsInTheFacadeRegistry() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Observability obs = isolated().meterRegistry(registry).start()) {
      Scrubber scrubber = obs.scrubber();

      assertThat(scrubber.scrub("password=hunter2 card 4111 1111 1111 1111"))
          .isEqualTo("password=[REDACTED] card [REDACTED]");
      assertThat(scrubber.mask()).isEqualTo("[REDACTED]");
      assertThat(registry.get("observability.scrubbed").tag("rule", "key_value").counter().count())
          .isEqualTo(1.0);
      assertThat(registry.get("observability.scrubbed").tag("rule", "card").counter().count())
          .isEqualTo(1.0);
    }
  }

  @Test
  void create_everyKeySet_isApplied() {
    try (Observability obs =
        isolated()
            .property("scrub.mask", "***")
            .property("scrub.extra-keys", "tenant, *internal_ref*")
            .property("scrub.allow-keys", "session_count")
            .property("scrub.extra-patterns", "EMP-\\d{4,6}, ord-[0-9,]{3}")
            .property("scrub.emails", "true")
            .start()) {
      Scrubber scrubber = obs.scrubber();

      assertThat(
              scrubber.scrub(
                  "tenant=acme my_internal_ref=7 session_count=3 EMP-12345 ord-1,2 bob@example.com"))
          .isEqualTo("tenant=*** my_internal_ref=*** session_count=3 *** *** ***");
    }
  }

  @Test
  void create_fromEnvironment_isApplied() {
    try (Observability obs =
        isolated()
            .environmentVariables(
                Map.of("OBSERVABILITY_SCRUB_EMAILS", "yes", "OBSERVABILITY_SCRUB_MASK", "<x>"))
            .start()) {
      assertThat(obs.scrubber().scrub("to a@example.org")).isEqualTo("to <x>");
    }
  }

  @Test
  void start_badPattern_failsNamingThePatternAndTheKey() {
    assertThatThrownBy(
            () -> isolated().property("scrub.extra-patterns", "fine-\\d+, broken(").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("scrub.extra-patterns")
        .hasMessageContaining("OBSERVABILITY_SCRUB_EXTRA_PATTERNS")
        .hasMessageContaining("pattern 2 of 2")
        .hasMessageContaining("'broken('");
  }

  @Test
  void start_badMaskAndKey_failsListingBoth() {
    assertThatThrownBy(
            () ->
                isolated()
                    .property("scrub.mask", "REDACTED")
                    .property("scrub.extra-keys", "*half")
                    .start())
        .isInstanceOf(ConfigurationException.class)
        .satisfies(e -> assertThat(((ConfigurationException) e).problems()).hasSize(2))
        .hasMessageContaining("scrub.mask")
        .hasMessageContaining("scrub.extra-keys")
        .hasMessageContaining("'*half'");
  }

  @Test
  void start_patternMatchingTheMask_fails() {
    assertThatThrownBy(() -> isolated().property("scrub.extra-patterns", "RED").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("matches the mask");
  }

  @Test
  void splitPatterns_keepsCommasInsideBracketsBracesAndEscapes() {
    assertThat(ScrubberConfig.splitPatterns(" a{1,3} , [,;]x , b\\,c ,, d "))
        .containsExactly("a{1,3}", "[,;]x", "b\\,c", "d");
  }

  @Test
  void keys_areAllDeclared() {
    assertThat(ScrubberConfig.KEYS)
        .extracting(k -> k.name())
        .containsExactly(
            "scrub.mask",
            "scrub.extra-keys",
            "scrub.allow-keys",
            "scrub.extra-patterns",
            "scrub.emails");
  }
}
