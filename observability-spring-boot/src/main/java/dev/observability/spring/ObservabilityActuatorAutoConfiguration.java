package dev.observability.spring;

import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import dev.observability.health.HealthRegistry;
import dev.observability.spring.internal.ObservabilityHealthIndicator;
import dev.observability.spring.internal.SdkMeterObservationHandler;
import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Properties;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.metrics.export.prometheus.PrometheusScrapeEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Where the SDK meets Spring Boot Actuator:
 *
 * <ul>
 *   <li>Actuator's {@code /actuator/prometheus} scrapes the SDK's own Prometheus registry, so it
 *       shows exactly the series of the SDK's {@code /metrics} (the starter turns Actuator's own
 *       Prometheus registry off: {@code management.prometheus.metrics.export.enabled=false});
 *   <li>the SDK's health checks are the Actuator health component {@code observability} ({@code
 *       management.health.observability.enabled=false} leaves it out);
 *   <li>Actuator's default meter observation handler is replaced by one that times nothing, because
 *       the SDK's metrics module already times every observation of the shared registry.
 * </ul>
 */
@AutoConfiguration(
    after = ObservabilityAutoConfiguration.class,
    beforeName = {
      "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.health.HealthEndpointAutoConfiguration"
    })
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(Observability.class)
public class ObservabilityActuatorAutoConfiguration {

  /** Created by Spring. */
  public ObservabilityActuatorAutoConfiguration() {}

  /**
   * Keeps Actuator from timing each observation a second time.
   *
   * @return the bean
   */
  @Bean
  @ConditionalOnMissingBean(MeterObservationHandler.class)
  public SdkMeterObservationHandler observabilityMeterObservationHandler() {
    return new SdkMeterObservationHandler();
  }

  /** The SDK's checks as the Actuator health component {@code observability}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthRegistry.class)
  @ConditionalOnEnabledHealthIndicator("observability")
  static class Health {
    @Bean
    @ConditionalOnMissingBean(name = "observabilityHealthIndicator")
    HealthIndicator observabilityHealthIndicator(HealthRegistry registry) {
      return new ObservabilityHealthIndicator(registry, HealthEndpoint.Group.ALL);
    }
  }

  /** {@code /actuator/prometheus} over the SDK's registry. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass({PrometheusScrapeEndpoint.class, PrometheusMeterRegistry.class})
  @ConditionalOnAvailableEndpoint(endpoint = PrometheusScrapeEndpoint.class)
  static class Prometheus {
    @Bean
    @ConditionalOnMissingBean
    PrometheusScrapeEndpoint prometheusEndpoint(Observability observability) {
      PrometheusRegistry registry =
          observability
              .find(PrometheusMeterRegistry.class)
              .map(PrometheusMeterRegistry::getPrometheusRegistry)
              // Without the metrics module there is no Prometheus registry: an empty exposition.
              .orElseGet(PrometheusRegistry::new);
      return new PrometheusScrapeEndpoint(registry, new Properties());
    }
  }
}
