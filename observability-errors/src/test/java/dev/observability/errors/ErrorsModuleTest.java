package dev.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
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
  void start_malformedSentryDsn_isReportedWithEveryOtherProblem_withoutTheDsn() {
    ConfigurationException e =
        catchThrowableOfType(
            ConfigurationException.class,
            () ->
                ErrorsTesting.builder(Map.of("errors.sample-rate", "2", "shutdown.timeout", "soon"))
                    .environmentVariables(Map.of("SENTRY_DSN", "https://s3cr3tkey@sentry.example"))
                    .start());

    assertThat(e.problems()).hasSize(3);
    assertThat(e.problems().get(0)).startsWith("shutdown.timeout");
    assertThat(e.problems().get(1)).startsWith("errors.sample-rate");
    assertThat(e.problems().get(2))
        .isEqualTo(
            "errors: errors.dsn (system property observability.errors.dsn, environment"
                + " OBSERVABILITY_ERRORS_DSN or SENTRY_DSN) = (secret value not shown) (from"
                + " environment SENTRY_DSN): is not a Sentry DSN (no project id at the end of the"
                + " path);"
                + " expected http[s]://<key>@<host>/<project id>, as shown in Sentry's project"
                + " settings under Client Keys");
    assertThat(e.getMessage()).doesNotContain("s3cr3tkey").doesNotContain("sentry.example");
    assertThat(Observability.current()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://s3cr3t key@sentry.example/42",
        "ftp://s3cr3tkey@sentry.example/42",
        "s3cr3tkey@sentry.example/42",
        "https://sentry.example/42?s3cr3tkey",
        "https://s3cr3tkey@/42",
        "https://s3cr3tkey@sentry.example:99999/42",
        "https://:s3cr3tkey@sentry.example/42"
      })
  void start_malformedDsn_neverEchoesIt(String dsn) {
    ConfigurationException e =
        catchThrowableOfType(
            ConfigurationException.class,
            () -> ErrorsTesting.builder(Map.of("errors.dsn", dsn)).start());

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage())
        .contains("errors.dsn")
        .contains("= (secret value not shown) (from builder property errors.dsn)")
        .contains("is not a Sentry DSN (")
        .contains("expected http[s]://<key>@<host>/<project id>")
        .doesNotContain("s3cr3t")
        .doesNotContain("sentry.example");
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
