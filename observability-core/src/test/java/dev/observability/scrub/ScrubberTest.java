package dev.observability.scrub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ScrubberTest {

  private final Scrubber scrubber = Scrubber.defaults();

  @Test
  void scrub_cleanText_returnsSameInstance() {
    String clean = "GET /api/users/42 took 12ms status=200 route=/api/users/{id} user=bob";

    assertThat(scrubber.scrub(clean)).isSameAs(clean);
    assertThat(scrubber.scrub("")).isSameAs("");
  }

  @Test
  void scrubTo_cleanText_appendsUnchanged() {
    StringBuilder out = new StringBuilder("a=");

    scrubber.scrubTo("nothing to see", out);

    assertThat(out).hasToString("a=nothing to see");
  }

  @Test
  void scrubTo_textIsTheBuilderItself_isCopiedFirst() {
    StringBuilder sb = new StringBuilder("password=hunter2 ");

    scrubber.scrubTo(sb, sb);

    assertThat(sb).hasToString("password=hunter2 password=[REDACTED] ");
  }

  @Test
  void scrub_twoSecretsInOneLine_bothMasked() {
    assertThat(scrubber.scrub("card 4111111111111111 and password=hunter2 done"))
        .isEqualTo("card [REDACTED] and password=[REDACTED] done");
  }

  @Test
  void scrub_luhnValidCardNumber_isMasked() {
    assertThat(scrubber.scrub("4111111111111111")).isEqualTo("[REDACTED]");
  }

  @Test
  void scrub_sixteenDigitsFailingLuhn_isUntouched() {
    assertThat(scrubber.scrub("4111111111111112")).isEqualTo("4111111111111112");
  }

  @Test
  void scrub_cardGluedToWord_isLeftWhole() {
    String text = "id=ord4111111111111111 ref_4111111111111111 4111111111111111abc";

    assertThat(scrubber.scrub(text)).isSameAs(text);
  }

  @Test
  void scrub_ssnWithoutDashes_isUntouched() {
    assertThat(scrubber.scrub("ref 123456789")).isEqualTo("ref 123456789");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "password",
        "PASSWORD",
        "user.password",
        "db_passwd",
        "pwd",
        "mysql_pwd",
        "apiKey",
        "api_key",
        "API-KEY",
        "x-api-key",
        "X-Api-Key",
        "secret",
        "client_secret",
        "access_token",
        "refresh_token",
        "id_token",
        "tokenizer",
        "authorization",
        "Proxy-Authorization",
        "auth",
        "x-auth",
        "authHeader",
        "basic_auth",
        "cookie",
        "Set-Cookie",
        "session",
        "JSESSIONID",
        "PHPSESSID",
        "connect.sid",
        "credit_card",
        "creditCardNumber",
        "card_number",
        "cvv",
        "cvv2",
        "ssn",
        "userSSN",
        "pin",
        "card_pin",
        "jwt",
        "bearer",
        "csrf",
        "X-CSRF-Token",
        "_xsrf",
        "private_key",
        "privateKey",
        "aws_access_key_id",
        "aws_secret_access_key",
        "credentials",
        "X-Amz-Signature",
        "key",
        "pass",
        "otp"
      })
  void isSensitiveKey_defaultSensitiveNames_areSensitive(String key) {
    assertThat(scrubber.isSensitiveKey(key)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "author",
        "authority",
        "oauth_provider",
        "user",
        "username",
        "id",
        "name",
        "status",
        "count",
        "keys",
        "cache_key",
        "primary_key",
        "passenger",
        "bypass",
        "compass",
        "spinner",
        "shipping",
        "ping",
        "classname",
        "discard",
        "cardinality",
        "monkey",
        "",
        "---",
        "éàü"
      })
  void isSensitiveKey_ordinaryNames_areNotSensitive(String key) {
    assertThat(scrubber.isSensitiveKey(key)).isFalse();
  }

  @Test
  void isSensitiveKey_askedAgain_givesTheRulesAnswerFromMemory() {
    DefaultScrubber fresh =
        (DefaultScrubber) Scrubber.builder().addAllowedKeys("session_count").build();

    for (int round = 0; round < 3; round++) {
      assertThat(fresh.isSensitiveKey("X-Api-Key")).isTrue();
      assertThat(fresh.isSensitiveKey("session_count")).isFalse();
      assertThat(fresh.isSensitiveKey("url.path")).isFalse();
      assertThat(fresh.scrubValue("X-Api-Key", "abc")).isEqualTo("[REDACTED]");
    }
    assertThat(fresh.knownKeyCount()).isEqualTo(3);
  }

  @Test
  void isSensitiveKey_pastTheKeysItRemembers_judgesEachNewKeyByTheRules() {
    DefaultScrubber fresh = (DefaultScrubber) Scrubber.builder().build();
    for (int i = 0; i < DefaultScrubber.MAX_KNOWN_KEYS + 100; i++) {
      assertThat(fresh.isSensitiveKey("field_" + i)).isFalse();
    }
    String longKey = "x".repeat(200) + "_password";

    assertThat(fresh.isSensitiveKey("Authorization")).isTrue();
    assertThat(fresh.isSensitiveKey("order_id")).isFalse();
    assertThat(fresh.isSensitiveKey(longKey)).isTrue();
    assertThat(fresh.knownKeyCount()).isEqualTo(DefaultScrubber.MAX_KNOWN_KEYS);
  }

  @Test
  void isSensitiveKey_longKey_isJudgedButNotRemembered() {
    DefaultScrubber fresh = (DefaultScrubber) Scrubber.builder().build();

    assertThat(fresh.isSensitiveKey("y".repeat(300) + "-token")).isTrue();
    assertThat(fresh.isSensitiveKey("y".repeat(300))).isFalse();
    assertThat(fresh.knownKeyCount()).isZero();
  }

  @Test
  void scrubValue_sensitiveKey_returnsMaskAndCountsKeyRule() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Scrubber counted = Scrubber.builder().meterRegistry(registry).build();

    assertThat(counted.scrubValue("Authorization", "Bearer abc")).isEqualTo("[REDACTED]");
    assertThat(counted.scrubValue("password", "")).isEqualTo("[REDACTED]");
    assertThat(counted.scrubValue("password", "[REDACTED]")).isEqualTo("[REDACTED]");
    assertThat(registry.get("observability.scrubbed").tag("rule", "key").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void scrubValue_ordinaryKey_scrubsTheValueText() {
    assertThat(scrubber.scrubValue("note", "card 4111111111111111")).isEqualTo("card [REDACTED]");
    String clean = "fine";
    assertThat(scrubber.scrubValue("note", clean)).isSameAs(clean);
  }

  @Test
  void builder_extraKeys_exactAndContains() {
    Scrubber custom = Scrubber.builder().addSensitiveKeys("tenant", "*order_secret*").build();

    assertThat(custom.isSensitiveKey("Tenant")).isTrue();
    assertThat(custom.isSensitiveKey("tenant_id")).isFalse();
    assertThat(custom.isSensitiveKey("X-Order-Secret-V2")).isTrue();
    assertThat(custom.scrub("tenant=acme other=1")).isEqualTo("tenant=[REDACTED] other=1");
  }

  @Test
  void builder_allowList_winsOverKeyRules_butNotOverValueDetectors() {
    Scrubber custom = Scrubber.builder().addAllowedKeys("session_count", "*tokens*", "pin").build();

    assertThat(custom.isSensitiveKey("session_count")).isFalse();
    assertThat(custom.isSensitiveKey("max_tokens")).isFalse();
    assertThat(custom.isSensitiveKey("pin")).isFalse();
    assertThat(custom.isSensitiveKey("session_id")).isTrue();
    assertThat(custom.scrub("session_count=3 max_tokens=4111111111111111"))
        .isEqualTo("session_count=3 max_tokens=[REDACTED]");
  }

  @Test
  void builder_badKeySyntax_isRejectedWithTheEntry() {
    assertThatThrownBy(() -> Scrubber.builder().addSensitiveKeys("*token"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'*token'");
    assertThatThrownBy(() -> Scrubber.builder().addAllowedKeys("--"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no letter or digit");
  }

  @Test
  void builder_customMask_isUsedAndIdempotent() {
    Scrubber custom = Scrubber.builder().mask("<hidden value>").build();

    String once =
        custom.scrub("password=hunter2&x=1 Bearer abc.def.ghi https://u:p@h/ 4111111111111111");

    assertThat(once)
        .isEqualTo(
            "password=<hidden value>&x=1 Bearer <hidden value> https://u:<hidden value>@h/"
                + " <hidden value>");
    assertThat(custom.scrub(once)).isSameAs(once);
    assertThat(custom.mask()).isEqualTo("<hidden value>");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "REDACTED", "[a=b]", "[1]", "[x:y]", "[bad\n]", "[REDACTED"})
  void builder_unsafeMask_isRejected(String mask) {
    assertThatThrownBy(() -> Scrubber.builder().mask(mask))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("mask");
  }

  @Test
  void builder_maskThatTheRulesWouldScrub_isRejectedAtBuild() {
    assertThatThrownBy(() -> Scrubber.builder().mask("[Bearer abcdefgh.ijkl]").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("would itself be scrubbed");
  }

  @Test
  void builder_patterns_maskMatchOrFirstGroup_andCountCustom() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Scrubber custom =
        Scrubber.builder()
            .addPattern("EMP-\\d{6}")
            .addPattern(Pattern.compile("ticket #(\\w+)"))
            .meterRegistry(registry)
            .build();

    String once = custom.scrub("employee EMP-123456 opened ticket #A1B2 today");

    assertThat(once).isEqualTo("employee [REDACTED] opened ticket #[REDACTED] today");
    assertThat(custom.scrub(once)).isEqualTo(once);
    assertThat(registry.get("observability.scrubbed").tag("rule", "custom").counter().count())
        .isEqualTo(2.0);
  }

  @Test
  void builder_patterns_invalidOrEmptyMatching_areRejected() {
    assertThatThrownBy(() -> Scrubber.builder().addPattern("a(b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'a(b' does not compile");
    assertThatThrownBy(() -> Scrubber.builder().addPattern("x*"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("matches empty text");
    assertThatThrownBy(() -> Scrubber.builder().addPattern("RED").build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("matches the mask");
  }

  @Test
  void builder_emails_offByDefault_onWhenAsked() {
    String text = "from bob.smith@example.com";

    assertThat(scrubber.scrub(text)).isSameAs(text);
    assertThat(Scrubber.builder().emails(true).build().scrub(text)).isEqualTo("from [REDACTED]");
  }

  @Test
  void builder_meterRegistry_preRegistersOneCounterPerRule() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Scrubber.builder().meterRegistry(registry).build();

    assertThat(registry.find("observability.scrubbed").counters()).hasSize(Rule.all().length);
    assertThat(registry.get("observability.scrubbed").tag("rule", "url_credentials").counter())
        .isNotNull();
  }

  @Test
  void scrub_hostileInput_neverThrows() {
    String[] inputs = {
      "\uD800 password=\uDC00 \uDBFF",
      "\u0000\u0001\u001f=:@-----BEGIN \u0000",
      "password=\"unterminated",
      "token=[unbalanced {",
      "https://:@",
      "://",
      "a:",
      "=",
      "@",
      "-----BEGIN PRIVATE KEY-----",
      "Bearer ",
      "Basic ====",
      "eyJ.eyJ.",
      "4111 1111 1111 111",
      "x".repeat(10_000) + "@" + "y".repeat(10_000)
    };
    for (String input : inputs) {
      String once = scrubber.scrub(input);
      assertThat(scrubber.scrub(once)).as(input).isEqualTo(once);
    }
  }

  @SuppressWarnings("NullAway")
  @Test
  void scrub_null_isReturnedAsIs() {
    String nothing = null;
    assertThat(scrubber.scrub(nothing)).isNull();
    assertThat(scrubber.isSensitiveKey(nothing)).isFalse();
  }

  @Test
  void scrub_sensitiveValueThatOpensAMultiWordSecret_masksAllOfIt() {
    assertThat(scrubber.scrub("pin= 4111 1111 1111 1111 ok")).isEqualTo("pin= [REDACTED] ok");
    assertThat(scrubber.scrub("token: Basic dXNlcjpwYXNzd29yZA== ok"))
        .isEqualTo("token: Basic [REDACTED] ok");
    assertThat(
            scrubber.scrub(
                "key= -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\n-----END EC PRIVATE KEY----- ok"))
        .isEqualTo("key= [REDACTED] ok");
    assertThat(
            scrubber.scrub(
                "{\"token\":\"-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\"}"))
        .isEqualTo("{\"token\":\"[REDACTED]\"}");
  }

  @Test
  void scrub_unterminatedPrivateKey_isMaskedToTheEnd() {
    assertThat(scrubber.scrub("cfg -----BEGIN EC PRIVATE KEY-----\nMHcCAQEEI\nrest of log"))
        .isEqualTo("cfg [REDACTED]");
  }

  @Test
  void noop_changesNothing() {
    Scrubber noop = Scrubber.noop();

    assertThat(noop.scrub("password=hunter2")).isEqualTo("password=hunter2");
    assertThat(noop.isSensitiveKey("password")).isFalse();
  }
}
