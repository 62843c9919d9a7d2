package dev.observability.scrub;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.management.ThreadMXBean;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Secrets whose text is percent-encoded: found in the decoded form, masked in the encoded text.
 * Every detector in encoded form is in the corpus ({@code secrets.txt}, context {@code encoded});
 * these are the rules around decoding.
 */
class PercentEncodedTest {

  private final Scrubber scrubber = Scrubber.defaults();

  @Test
  void scrub_theIssuesThreeExamples_areMaskedInTheEncodedText() {
    assertThat(scrubber.scrub("/search?q=password%3Dhunter2&page=2"))
        .isEqualTo("/search?q=password%3D[REDACTED]&page=2");
    assertThat(scrubber.scrub("/login?next=https%3A%2F%2Fuser%3Apass%40host%2Fhome"))
        .isEqualTo("/login?next=https%3A%2F%2Fuser%3A[REDACTED]%40host%2Fhome");
    assertThat(scrubber.scrub("/pay?pan=4111%201111%201111%201111&amount=5"))
        .isEqualTo("/pay?pan=[REDACTED]&amount=5");
  }

  @Test
  void scrub_plusForSpace_isReadAsFormDataReadsIt() {
    assertThat(scrubber.scrub("pan=4111+1111+1111+1111&amount=5"))
        .isEqualTo("pan=[REDACTED]&amount=5");
    assertThat(scrubber.scrub("h=Bearer+abcd1234efgh")).isEqualTo("h=Bearer+[REDACTED]");
  }

  @Test
  void scrub_escapesInEitherCaseAndMixedWithPlainText_areDecoded() {
    assertThat(scrubber.scrub("q=pass%77ord%3dhunter2")).isEqualTo("q=pass%77ord%3d[REDACTED]");
    assertThat(scrubber.scrub("q=https%3a//user:p%61ss@host/"))
        .isEqualTo("q=https%3a//user:[REDACTED]@host/");
  }

  @Test
  void scrub_rawValueHoldingAnEncodedDelimiter_isMaskedWhole() {
    // password=abc%26def is the value "abc&def": the raw pass masks all of it, and the decoded
    // pass does not cut it at the decoded '&'.
    assertThat(scrubber.scrub("password=abc%26def&x=1")).isEqualTo("password=[REDACTED]&x=1");
  }

  @Test
  void scrub_textEncodedTwice_isDecodedOnce() {
    // %25 decodes to a plain '%', which is not decoded again: what was encoded twice is read as
    // the once-encoded text, as a server reading the query string once would read it.
    String twice = "/x?q=password%253Dhunter2";

    assertThat(scrubber.scrub(twice)).isSameAs(twice);
    assertThat(scrubber.scrub("/x?q=%2541KIAIOSFODNN7EXAMPLE"))
        .isEqualTo("/x?q=%2541KIAIOSFODNN7EXAMPLE");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "%",
        "%%%%%%%%",
        "%4",
        "password%3",
        "password%3Dhunter2%",
        "%zz%g1%1g",
        "%C3%28 %E2%82 %F0%9F%98 %FF%FE%FD password%3D%FFhunter2",
        "%00%0A%0D%7F",
        "+++",
        "a+",
        "+a"
      })
  void scrub_truncatedOrInvalidEscapes_neverThrowAndStayIdempotent(String text) {
    String once = scrubber.scrub(text);

    assertThat(scrubber.scrub(once)).isEqualTo(once);
    assertThat(once).doesNotContain("hunter2");
  }

  @Test
  void scrub_encodedNonAsciiBytes_areNotLettersAroundASecret() {
    // An encoded byte of a non-ASCII character is a placeholder that is no letter, so a card
    // number after an encoded quotation mark (U+201C) is not glued to a word.
    assertThat(scrubber.scrub("q=%E2%80%9C4111111111111111%E2%80%9D"))
        .isEqualTo("q=%E2%80%9C[REDACTED]%E2%80%9D");
  }

  @Test
  void scrub_encodedCleanText_returnsSameInstance() {
    String clean = "/search?q=caf%C3%A9+cr%C3%A8me&page=2&sort=price%2Bdesc";

    assertThat(scrubber.scrub(clean)).isSameAs(clean);
  }

  @Test
  void scrub_encodedCleanText_allocatesNothingOnceTheThreadHasScrubbedBefore() {
    ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
    String[] texts = {
      "/search?q=caf%C3%A9+cr%C3%A8me&page=2&sort=price%2Bdesc",
      "GET /api/v1/orders/84213/items?page=2&sort=desc completed with status 200 in 12.4 ms",
      "offset +02:00 at 2024-06-01T12:30:45+02:00 for 1+1 items"
    };
    for (int k = 0; k < 1000; k++) {
      for (String text : texts) {
        scrubber.scrub(text);
      }
    }

    long before = threads.getCurrentThreadAllocatedBytes();
    int same = 0;
    for (int k = 0; k < 1000; k++) {
      for (String text : texts) {
        same += scrubber.scrub(text) == text ? 1 : 0;
      }
    }
    long allocated = threads.getCurrentThreadAllocatedBytes() - before;

    assertThat(same).isEqualTo(3000);
    assertThat(allocated).as("bytes allocated by 3000 scrubs of clean text").isZero();
  }

  @Test
  void scrubTo_encodedSecret_appendsTheMaskedEncodedText() {
    StringBuilder out = new StringBuilder("path=");

    Scrubber.defaults().scrubTo(new StringBuilder("/a?q=token%3Dabc123&x=1"), out);

    assertThat(out).hasToString("path=/a?q=token%3D[REDACTED]&x=1");
  }

  @Test
  void scrub_secretsInRawAndEncodedFormInOneText_areAllMaskedAndCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Scrubber counting = Scrubber.builder().meterRegistry(registry).build();

    String out =
        counting.scrub("password=hunter2 /a?q=password%3Dhunter3&n=4111%201111%201111%201111");

    assertThat(out).isEqualTo("password=[REDACTED] /a?q=password%3D[REDACTED]&n=[REDACTED]");
    assertThat(
            registry.get(ScrubberBuilder.COUNTER_NAME).tag("rule", "key_value").counter().count())
        .isEqualTo(2);
    assertThat(registry.get(ScrubberBuilder.COUNTER_NAME).tag("rule", "card").counter().count())
        .isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "12345 678-90", // digit groups
        "eyJhbGciOiJIUzI1NiJ9.eyJzdW", // a JWT cut short
        "Bearer abc", // a scheme and a short token
        "Basic dXNl", // a scheme and short base64
        "x: ", // a key without a value
        "pass::", // a doubled separator
        "ftp://", // a scheme separator
        "-----BEGIN CERTIFICATE-----", // a PEM header that is no private key
        "AKIA12", // a key prefix cut short
        "ghp_x", // a token prefix cut short
        "a@b" // no e-mail address
      })
  void scrub_encodedSecretRightAfterWhatADetectorSkips_isFound(String skipped) {
    assertThat(scrubber.scrub(skipped + "%20password%3Dhunter2"))
        .isEqualTo(skipped + "%20password%3D[REDACTED]");
    assertThat(scrubber.scrub(skipped + "+pan%3D4111+1111+1111+1111"))
        .isEqualTo(skipped + "+pan%3D[REDACTED]");
  }

  @Test
  void scrub_extraPatterns_alsoMatchTheDecodedText() {
    Scrubber withPattern = Scrubber.builder().addPattern("EMP-\\d{6}").build();

    assertThat(withPattern.scrub("q=EMP-123456 and r=emp%3DEMP%2D654321&s=1"))
        .isEqualTo("q=[REDACTED] and r=emp%3D[REDACTED]&s=1");
  }

  @Test
  void scrub_longEncodedText_isDecodedWithoutTheThreadsBuilder() {
    String text = "q=" + "a%20".repeat(DefaultScrubber.SCRATCH_MAX) + "password%3Dhunter2";

    assertThat(scrubber.scrub(text)).endsWith("password%3D[REDACTED]");
  }
}
