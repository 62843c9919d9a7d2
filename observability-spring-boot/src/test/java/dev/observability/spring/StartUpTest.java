package dev.observability.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.ConsoleAppender;
import dev.observability.ConfigurationException;
import dev.observability.Observability;
import dev.observability.logging.BatchingAppender;
import dev.observability.spring.internal.BatchedConsole;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Start-up and shutdown of the instance with the application context, without a web server. */
class StartUpTest {

  /** An application with nothing but auto-configuration. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class Empty {}

  /** An application where Micrometer Tracing's tracer is configured too. */
  @Configuration(proxyBeanMethods = false)
  @EnableAutoConfiguration
  static class WithMicrometerTracer {
    @Bean
    io.micrometer.tracing.Tracer micrometerTracer() {
      return io.micrometer.tracing.Tracer.NOOP;
    }
  }

  @AfterEach
  void noInstanceLeft() {
    assertThat(Observability.current()).isEmpty();
  }

  private static SpringApplicationBuilder app(Class<?> source) {
    return new SpringApplicationBuilder(source).web(WebApplicationType.NONE);
  }

  @Test
  void invalidSpringProperty_failsStartUp_naming_theKeyAndTheSpringSource() {
    assertThatThrownBy(() -> app(Empty.class).run("--observability.tracing.sample-ratio=most"))
        .hasRootCauseInstanceOf(ConfigurationException.class)
        .rootCause()
        .hasMessageContaining("tracing.sample-ratio (system property observability.tracing")
        .hasMessageContaining("= 'most' (from Spring property observability.tracing.sample-ratio")
        .hasMessageContaining("commandLineArgs");
  }

  @Test
  void contextClose_closesTheInstance_andANewContextMayStartAfter() {
    Observability first;
    try (ConfigurableApplicationContext context = app(Empty.class).run()) {
      first = context.getBean(Observability.class);
      assertThat(Observability.current()).containsSame(first);
    }
    assertThat(first.isClosed()).isTrue();
    try (ConfigurableApplicationContext context = app(Empty.class).run()) {
      assertThat(context.getBean(Observability.class)).isNotSameAs(first);
    }
  }

  @Test
  void secondContextInOneJvm_whileTheFirstRuns_failsWithTheOneInstanceMessage() {
    try (ConfigurableApplicationContext context = app(Empty.class).run()) {
      assertThatThrownBy(() -> app(Empty.class).run())
          .hasRootCauseInstanceOf(IllegalStateException.class)
          .rootCause()
          .hasMessageContaining("Observability is already running in this JVM");
      assertThat(context.getBean(Observability.class).isClosed()).isFalse();
    }
  }

  @Test
  void micrometerTracingBesideTheTracingModule_isRefusedWithTheWaysOut() {
    assertThatThrownBy(() -> app(WithMicrometerTracer.class).run())
        .rootCause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Micrometer Tracing is configured")
        .hasMessageContaining("observability.modules.disabled=tracing");
  }

  @Test
  void micrometerTracingWithTheTracingModuleDisabled_starts() {
    try (ConfigurableApplicationContext context =
        app(WithMicrometerTracer.class).run("--observability.modules.disabled=tracing")) {
      assertThat(context.getBean(Observability.class).modules()).doesNotContain("tracing");
    }
  }

  @Test
  void disabledStarter_startsNoInstance() {
    try (ConfigurableApplicationContext context =
        app(Empty.class).run("--observability.enabled=false")) {
      assertThat(context.getBeansOfType(Observability.class)).isEmpty();
      // Spring Boot's own set-up, as without the starter: Actuator's Prometheus registry, Spring
      // Boot's console format, its banner.
      assertThat(context.getBeansOfType(PrometheusMeterRegistry.class)).hasSize(1);
      assertThat(context.getEnvironment().getPropertySources().contains("observabilityDefaults"))
          .isFalse();
      assertThat(context.getEnvironment().getProperty("logging.structured.format.console"))
          .isNull();
      assertThat(context.getEnvironment().getProperty("spring.main.banner-mode")).isNull();
    }
  }

  private static ch.qos.logback.classic.Logger rootLogger() {
    return ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
  }

  @Test
  void springBootsConsole_isBatchedWhileTheInstanceRuns_andPutBackWhenTheContextCloses() {
    try (ConfigurableApplicationContext context = app(Empty.class).run()) {
      assertThat(context.getBean(BatchedConsole.class).isInstalled()).isTrue();
      assertThat(rootLogger().getAppender(BatchedConsole.NAME))
          .isInstanceOf(BatchingAppender.class);
      assertThat(rootLogger().getAppender("CONSOLE")).isNull();
    }
    assertThat(rootLogger().getAppender(BatchedConsole.NAME)).isNull();
    assertThat(rootLogger().getAppender("CONSOLE")).isInstanceOf(ConsoleAppender.class);
  }

  @Test
  void springBootsConsole_staysWithAsyncLoggingOff_orWithAnotherFormat() {
    try (ConfigurableApplicationContext context =
        app(Empty.class).run("--observability.logging.async=false")) {
      assertThat(context.getBean(BatchedConsole.class).isInstalled()).isFalse();
      assertThat(rootLogger().getAppender("CONSOLE")).isInstanceOf(ConsoleAppender.class);
      assertThat(rootLogger().getAppender(BatchedConsole.NAME)).isNull();
    }
    try (ConfigurableApplicationContext context =
        app(Empty.class).run("--logging.structured.format.console=logstash")) {
      assertThat(context.getBean(BatchedConsole.class).isInstalled()).isFalse();
      assertThat(rootLogger().getAppender("CONSOLE")).isInstanceOf(ConsoleAppender.class);
    }
  }

  @Test
  void enabledStarter_turnsActuatorsOwnPrometheusRegistryOff() {
    try (ConfigurableApplicationContext context = app(Empty.class).run()) {
      assertThat(context.getBeansOfType(PrometheusMeterRegistry.class)).isEmpty();
      assertThat(context.getEnvironment().getProperty("logging.structured.format.console"))
          .isEqualTo("dev.observability.spring.ObservabilityJsonFormatter");
    }
  }
}
