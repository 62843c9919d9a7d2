package dev.observability.health.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SecretTextTest {

  private static final String MASK = "[REDACTED]";

  private static String mask(String text) {
    return SecretText.maskProperties(text, MASK);
  }

  @Test
  void jdbcUrlProperties_passwordValueIsMasked_restIsKept() {
    assertThat(mask("jdbc:h2:mem:db;USER=sa;PASSWORD=hunter2;IFEXISTS=TRUE"))
        .isEqualTo("jdbc:h2:mem:db;USER=sa;PASSWORD=[REDACTED];IFEXISTS=TRUE");
    assertThat(mask("jdbc:sqlserver://db:1433;databaseName=app;password=hunter2"))
        .isEqualTo("jdbc:sqlserver://db:1433;databaseName=app;password=[REDACTED]");
    assertThat(mask("jdbc:postgresql://db/app?user=app&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db/app?user=app&password=[REDACTED]&ssl=true");
  }

  @Test
  void quotedAndSpacedValues_areMaskedToTheClosingQuote() {
    assertThat(mask("'jdbc:h2:mem:x;PASSWORD=hunter2', 'sa'"))
        .isEqualTo("'jdbc:h2:mem:x;PASSWORD=[REDACTED]', 'sa'");
    assertThat(mask("secret: \"two words\" after")).isEqualTo("secret: \"[REDACTED]\" after");
    assertThat(mask("{\"db_password\": \"hunter2\"}"))
        .isEqualTo("{\"db_password\": \"[REDACTED]\"}");
  }

  @Test
  void secretNamedKeys_inManySpellings_areMasked() {
    assertThat(mask("pwd=a PWD=b pass=c api_key=d accessToken=e clientSecret=f"))
        .isEqualTo(
            "pwd=[REDACTED] PWD=[REDACTED] pass=[REDACTED] api_key=[REDACTED]"
                + " accessToken=[REDACTED] clientSecret=[REDACTED]");
  }

  @Test
  void textWithoutSecrets_isReturnedAsTheSameInstance() {
    String text = "Connection refused: 127.0.0.1:5432; user=app; passenger=ok; jdbc:h2:mem:x";

    assertThat(mask(text)).isSameAs(text);
  }

  @Test
  void maskedText_isLeftAlone() {
    String once = mask("PASSWORD=hunter2;x=1");

    assertThat(mask(once)).isEqualTo(once);
  }

  @Test
  void pathologicalInput_isHandledInOnePass() {
    String long_ = "password=".repeat(20_000) + "a;" + "k".repeat(100_000) + "=";

    String masked = mask(long_);

    assertThat(masked).doesNotContain("=a;");
  }
}
