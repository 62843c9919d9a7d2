package dev.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.LoggerContext;
import dev.observability.ConfigurationException;
import dev.observability.ErrorReporter;
import dev.observability.Observability;
import dev.observability.errors.internal.ErrorTracker;
import dev.observability.errors.internal.LogbackErrorCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ErrorsModuleTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void start_withoutDsn_isQuietNoop() {
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    try (Observability obs = ErrorsTesting.builder(Map.of()).meterRegistry(registry).start()) {
      assertThat(obs.modules()).containsExactly("errors");
      assertThat(obs.find(ErrorReporter.class)).isEmpty();
      assertThat(obs.errors().capture(new IllegalStateException("nobody listens"))).isEmpty();
      assertThat(obs.errors().capture("nobody listens")).isEmpty();
      assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(before);
      assertThat(logbackFilters()).isZero();
      assertThat(registry.find("observability.errors.sent").counter()).isNull();
    }
  }

  @Test
  void start_dsnFromSentryDsnVariable_sendsEventWithServiceEnvironmentAndRelease()
      throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.builder(Map.of())
                .environmentVariables(Map.of("SENTRY_DSN", sentry.dsn()))
                .meterRegistry(registry)
                .start()) {
      String id = obs.errors().capture(new IllegalStateException("inventory unavailable"));

      assertThat(id).hasSize(32);
      SentryEvent event = sentry.awaitEvent(e -> e.getEventId().toString().equals(id));
      assertThat(event.getEnvironment()).isEqualTo("staging");
      assertThat(event.getRelease()).isEqualTo("1.4.2");
      assertThat(event.getServerName()).isEqualTo("test-host");
      assertThat(event.getLevel()).isEqualTo(SentryLevel.ERROR);
      assertThat(event.getTags())
          .containsEntry("environment", "staging")
          .containsEntry("release", "1.4.2")
          .containsEntry("source", "api");
      assertThat(FakeSentry.hasException(event, "inventory unavailable")).isTrue();
    }
  }

  @Test
  void start_sentryEnvironmentAndRelease_overrideServiceValues() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.builder(Map.of())
                .environmentVariables(
                    Map.of(
                        "SENTRY_DSN", sentry.dsn(),
                        "SENTRY_ENVIRONMENT", "eu-prod",
                        "SENTRY_RELEASE", "checkout@1.4.2+7"))
                .meterRegistry(registry)
                .start()) {
      String id = obs.errors().capture("cart total mismatch");

      SentryEvent event = sentry.awaitEvent(e -> e.getEventId().toString().equals(id));
      assertThat(event.getEnvironment()).isEqualTo("eu-prod");
      assertThat(event.getRelease()).isEqualTo("checkout@1.4.2+7");
      assertThat(FakeSentry.formatted(event)).isEqualTo("cart total mismatch");
    }
  }

  @Test
  void start_invalidDsn_failsWithMessageNamingTheKey() {
    assertThatThrownBy(
            () -> ErrorsTesting.builder(Map.of("errors.dsn", "http://127.0.0.1:9/1")).start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("errors.dsn")
        .hasMessageContaining("public key");
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void start_invalidSampleRate_failsWithMessageNamingTheKey() {
    assertThatThrownBy(
            () ->
                ErrorsTesting.builder(
                        Map.of("errors.dsn", "http://k@127.0.0.1:9/1", "errors.sample-rate", "2"))
                    .start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("errors.sample-rate");
  }

  @Test
  void close_restoresUncaughtHandlerAndRemovesLogCapture_andIsIdempotent() throws Exception {
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    int filtersBefore = logbackFilters();
    try (FakeSentry sentry = new FakeSentry()) {
      Observability obs = ErrorsTesting.start(sentry, registry, Map.of());
      assertThat(Thread.getDefaultUncaughtExceptionHandler()).isNotSameAs(before);
      assertThat(logbackFilters()).isEqualTo(filtersBefore + 1);
      ErrorReporter reporter = obs.errors();

      obs.close();
      obs.close();

      assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(before);
      assertThat(logbackFilters()).isEqualTo(filtersBefore);
      assertThat(((ErrorTracker) reporter).isClosed()).isTrue();
      assertThat(reporter.capture(new IllegalStateException("after close"))).isEmpty();
    }
  }

  @Test
  void start_captureSwitchesOff_installNeitherHandlerNorLogCapture() throws Exception {
    Thread.UncaughtExceptionHandler before = Thread.getDefaultUncaughtExceptionHandler();
    int filtersBefore = logbackFilters();
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(
                sentry,
                registry,
                Map.of("errors.capture-uncaught", "false", "errors.capture-logs", "false"))) {
      assertThat(Thread.getDefaultUncaughtExceptionHandler()).isSameAs(before);
      assertThat(logbackFilters()).isEqualTo(filtersBefore);
      assertThat(obs.find(ErrorReporter.class)).isPresent();
    }
  }

  @Test
  void logbackReset_keepsLogCaptureInstalled() throws Exception {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      context.reset();
      try {
        assertThat(context.getTurboFilterList()).anyMatch(f -> f instanceof LogbackErrorCapture);

        IllegalStateException error = new IllegalStateException("after a reconfiguration");
        LoggerFactory.getLogger("com.example.Reconfigured").error("failed", error);

        sentry.awaitEvent(e -> FakeSentry.hasException(e, "after a reconfiguration"));
        assertThat(obs.internalErrorCount("errors")).isZero();
      } finally {
        reconfigureLogbackForTests(context);
      }
    }
  }

  private static void reconfigureLogbackForTests(LoggerContext context) throws Exception {
    context.reset();
    new ch.qos.logback.classic.util.ContextInitializer(context).autoConfig();
  }

  private static int logbackFilters() {
    return (int)
        ((LoggerContext) LoggerFactory.getILoggerFactory())
            .getTurboFilterList().stream().filter(f -> f instanceof LogbackErrorCapture).count();
  }
}
