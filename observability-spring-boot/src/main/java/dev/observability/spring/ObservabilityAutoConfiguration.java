package dev.observability.spring;

import dev.observability.ErrorReporter;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.health.HealthRegistry;
import dev.observability.instrument.Instrumentation;
import dev.observability.metrics.Metrics;
import dev.observability.scrub.Scrubber;
import dev.observability.spring.internal.BatchedConsole;
import dev.observability.spring.internal.InstrumentedBeanPostProcessor;
import dev.observability.spring.internal.SpringEnvironmentConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.ClassUtils;

/**
 * Starts the SDK in a Spring Boot application: one {@link Observability} instance, configured from
 * Spring's {@code Environment} ({@code observability.*}), started when the application context
 * creates it and closed with the context. The instance and what its modules provide are beans: the
 * {@link Scrubber}, the {@link MeterRegistry} (the one registry of the application), the {@link
 * ObservationRegistry} (the one spine that Spring's own observations and the SDK's share), the
 * {@link OpenTelemetry} of the tracing module, {@link HealthRegistry}, {@link Metrics}, {@link
 * ErrorReporter} and {@link Instrumentation}. Beans with {@code @Instrumented} (or the other
 * annotations the SDK honours) are proxied so that their methods record without code.
 *
 * <p>Runs before Spring Boot Actuator's metrics and observation auto-configurations, whose own
 * registries then step aside ({@code @ConditionalOnMissingBean}). {@code
 * observability.enabled=false} turns the whole starter off. The decisions (one registry, one server
 * observation per request, one tracer, health direction) are in {@code docs/spring-boot.md}.
 */
@AutoConfiguration(
    beforeName = {
      "org.springframework.boot.actuate.autoconfigure.metrics.MetricsAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.metrics.export.prometheus.PrometheusMetricsExportAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.observation.ObservationAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.MicrometerTracingAutoConfiguration",
      "org.springframework.boot.actuate.autoconfigure.tracing.OpenTelemetryAutoConfiguration"
    })
@ConditionalOnClass(Observability.class)
@ConditionalOnBooleanProperty(name = "observability.enabled", matchIfMissing = true)
public class ObservabilityAutoConfiguration {

  static final String MICROMETER_TRACER = "io.micrometer.tracing.Tracer";

  /** Created by Spring. */
  public ObservabilityAutoConfiguration() {}

  /**
   * The running instance, configured from {@code environment}.
   *
   * @throws dev.observability.ConfigurationException when the configuration is invalid: the
   *     application fails to start with every problem and where each value came from
   * @throws IllegalStateException when Micrometer Tracing's tracer is configured beside the SDK's
   *     tracing module, or another instance already runs in this JVM
   * @param beans the application's bean factory
   * @param customizers customizers of the builder, applied in order
   * @param environment Spring's environment
   * @return the bean
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public Observability observability(
      ConfigurableEnvironment environment,
      ListableBeanFactory beans,
      ObjectProvider<ObservabilityBuilderCustomizer> customizers) {
    ObservabilityBuilder builder = Observability.builder();
    SpringEnvironmentConfig.apply(environment, builder);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    Observability observability = builder.start();
    try {
      refuseSecondTracer(observability, beans);
    } catch (RuntimeException e) {
      observability.close();
      throw e;
    }
    ObservabilityJsonFormatter.instanceRunning(true);
    return observability;
  }

  /**
   * One tracer: with the SDK's tracing module running, a Micrometer Tracing tracer (Spring Boot's
   * {@code micrometer-tracing-bridge-otel} or {@code -brave}) would start a second OpenTelemetry
   * SDK or Brave, with its own sampling and export, and trace every request twice.
   */
  private static void refuseSecondTracer(Observability observability, ListableBeanFactory beans) {
    if (!observability.modules().contains("tracing")
        || !ClassUtils.isPresent(
            MICROMETER_TRACER, ObservabilityAutoConfiguration.class.getClassLoader())) {
      return;
    }
    Class<?> tracerType =
        ClassUtils.resolveClassName(
            MICROMETER_TRACER, ObservabilityAutoConfiguration.class.getClassLoader());
    List<String> names = new ArrayList<>();
    for (String name : beans.getBeanNamesForType(tracerType, false, false)) {
      if (!isNoopTracer(beans, name)) {
        names.add(name);
      }
    }
    if (!names.isEmpty()) {
      throw new IllegalStateException(
          "Micrometer Tracing is configured (bean '"
              + names.get(0)
              + "' of type "
              + MICROMETER_TRACER
              + ") beside the observability tracing module: two tracers would trace every request"
              + " twice, with two samplers and two exporters. Keep one: remove"
              + " micrometer-tracing-bridge-otel / -brave from the application (the SDK traces"
              + " Spring's observations itself), or set management.tracing.enabled=false, or let"
              + " Micrometer Tracing trace and set observability.modules.disabled=tracing.");
    }
  }

  /**
   * Tells the console formatter when the instance stops, so that lines logged while the context
   * closes keep the service fields read from the environment. Destroyed before the instance, which
   * it depends on.
   */
  @Bean
  static DisposableBean observabilityFormatterReset(Observability observability) {
    return () -> ObservabilityJsonFormatter.instanceRunning(false);
  }

  /**
   * Spring Boot's stand-in when Micrometer Tracing is on the class path without a bridge: a tracer
   * that records nothing, so not a second tracer.
   */
  private static boolean isNoopTracer(ListableBeanFactory beans, String name) {
    if (beans instanceof ConfigurableListableBeanFactory factory
        && factory.containsBeanDefinition(name)) {
      String factoryBean = factory.getBeanDefinition(name).getFactoryBeanName();
      return factoryBean != null && factoryBean.endsWith("NoopTracerAutoConfiguration");
    }
    return false;
  }

  /**
   * The scrubber every output passes through; for the application's own outputs too.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  @ConditionalOnMissingBean
  public Scrubber observabilityScrubber(Observability observability) {
    return observability.scrubber();
  }

  /**
   * The application's one meter registry. Meters registered here reach the SDK's registry (and its
   * Prometheus registry, {@code /metrics} and {@code /actuator/prometheus}); Actuator's filters and
   * binders apply to it. It is a composite in front of the instance's registry, so that Actuator's
   * {@code management.metrics.*} filters are configured on it before any meter is registered.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  @Primary
  @ConditionalOnMissingBean(MeterRegistry.class)
  public ObservabilityMeterRegistry observabilityMeterRegistry(Observability observability) {
    return new ObservabilityMeterRegistry(observability);
  }

  /**
   * The SDK's spine as Spring's observation registry: Spring's own observations (clients,
   * {@code @Observed}, messaging) reach the same handlers, so they are traced, timed and correlated
   * like the SDK's. Spring MVC's server observation is the exception: {@code ObservabilityFilter}
   * observes each request once, and {@link ObservabilityServletAutoConfiguration} keeps Spring's
   * filter from being registered and mutes its observation.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  @ConditionalOnMissingBean
  public ObservationRegistry observationRegistry(Observability observability) {
    return observability.observationRegistry();
  }

  /**
   * The OpenTelemetry API of the tracing module (a no-op without it).
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  @ConditionalOnMissingBean
  public OpenTelemetry observabilityOpenTelemetry(Observability observability) {
    return observability.openTelemetry();
  }

  /**
   * Explicit error capture (a no-op without the errors module).
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  @ConditionalOnMissingBean
  public ErrorReporter observabilityErrorReporter(Observability observability) {
    return observability.errors();
  }

  /**
   * Annotation-driven recording for code that instruments by hand.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  @ConditionalOnMissingBean
  public Instrumentation observabilityInstrumentation(Observability observability) {
    return Instrumentation.of(observability);
  }

  /**
   * Proxies beans whose methods carry {@code @Instrumented}, {@code @Observed}, {@code @Timed},
   * {@code @Counted} or {@code @WithSpan}. Static, so that it does not start the instance early;
   * the instance is looked up at the first recorded call.
   *
   * @param instrumentation the instrumentation, looked up at the first recorded call
   * @return the bean
   */
  @Bean
  @ConditionalOnBooleanProperty(
      name = "observability.spring.instrument-beans",
      matchIfMissing = true)
  public static InstrumentedBeanPostProcessor observabilityInstrumentedBeanPostProcessor(
      ObjectProvider<Instrumentation> instrumentation) {
    return new InstrumentedBeanPostProcessor(instrumentation);
  }

  /** The health module's registry, where the application registers its checks. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthRegistry.class)
  static class HealthConfiguration {
    @Bean
    @ConditionalOnMissingBean
    HealthRegistry observabilityHealthRegistry(Observability observability) {
      return HealthRegistry.of(observability);
    }
  }

  /**
   * The logging module's batching console in place of Spring Boot's console appender, where Spring
   * Boot writes the SDK's JSON with its own Logback set-up ({@link BatchedConsole}).
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(
      name = {
        "dev.observability.logging.BatchingAppender",
        "ch.qos.logback.classic.LoggerContext",
        "org.springframework.boot.logging.logback.StructuredLogEncoder"
      })
  static class ConsoleConfiguration {
    @Bean
    BatchedConsole observabilityBatchedConsole(
        Observability observability, ConfigurableEnvironment environment) {
      return BatchedConsole.install(observability, environment);
    }
  }

  /** The metrics module's helpers: business counters, database pools and queries. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Metrics.class)
  static class MetricsConfiguration {
    @Bean
    @ConditionalOnMissingBean
    Metrics observabilityMetrics(Observability observability) {
      return Metrics.of(observability);
    }
  }
}
