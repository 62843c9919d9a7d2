package dev.observability.scrub;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Table-driven: every line of {@code secrets.txt} through the default policy. */
class ScrubberCorpusTest {

  static List<Corpus.Case> cases() {
    return Corpus.cases();
  }

  private static Scrubber scrubberFor(Corpus.Case c, SimpleMeterRegistry registry) {
    return Scrubber.builder().emails(c.rule().equals("email")).meterRegistry(registry).build();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scrub_corpusLine_givesExpectedOutput(Corpus.Case c) {
    Scrubber scrubber = scrubberFor(c, new SimpleMeterRegistry());

    String out = scrubber.scrub(c.input());

    assertThat(out).isEqualTo(c.expected());
    if (c.positive()) {
      assertThat(out).doesNotContain(c.secret());
    } else {
      assertThat(out).isSameAs(c.input());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scrub_corpusLine_isIdempotent(Corpus.Case c) {
    Scrubber scrubber = scrubberFor(c, new SimpleMeterRegistry());
    String once = scrubber.scrub(c.input());

    assertThat(scrubber.scrub(once)).isSameAs(once);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scrubTo_corpusLine_appendsWhatScrubReturns(Corpus.Case c) {
    Scrubber scrubber = scrubberFor(c, new SimpleMeterRegistry());
    StringBuilder out = new StringBuilder("prefix|");

    scrubber.scrubTo(new StringBuilder(c.input()), out);

    assertThat(out.toString()).isEqualTo("prefix|" + c.expected());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void scrub_corpusLine_countsItsRule(Corpus.Case c) {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Scrubber scrubber = scrubberFor(c, registry);

    scrubber.scrub(c.input());

    double total =
        registry.find(ScrubberBuilder.COUNTER_NAME).counters().stream()
            .mapToDouble(counter -> counter.count())
            .sum();
    if (c.positive()) {
      assertThat(registry.get(ScrubberBuilder.COUNTER_NAME).tag("rule", c.rule()).counter().count())
          .isGreaterThanOrEqualTo(1.0);
    } else {
      assertThat(total).isZero();
    }
  }

  @Test
  void corpus_coversEveryRuleButKeyAndCustom_inSeveralContexts() {
    Set<String> rules =
        Corpus.positives().stream().map(Corpus.Case::rule).collect(Collectors.toSet());
    Set<String> contexts =
        Corpus.cases().stream().map(Corpus.Case::context).collect(Collectors.toSet());

    for (Rule rule : Rule.all()) {
      if (rule != Rule.KEY && rule != Rule.CUSTOM) {
        assertThat(rules).as("rule %s", rule.tag()).contains(rule.tag());
      }
    }
    assertThat(contexts)
        .containsExactlyInAnyOrder("message", "key_value", "query", "url", "json", "encoded");
    assertThat(Corpus.cases().stream().filter(c -> !c.positive()).count()).isGreaterThan(20);
  }

  @Test
  void corpus_hasEveryRuleButKeyAndCustom_percentEncoded() {
    Set<String> encoded =
        Corpus.positives().stream()
            .filter(c -> c.context().equals("encoded"))
            .map(Corpus.Case::rule)
            .collect(Collectors.toSet());

    for (Rule rule : Rule.all()) {
      if (rule != Rule.KEY && rule != Rule.CUSTOM) {
        assertThat(encoded).as("rule %s percent-encoded", rule.tag()).contains(rule.tag());
      }
    }
  }
}
