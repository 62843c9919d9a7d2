package dev.observability.scrub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pathological inputs of 1 MB complete, percent-encoded ones included: each detector reads forward
 * or back by a bounded amount and the pass resumes past what it read. The bound only proves "did
 * not hang"; growth at n, 2n and 4n is measured by {@code ScrubberBenchmark} in {@code
 * benchmarks/}.
 */
class ScrubberLinearTimeTest {

  private static final int MB = 1 << 20;
  private static final Duration DID_NOT_HANG = Duration.ofSeconds(10);

  /** The repeated units; {@link #repeat} fills 1 MB with each. */
  static Stream<Arguments> pathological() {
    return Stream.of(
        Arguments.of("digits", "7"),
        Arguments.of("digit groups", "4111 "),
        Arguments.of("dashed digit groups", "123-45-"),
        Arguments.of("eyJ", "eyJ"),
        Arguments.of("eyJ with dots", "eyJa."),
        Arguments.of("password=", "password="),
        Arguments.of("password= and space", "password= "),
        Arguments.of("empty sensitive values", "&pin="),
        Arguments.of("missing values", "pass: "),
        Arguments.of("quoted keys", "\"token\":"),
        Arguments.of("escaped quotes", "token=\\\""),
        Arguments.of("open brackets", "token=["),
        Arguments.of("equals", "="),
        Arguments.of("colons", ":"),
        Arguments.of("long keys", "a".repeat(200) + "="),
        Arguments.of("scheme separators", "a://"),
        Arguments.of("user info", "s://u:p@"),
        Arguments.of("at signs", "a@"),
        Arguments.of("domains", "@a.b"),
        Arguments.of("BEGIN headers", "-----BEGIN "),
        Arguments.of("private key headers", "-----BEGIN PRIVATE KEY-----"),
        Arguments.of("dashes", "-"),
        Arguments.of("Bearer", "Bearer "),
        Arguments.of("Basic", "Basic dXNlcjpw "),
        Arguments.of("slack prefix", "xoxb-"),
        Arguments.of("github prefix", "ghp_"),
        Arguments.of("AKIA", "AKIA"),
        Arguments.of("backslashes", "\\"),
        Arguments.of("percent signs", "%"),
        Arguments.of("encoded percent signs", "%25"),
        Arguments.of("truncated escapes", "%4"),
        Arguments.of("encoded spaces", "%20"),
        Arguments.of("plus between digits", "1+"),
        Arguments.of("encoded digit groups", "4111%20"),
        Arguments.of("encoded key=value", "password%3D"),
        Arguments.of("encoded spaced key=value", "%20password%3D"),
        Arguments.of("encoded user info", "s%3A%2F%2Fu%3Ap%40"),
        Arguments.of("encoded JWT dots", "eyJ%2E"),
        Arguments.of("invalid UTF-8", "%FF%C3"));
  }

  private static String repeat(String unit) {
    StringBuilder sb = new StringBuilder(MB + unit.length());
    while (sb.length() < MB) {
      sb.append(unit);
    }
    return sb.toString();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathological")
  void scrub_oneMegabyteOfRepeats_completes(String name, String unit) {
    Scrubber scrubber = Scrubber.builder().emails(true).build();
    String text = repeat(unit);

    String once = assertTimeoutPreemptively(DID_NOT_HANG, () -> scrubber.scrub(text));
    String twice = assertTimeoutPreemptively(DID_NOT_HANG, () -> scrubber.scrub(once));

    assertThat(twice).isEqualTo(once);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pathological")
  void isSensitiveKey_oneMegabyteKey_completes(String name, String unit) {
    String key = repeat(unit);

    assertTimeoutPreemptively(DID_NOT_HANG, () -> Scrubber.defaults().isSensitiveKey(key));
  }
}
