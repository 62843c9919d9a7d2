package dev.observability.health;

import static dev.observability.health.HealthTestSupport.check;
import static dev.observability.health.HealthTestSupport.isolated;
import static dev.observability.health.HealthTestSupport.nonCritical;
import static dev.observability.health.HealthTestSupport.registry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.HealthEndpoint.Group;
import dev.observability.Observability;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthMetricsTest {

  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @AfterEach
  void closeRunning() {
    Observability.current().ifPresent(Observability::close);
  }

  private double status(String check) {
    return meters.get("health.check.status").tag("check", check).gauge().value();
  }

  private double overall() {
    return meters.get("health.status").gauge().value();
  }

  @Test
  void statusGauge_followsTheLastResult_andOverallGaugeTheAggregate() throws Exception {
    try (Observability obs =
        isolated().property("health.deadlock-check", "false").meterRegistry(meters).start()) {
      AtomicBoolean databaseUp = new AtomicBoolean(true);
      AtomicBoolean cacheUp = new AtomicBoolean(true);
      registry(obs)
          .register(
              "database",
              () ->
                  databaseUp.get() ? HealthCheck.Result.up() : HealthCheck.Result.down("refused"));
      registry(obs)
          .register(
              "cache",
              () -> cacheUp.get() ? HealthCheck.Result.up() : HealthCheck.Result.down("no PONG"),
              nonCritical());
      assertThat(status("database")).isNaN();

      assertThat(check(obs, Group.ALL).json().path("status").asText()).isEqualTo("healthy");
      assertThat(status("database")).isEqualTo(1.0);
      assertThat(overall()).isEqualTo(1.0);

      cacheUp.set(false);
      assertThat(check(obs, Group.ALL).json().path("status").asText()).isEqualTo("degraded");
      assertThat(status("cache")).isEqualTo(0.0);
      assertThat(overall()).isEqualTo(0.5);

      databaseUp.set(false);
      assertThat(check(obs, Group.ALL).json().path("status").asText()).isEqualTo("unhealthy");
      assertThat(status("database")).isEqualTo(0.0);
      assertThat(overall()).isEqualTo(0.0);
    }
  }

  @Test
  void durationTimer_recordsEveryRun() throws Exception {
    try (Observability obs = isolated().meterRegistry(meters).start()) {
      registry(obs).register("database", HealthCheck.Result::up);

      for (int i = 0; i < 3; i++) {
        assertThat(check(obs, Group.READINESS).status()).isEqualTo(200);
      }

      var timer = meters.get("health.check.duration").tag("check", "database").timer();
      assertThat(timer.count()).isEqualTo(3);
      assertThat(timer.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }
  }

  @Test
  void unregister_removesTheCheckMeters_alsoFromAddedRegistries() throws Exception {
    try (Observability obs = isolated().meterRegistry(meters).start()) {
      registry(obs).register("database", HealthCheck.Result::up);
      assertThat(check(obs, Group.READINESS).check("database").path("status").asText())
          .isEqualTo("up");
      assertThat(meters.find("health.check.status").tag("check", "database").gauge()).isNotNull();

      registry(obs).unregister("database");

      assertThat(meters.find("health.check.status").tag("check", "database").gauge()).isNull();
      assertThat(meters.find("health.check.duration").tag("check", "database").timer()).isNull();
      assertThat(obs.meterRegistry().find("health.check.status").tag("check", "database").gauge())
          .isNull();
      assertThat(check(obs, Group.READINESS).json().path("checks").has("database")).isFalse();
    }
  }
}
