package dev.observability.health;

import static dev.observability.health.HealthTestSupport.get;
import static dev.observability.health.HealthTestSupport.registry;
import static dev.observability.health.HealthTestSupport.withServer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.Observability;
import dev.observability.health.HealthTestSupport.Answer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** With the instance's real scrubber: the secrets of the project's test set never show. */
class SecretsTest {

  private static final String CARD = "4111 1111 1111 1111";
  private static final String JWT =
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";

  @AfterEach
  void closeRunning() {
    Observability.current().ifPresent(Observability::close);
  }

  @Test
  void errorText_withTokensCardAndPassword_showsNoneOfThem() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs)
          .register(
              "gateway",
              () -> {
                throw new IllegalStateException(
                    "call failed: Authorization: Bearer abc.def.ghi, card "
                        + CARD
                        + ", session "
                        + JWT
                        + ", password=hunter2");
              });

      Answer answer = get(obs, "/health");

      String error = answer.check("gateway").path("error").asText();
      assertThat(error).startsWith("java.lang.IllegalStateException: call failed");
      assertThat(answer.body())
          .doesNotContain("hunter2")
          .doesNotContain(CARD)
          .doesNotContain(JWT)
          .doesNotContain("abc.def.ghi");
    }
  }

  @Test
  void details_withSensitiveKeys_areMasked() throws Exception {
    try (Observability obs = withServer().start()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("password", "hunter2");
      details.put("authorization", "Basic dXNlcjpodW50ZXIy");
      details.put("api_key", "AKIA1234567890ABCDEF");
      details.put("endpoint", "https://user:hunter2@api.example.com/v1");
      registry(obs).register("gateway", () -> HealthCheck.Result.up(details));

      Answer answer = get(obs, "/health");

      assertThat(answer.check("gateway").path("details").path("password").asText())
          .isEqualTo(obs.scrubber().mask());
      assertThat(answer.body())
          .doesNotContain("hunter2")
          .doesNotContain("dXNlcjpodW50ZXIy")
          .doesNotContain("AKIA1234567890ABCDEF");
    }
  }
}
