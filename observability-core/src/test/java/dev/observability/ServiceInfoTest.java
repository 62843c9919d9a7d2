package dev.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceInfoTest {

  private static ServiceInfo started(Map<String, String> environment) {
    try (Observability obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(environment)
            .discoverModules(false)
            .property("shutdown.hook", "false")
            .start()) {
      return obs.service();
    }
  }

  @Test
  void from_beforeStart_givesTheServiceThatStartGives_forEverySourceOfTheValues() {
    List<Map<String, String>> environments =
        List.of(
            Map.of(),
            Map.of("OTEL_SERVICE_NAME", "checkout"),
            Map.of(
                "OTEL_RESOURCE_ATTRIBUTES",
                "service.name=orders,deployment.environment=staging,service.version=1.2,team=pay"),
            Map.of(
                "OTEL_RESOURCE_ATTRIBUTES",
                "service.name=orders,deployment.environment.name=eu-prod",
                "OBSERVABILITY_SERVICE_NAME",
                "billing",
                "OBSERVABILITY_SERVICE_VERSION",
                "3.0.1"));
    for (Map<String, String> environment : environments) {
      ServiceInfo early = ServiceInfo.from(ObservabilityConfig.beforeStart(Map.of(), environment));

      assertThat(early).as(environment.toString()).isEqualTo(started(environment));
    }
  }

  @Test
  void from_keepsTheOtherResourceAttributes() {
    ServiceInfo info =
        ServiceInfo.from(
            ObservabilityConfig.beforeStart(
                Map.of(), Map.of("OTEL_RESOURCE_ATTRIBUTES", "service.name=orders,team=pay")));

    assertThat(info.name()).isEqualTo("orders");
    assertThat(info.environment()).isEqualTo("production");
    assertThat(info.version()).isEqualTo("unknown");
    assertThat(info.resourceAttributes()).containsExactly(Map.entry("team", "pay"));
  }

  @Test
  void beforeStart_systemPropertiesWinOverTheEnvironment_andABadValueFailsOnlyWhenRead() {
    ObservabilityConfig config =
        ObservabilityConfig.beforeStart(
            Map.of("observability.service.name", "from-property"),
            Map.of("OTEL_SERVICE_NAME", "from-env", "OBSERVABILITY_SHUTDOWN_TIMEOUT", "soon"));

    assertThat(config.get(CoreConfig.SERVICE_NAME)).isEqualTo("from-property");
    assertThat(config.sourceOf(CoreConfig.SERVICE_NAME))
        .isEqualTo("system property observability.service.name");
    assertThatThrownBy(() -> config.get(CoreConfig.SHUTDOWN_TIMEOUT))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("OBSERVABILITY_SHUTDOWN_TIMEOUT");
  }
}
