package dev.observability.health;

import static dev.observability.health.HealthTestSupport.check;
import static dev.observability.health.HealthTestSupport.isolated;
import static dev.observability.health.HealthTestSupport.nonCritical;
import static dev.observability.health.HealthTestSupport.registry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.ConfigurationException;
import dev.observability.HealthEndpoint.Group;
import dev.observability.Observability;
import dev.observability.health.HealthTestSupport.Answer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthEndpointTest {

  @AfterEach
  void closeRunning() {
    Observability.current().ifPresent(Observability::close);
  }

  @Test
  void report_allUp_isHealthy200InTheDocumentedShape() throws Exception {
    try (Observability obs = isolated().start()) {
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("connections", 3);
      details.put("pool", "main");
      details.put("ratio", 0.25);
      details.put("primary", true);
      registry(obs).register("database", () -> HealthCheck.Result.up(details));

      Answer answer = check(obs, Group.ALL);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.contentType()).isEqualTo("application/json");
      assertThat(answer.json().path("status").asText()).isEqualTo("healthy");
      assertThat(answer.json().path("version").asText()).isEqualTo("1.2.3");
      assertThat(Instant.parse(answer.json().path("timestamp").asText()))
          .isBeforeOrEqualTo(Instant.now());
      List<String> fields = new ArrayList<>();
      answer.json().fieldNames().forEachRemaining(fields::add);
      assertThat(fields).containsExactly("status", "timestamp", "version", "checks");

      JsonNode database = answer.check("database");
      assertThat(database.path("status").asText()).isEqualTo("up");
      assertThat(database.path("duration_ms").isIntegralNumber()).isTrue();
      assertThat(database.path("duration_ms").asLong()).isGreaterThanOrEqualTo(0);
      assertThat(database.path("critical").asBoolean()).isTrue();
      assertThat(Instant.parse(database.path("taken_at").asText()))
          .isBeforeOrEqualTo(Instant.now());
      assertThat(database.has("error")).isFalse();
      assertThat(database.path("details").path("connections").asInt()).isEqualTo(3);
      assertThat(database.path("details").path("pool").asText()).isEqualTo("main");
      assertThat(database.path("details").path("ratio").asDouble()).isEqualTo(0.25);
      assertThat(database.path("details").path("primary").asBoolean()).isTrue();
      assertThat(answer.check(HealthModule.DEADLOCK_CHECK).path("status").asText()).isEqualTo("up");
    }
  }

  @Test
  void report_nonCriticalDown_isDegraded200() throws Exception {
    try (Observability obs = isolated().start()) {
      registry(obs).register("database", HealthCheck.Result::up);
      registry(obs).register("cache", () -> HealthCheck.Result.down("no PONG"), nonCritical());

      Answer answer = check(obs, Group.READINESS);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().path("status").asText()).isEqualTo("degraded");
      assertThat(answer.check("cache").path("status").asText()).isEqualTo("down");
      assertThat(answer.check("cache").path("critical").asBoolean()).isFalse();
      assertThat(answer.check("cache").path("error").asText()).isEqualTo("no PONG");
    }
  }

  @Test
  void report_criticalDown_isUnhealthy503() throws Exception {
    try (Observability obs = isolated().start()) {
      registry(obs).register("database", () -> HealthCheck.Result.down("refused"));
      registry(obs).register("cache", () -> HealthCheck.Result.down("no PONG"), nonCritical());

      Answer answer = check(obs, Group.READINESS);

      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.json().path("status").asText()).isEqualTo("unhealthy");
      assertThat(answer.check("database").path("status").asText()).isEqualTo("down");
    }
  }

  @Test
  void report_noChecks_isHealthyWithEmptyChecks() throws Exception {
    try (Observability obs = isolated().property("health.deadlock-check", "false").start()) {
      Answer answer = check(obs, Group.ALL);

      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().path("status").asText()).isEqualTo("healthy");
      assertThat(answer.json().path("checks").isObject()).isTrue();
      assertThat(answer.json().path("checks").size()).isZero();
    }
  }

  @Test
  void check_throws_isDownWithClassNameAndMessage() throws Exception {
    try (Observability obs = isolated().start()) {
      registry(obs)
          .register(
              "queue",
              () -> {
                throw new IllegalStateException("broker unreachable");
              });

      Answer answer = check(obs, Group.READINESS);

      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.check("queue").path("error").asText())
          .isEqualTo("java.lang.IllegalStateException: broker unreachable");
    }
  }

  @Test
  void check_throwsError_isDownAndTheNextRunStillWorks() throws Exception {
    try (Observability obs = isolated().property("health.threads", "1").start()) {
      boolean[] fail = {true};
      registry(obs)
          .register(
              "flaky",
              () -> {
                if (fail[0]) {
                  throw new AssertionError("invariant broken");
                }
                return HealthCheck.Result.up();
              });

      assertThat(check(obs, Group.READINESS).check("flaky").path("error").asText())
          .isEqualTo("java.lang.AssertionError: invariant broken");
      fail[0] = false;
      assertThat(check(obs, Group.READINESS).check("flaky").path("status").asText())
          .isEqualTo("up");
    }
  }

  @Test
  void check_returnsNull_isDown() throws Exception {
    try (Observability obs = isolated().start()) {
      registry(obs).register("broken", () -> null);

      Answer answer = check(obs, Group.READINESS);

      assertThat(answer.status()).isEqualTo(503);
      assertThat(answer.check("broken").path("error").asText())
          .isEqualTo("check returned no result");
    }
  }

  @Test
  void check_downWithDetailsOnly_showsDetailsAndNoError() throws Exception {
    try (Observability obs = isolated().start()) {
      registry(obs).register("replica", () -> HealthCheck.Result.down(Map.of("lag_seconds", 42)));

      JsonNode replica = check(obs, Group.READINESS).check("replica");

      assertThat(replica.path("status").asText()).isEqualTo("down");
      assertThat(replica.has("error")).isFalse();
      assertThat(replica.path("details").path("lag_seconds").asInt()).isEqualTo(42);
    }
  }

  @Test
  void liveness_byDefault_runsOnlyTheDeadlockCheck() throws Exception {
    try (Observability obs = isolated().start()) {
      int[] runs = {0};
      registry(obs)
          .register(
              "database",
              () -> {
                runs[0]++;
                return HealthCheck.Result.down("down");
              });

      Answer live = check(obs, Group.LIVENESS);

      assertThat(live.status()).isEqualTo(200);
      assertThat(fieldNames(live.json().path("checks")))
          .containsExactly(HealthModule.DEADLOCK_CHECK);
      assertThat(runs[0]).isZero();

      Answer ready = check(obs, Group.READINESS);
      assertThat(ready.status()).isEqualTo(503);
      assertThat(fieldNames(ready.json().path("checks")))
          .containsExactly(HealthModule.DEADLOCK_CHECK, "database");
    }
  }

  @Test
  void liveness_checkRegisteredIntoLivenessOnly_isNotInReadiness() throws Exception {
    try (Observability obs = isolated().property("health.deadlock-check", "false").start()) {
      registry(obs)
          .register(
              "event-loop",
              HealthCheck.Result::up,
              HealthCheckOptions.builder().groups(HealthGroup.LIVENESS).build());
      registry(obs)
          .register(
              "both",
              HealthCheck.Result::up,
              HealthCheckOptions.builder()
                  .groups(HealthGroup.READINESS, HealthGroup.LIVENESS)
                  .build());

      assertThat(fieldNames(check(obs, Group.LIVENESS).json().path("checks")))
          .containsExactly("event-loop", "both");
      assertThat(fieldNames(check(obs, Group.READINESS).json().path("checks")))
          .containsExactly("both");
      assertThat(fieldNames(check(obs, Group.ALL).json().path("checks")))
          .containsExactly("event-loop", "both");
    }
  }

  @Test
  void details_statusLevel_omitsErrorAndDetailsButKeepsStatusAndTiming() throws Exception {
    try (Observability obs = isolated().property("health.details", "status").start()) {
      registry(obs)
          .register(
              "database",
              () -> HealthCheck.Result.down("refused by db-7.internal", Map.of("pool", "main")));

      Answer answer = check(obs, Group.READINESS);

      JsonNode database = answer.check("database");
      assertThat(answer.status()).isEqualTo(503);
      assertThat(database.path("status").asText()).isEqualTo("down");
      assertThat(database.path("critical").asBoolean()).isTrue();
      assertThat(database.has("duration_ms")).isTrue();
      assertThat(database.has("error")).isFalse();
      assertThat(database.has("details")).isFalse();
      assertThat(answer.body()).doesNotContain("db-7.internal");
    }
  }

  @Test
  void config_unknownDetailLevel_failsStartNamingTheKey() {
    assertThatThrownBy(() -> isolated().property("health.details", "verbose").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("health.details")
        .hasMessageContaining("full, status");
  }

  @Test
  void config_hostWithoutPort_failsStart() {
    assertThatThrownBy(() -> isolated().property("health.server.host", "0.0.0.0").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("health.server.port");
  }

  @Test
  void register_invalidName_failsWithWhatIsAllowed() {
    try (Observability obs = isolated().start()) {
      HealthRegistry registry = registry(obs);
      for (String bad : List.of("", "has space", "-leading", "a/b", "x".repeat(65), "naïve")) {
        assertThatThrownBy(() -> registry.register(bad, HealthCheck.Result::up))
            .as(bad)
            .isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("1 to 64 ASCII letters, digits");
      }
      registry.register("payment-gateway.v2_eu", HealthCheck.Result::up);
      assertThat(registry.names()).contains("payment-gateway.v2_eu");
    }
  }

  @Test
  void register_sameNameTwice_fails() {
    try (Observability obs = isolated().start()) {
      registry(obs).register("database", HealthCheck.Result::up);

      assertThatThrownBy(() -> registry(obs).register("database", HealthCheck.Result::up))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'database' is already registered");
    }
  }

  @Test
  void unregister_removesTheCheckFromTheOutput() throws Exception {
    try (Observability obs = isolated().start()) {
      registry(obs).register("database", () -> HealthCheck.Result.down("refused"));
      assertThat(check(obs, Group.ALL).status()).isEqualTo(503);

      assertThat(registry(obs).unregister("database")).isTrue();
      assertThat(registry(obs).unregister("database")).isFalse();

      Answer answer = check(obs, Group.ALL);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.json().path("checks").has("database")).isFalse();
      registry(obs).register("database", HealthCheck.Result::up);
      assertThat(check(obs, Group.ALL).check("database").path("status").asText()).isEqualTo("up");
    }
  }

  @Test
  void registryOf_withoutTheHealthModule_isANoOpThatStillValidates() {
    try (Observability obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .property("shutdown.hook", "false")
            .start()) {
      HealthRegistry registry = HealthRegistry.of(obs);

      registry.register("database", HealthCheck.Result::up);

      assertThat(registry.names()).isEmpty();
      assertThat(registry.report(Group.ALL).status()).isEqualTo(HealthReport.Status.HEALTHY);
      assertThatThrownBy(() -> registry.register("bad name", HealthCheck.Result::up))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void module_disabled_providesNoEndpoint() {
    try (Observability obs = isolated().property("modules.disabled", "health").start()) {
      assertThat(obs.find(dev.observability.HealthEndpoint.class)).isEmpty();
      assertThat(HealthRegistry.of(obs)).isSameAs(HealthRegistry.noop());
    }
  }

  @Test
  void register_afterClose_fails() {
    Observability obs = isolated().start();
    HealthRegistry registry = registry(obs);
    obs.close();

    assertThatThrownBy(() -> registry.register("late", HealthCheck.Result::up))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
    assertThat(registry.report(Group.ALL).checks().get(HealthModule.DEADLOCK_CHECK).error())
        .isEqualTo("not run: health checks are closed");
  }

  @Test
  void errorText_hugeWithControlCharactersAndLoneSurrogates_isBoundedValidJson() throws Exception {
    try (Observability obs = isolated().start()) {
      String nasty =
          "line1\nline2\u0000\u001f\u2028\u2029\"quoted\"\\ \ud800 end " + "x".repeat(50_000);
      registry(obs).register("weird", () -> HealthCheck.Result.down(nasty));

      Answer answer = check(obs, Group.READINESS);

      String error = answer.check("weird").path("error").asText();
      assertThat(error).startsWith("line1\nline2\u0000\u001f\u2028\u2029\"quoted\"\\ \ufffd end");
      assertThat(error.length()).isLessThanOrEqualTo(2_000);
      assertThat(answer.body()).doesNotContain("\u2028").doesNotContain("\n");
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
