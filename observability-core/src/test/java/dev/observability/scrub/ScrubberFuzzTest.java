package dev.observability.scrub;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.BeforeAll;

/**
 * Fuzzes the default policy (e-mail masking on). In {@code mvn verify} (JAZZER_FUZZ unset) this
 * runs the seed inputs under {@code ScrubberFuzzTestInputs/}; with {@code JAZZER_FUZZ=1} it fuzzes.
 *
 * <p>Input: arbitrary text, a planted secret from {@link #SECRETS} (as it is, or percent-encoded),
 * arbitrary text. Oracle: no exception from any detector, scrubbing is idempotent, and the planted
 * secret does not survive.
 */
class ScrubberFuzzTest {

  private static final DefaultScrubber SCRUBBER =
      (DefaultScrubber) Scrubber.builder().emails(true).build();

  /** Secrets to plant; each must be masked wherever it stands between separators. */
  private static final String[] SECRETS = {
    "4111 1111 1111 1111",
    "4111111111111111",
    "5555-5555-5555-4444",
    "378282246310005",
    "123-45-6789",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "Bearer abc.def.ghi",
    "Basic dXNlcjpwYXNzd29yZA==",
    "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnz\n"
        + "-----END RSA PRIVATE KEY-----",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "AIzaSyD-9tSrke72PouQMnMX_a7eZSW0jkFMBWY",
    "postgres://admin:s3cr3tpw@db:5432/app",
    "password=hunter2",
    "api_key: k3yk3yk3y",
    "\"client_secret\": \"shhh-shhh\"",
    "bob.smith@example.com"
  };

  /** What must not be found in the output for each secret (its secret part). */
  private static final String[] SECRET_PARTS = {
    "4111 1111 1111 1111",
    "4111111111111111",
    "5555-5555-5555-4444",
    "378282246310005",
    "123-45-6789",
    "dozjgNryP4J3jVmNHl0w5N",
    "abc.def.ghi",
    "dXNlcjpwYXNzd29yZA",
    "MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnz",
    "AKIAIOSFODNN7EXAMPLE",
    "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
    "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOp",
    "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
    "AIzaSyD-9tSrke72PouQMnMX_a7eZSW0jkFMBWY",
    "s3cr3tpw",
    "hunter2",
    "k3yk3yk3y",
    "shhh-shhh",
    "bob.smith@example.com"
  };

  private static final String[] SEPARATORS = {" ", "\n", "\t", " | "};

  /**
   * Regression runs replay seeds and need none of Jazzer's bug-detector hooks, whose installation
   * costs about 20 s; fuzzing keeps them for guidance. JUnit reads configuration parameters from
   * system properties, and this runs before the fuzz tests' arguments are provided.
   */
  @BeforeAll
  static void regressionRunsWithoutHooks() {
    String fuzz = System.getenv("JAZZER_FUZZ");
    if ((fuzz == null || fuzz.isEmpty()) && System.getProperty("jazzer.hooks") == null) {
      System.setProperty("jazzer.hooks", "false");
    }
  }

  @FuzzTest(maxDuration = "2m")
  void scrub_anyTextWithAPlantedSecret_neverThrowsIsIdempotentAndMasksTheSecret(
      FuzzedDataProvider data) {
    int which = data.consumeInt(0, SECRETS.length - 1);
    String before = data.pickValue(SEPARATORS);
    String after = data.pickValue(SEPARATORS);
    String prefix = data.consumeString(400);
    String suffix = data.consumeRemainingAsString();
    String text = prefix + before + SECRETS[which] + after + suffix;

    String once = SCRUBBER.scrubUnguarded(text);

    assertThat(SCRUBBER.scrubUnguarded(once)).as("input %s", escape(text)).isEqualTo(once);
    assertThat(once).as("input %s", escape(text)).doesNotContain(SECRET_PARTS[which]);
  }

  @FuzzTest(maxDuration = "2m")
  void scrub_anyText_neverThrowsAndIsIdempotent(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();

    String once = SCRUBBER.scrubUnguarded(text);

    assertThat(SCRUBBER.scrubUnguarded(once)).as("input %s", escape(text)).isEqualTo(once);
    StringBuilder out = new StringBuilder();
    SCRUBBER.scrubTo(text, out);
    assertThat(out.toString()).isEqualTo(once);
  }

  /**
   * The planted secret and the separators around it are percent-encoded, character by character as
   * the fuzzer chooses ({@code %XX} in either case, {@code +} or {@code %20} for a space, or left
   * as they are), between arbitrary text. Oracle: no exception, idempotent, and the secret is not
   * in the output once that is decoded (unless the text around holds the secret's text itself, such
   * as a card number's digits within longer groups, which is no card).
   */
  @FuzzTest(maxDuration = "2m")
  void scrub_percentEncodedPlantedSecret_neverThrowsIsIdempotentAndMasksTheSecret(
      FuzzedDataProvider data) {
    int which = data.consumeInt(0, SECRETS.length - 1);
    String before = data.pickValue(SEPARATORS);
    String after = data.pickValue(SEPARATORS);
    long encodeMask = data.consumeLong();
    boolean lowerCase = data.consumeBoolean();
    boolean plusForSpace = data.consumeBoolean();
    String prefix = data.consumeString(400);
    String suffix = data.consumeRemainingAsString();
    String encoded = encode(before + SECRETS[which] + after, encodeMask, lowerCase, plusForSpace);
    String text = prefix + encoded + suffix;

    String once = SCRUBBER.scrubUnguarded(text);

    assertThat(SCRUBBER.scrubUnguarded(once)).as("input %s", escape(text)).isEqualTo(once);
    String part = SECRET_PARTS[which];
    if (decode(prefix).contains(part) || decode(suffix).contains(part)) {
      return; // the text around holds the secret's text too, in a form that may not be one
    }
    assertThat(decode(once)).as("input %s", escape(text)).doesNotContain(part);
  }

  /**
   * Percent-encodes the characters of {@code s} whose bit (index mod 64) is set in {@code mask}.
   */
  static String encode(String s, long mask, boolean lowerCase, boolean plusForSpace) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ((mask & (1L << (i & 63))) == 0 || c >= 0x80) {
        sb.append(c);
      } else if (c == ' ' && plusForSpace) {
        sb.append('+');
      } else {
        String hex = String.format(lowerCase ? "%%%02x" : "%%%02X", (int) c);
        sb.append(hex);
      }
    }
    return sb.toString();
  }

  /**
   * Decodes {@code %XX} and {@code +} once, as a reader of the output would; written here rather
   * than taken from the code under test.
   */
  static String decode(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%'
          && i + 2 < s.length()
          && Character.digit(s.charAt(i + 1), 16) >= 0
          && Character.digit(s.charAt(i + 2), 16) >= 0
          && s.charAt(i + 1) < 0x80
          && s.charAt(i + 2) < 0x80) {
        sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
        i += 2;
      } else {
        sb.append(c == '+' ? ' ' : c);
      }
    }
    return sb.toString();
  }

  /** Java-escaped, so that a failing input can be pasted into a unit test. */
  static String escape(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.append('"').toString();
  }
}
