package dev.observability.spring.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.ClassUtils;

/**
 * Adds the starter's defaults to Spring's environment, as the property source of lowest precedence,
 * so that anything the application sets wins:
 *
 * <ul>
 *   <li>{@code logging.structured.format.console} names {@code ObservabilityJsonFormatter}: Spring
 *       Boot's console output (its start-up lines included) is the SDK's JSON, and with it {@code
 *       spring.main.banner-mode=off}, so that standard output holds one JSON object a line;
 *   <li>{@code management.prometheus.metrics.export.enabled=false}: Actuator's {@code
 *       /actuator/prometheus} is served by the starter from the SDK's own Prometheus registry,
 *       instead of a second registry that Actuator would create;
 *   <li>{@code management.otlp.metrics.export.enabled=false}: the metrics module brings
 *       Micrometer's OTLP registry, which Spring Boot would otherwise start on its own (pushing to
 *       {@code localhost:4318}); OTLP push is the SDK's {@code metrics.exporter=otlp} ({@code
 *       OTEL_METRICS_EXPORTER}), with the SDK's registry, filters and counters.
 * </ul>
 *
 * <p>None of them when the starter is turned off ({@code observability.enabled=false}): the
 * application is then Spring Boot's own, with Spring Boot's console format and Actuator's own
 * Prometheus registry, as without the starter on the class path.
 *
 * <p>Registered in {@code META-INF/spring.factories}; runs once per environment, after the
 * application's property files are read and before logging is initialised.
 */
public final class ObservabilityEnvironmentPostProcessor implements EnvironmentPostProcessor {

  /** Name of the property source holding the defaults. */
  public static final String SOURCE_NAME = "observabilityDefaults";

  /** The formatter named in {@code logging.structured.format.console}. */
  public static final String FORMATTER = "dev.observability.spring.ObservabilityJsonFormatter";

  static final String CONSOLE_FORMAT = "logging.structured.format.console";

  /** The starter's switch, as the auto-configuration reads it. */
  static final String ENABLED = "observability.enabled";

  /** Created by Spring Boot. */
  public ObservabilityEnvironmentPostProcessor() {}

  @Override
  public void postProcessEnvironment(
      ConfigurableEnvironment environment, SpringApplication application) {
    if (!environment.getProperty(ENABLED, Boolean.class, true)) {
      return;
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    ClassLoader loader = ObservabilityEnvironmentPostProcessor.class.getClassLoader();
    if (ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", loader)
        && ClassUtils.isPresent("dev.observability.logging.JsonEncoder", loader)
        && !environment.containsProperty(CONSOLE_FORMAT)) {
      defaults.put(CONSOLE_FORMAT, FORMATTER);
      defaults.put("spring.main.banner-mode", "off");
    }
    defaults.put("management.prometheus.metrics.export.enabled", "false");
    defaults.put("management.otlp.metrics.export.enabled", "false");
    if (!environment.getPropertySources().contains(SOURCE_NAME)) {
      environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
  }
}
