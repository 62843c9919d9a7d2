package dev.observability.spring.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.CoreConfig;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.metrics.MetricsConfig;
import dev.observability.servlet.ServletModule;
import dev.observability.tracing.TracingConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** Reading the SDK's keys from Spring's environment, with Spring's own rules. */
class SpringEnvironmentConfigTest {

  @AfterEach
  void closeRunning() {
    Observability.current().ifPresent(Observability::close);
  }

  private static StandardEnvironment environment(
      Map<String, Object> application, Map<String, Object> variables) {
    StandardEnvironment environment = new StandardEnvironment();
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
    environment
        .getPropertySources()
        .addLast(
            new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, variables));
    environment.getPropertySources().addLast(new MapPropertySource("application.yml", application));
    ConfigurationPropertySources.attach(environment);
    return environment;
  }

  private static Observability start(StandardEnvironment environment) {
    ObservabilityBuilder builder =
        Observability.builder().systemProperties(Map.of()).environmentVariables(Map.of());
    SpringEnvironmentConfig.apply(environment, builder);
    return builder.start();
  }

  @Test
  void yamlListsAndMaps_relaxedEnvironmentNames_andSpringPrecedence_reachTheSdk() {
    Map<String, Object> application = new LinkedHashMap<>();
    application.put("observability.servlet.excluded-paths[0]", "/metrics");
    application.put("observability.servlet.excluded-paths[1]", "/internal/*");
    application.put("observability.metrics.common-tags.region", "eu-west-1");
    application.put("observability.tracing.sample-ratio", "0.1");
    application.put("spring.application.name", "orders");
    Map<String, Object> variables = Map.of("OBSERVABILITY_TRACING_SAMPLE_RATIO", "0.5");
    try (Observability obs = start(environment(application, variables))) {
      assertThat(obs.config().get(ServletModule.EXCLUDED_PATHS))
          .containsExactly("/metrics", "/internal/*");
      assertThat(obs.config().get(MetricsConfig.COMMON_TAGS)).containsEntry("region", "eu-west-1");
      // An environment variable beats application.yml, as in Spring.
      assertThat(obs.config().get(TracingConfig.SAMPLE_RATIO)).isEqualTo(0.5);
      assertThat(obs.config().sourceOf(TracingConfig.SAMPLE_RATIO))
          .startsWith("Spring property observability.tracing.sample-ratio from")
          .contains("OBSERVABILITY_TRACING_SAMPLE_RATIO");
      assertThat(obs.service().name()).isEqualTo("orders");
      assertThat(obs.config().get(CoreConfig.SHUTDOWN_HOOK)).isFalse();
    }
  }

  @Test
  void serviceName_fromOtelServiceName_winsOverSpringApplicationName() {
    StandardEnvironment environment =
        environment(
            Map.of("spring.application.name", "orders"), Map.of("OTEL_SERVICE_NAME", "checkout"));
    ObservabilityBuilder builder =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of("OTEL_SERVICE_NAME", "checkout"));
    SpringEnvironmentConfig.apply(environment, builder);
    try (Observability obs = builder.start()) {
      assertThat(obs.service().name()).isEqualTo("checkout");
    }
  }

  @Test
  void unknownNames_areTheTyposNotTheStartersOwnSwitches() {
    StandardEnvironment environment =
        environment(
            Map.of(
                "observability.tracing.sampel-ratio", "0.2",
                "observability.enabled", "true",
                "observability.spring.instrument-beans", "false",
                "observability.service.name", "orders"),
            Map.of());
    Set<String> declared = new java.util.HashSet<>();
    for (var key : SpringEnvironmentConfig.declaredKeys(null)) {
      declared.add(key.name());
    }
    assertThat(SpringEnvironmentConfig.unknownNames(environment, declared))
        .containsExactly("tracing.sampel-ratio");
    assertThat(List.copyOf(declared)).contains("service.name", "tracing.sample-ratio");
  }
}
