package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.observability.ConfigurationException;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Start-up configuration errors with every module of the SDK on the class path, as a service built
 * like the example meets them: one exception with every problem, module names checked, typos
 * answered with the key that was meant.
 */
class ConfigurationErrorsTest {

  private static ObservabilityBuilder withEnvironment(Map<String, String> environment) {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(environment)
        .property("shutdown.hook", "false")
        .property("logging.auto-configure", "false");
  }

  @Test
  void start_everyKindOfProblem_isListedInOneException() {
    ConfigurationException e =
        catchThrowableOfType(
            ConfigurationException.class,
            () ->
                withEnvironment(
                        Map.of(
                            "SENTRY_DSN", "https://0123456789abcdef@o1.ingest.sentry.io",
                            "OBSERVABILITY_TRACING_SAMPLE_RATIO", "2",
                            "OBSERVABILITY_MODULES_DISABLED", "tracingg",
                            "OBSERVABILITY_METRICS_SERVER_HOST", "0.0.0.0"))
                    .start());

    assertThat(e.problems()).hasSize(4);
    assertThat(e.problems().get(0))
        .startsWith(
            "tracing.sample-ratio (system property observability.tracing.sample-ratio,"
                + " environment OBSERVABILITY_TRACING_SAMPLE_RATIO) = '2' (from environment"
                + " OBSERVABILITY_TRACING_SAMPLE_RATIO): must be a number between 0 and 1");
    assertThat(e.problems().get(1))
        .startsWith("modules.disabled (system property observability.modules.disabled")
        .contains("= 'tracingg' (from environment OBSERVABILITY_MODULES_DISABLED)")
        .contains("'tracingg' (did you mean 'tracing'?) is not one")
        .contains("Modules on the class path: errors, health, logging, metrics, servlet, tracing");
    assertThat(e.problems().get(2))
        .startsWith(
            "metrics: metrics.server.host (system property observability.metrics.server.host")
        .contains("= '0.0.0.0' (from environment OBSERVABILITY_METRICS_SERVER_HOST)");
    assertThat(e.problems().get(3))
        .startsWith("errors: errors.dsn (system property observability.errors.dsn")
        .contains("(from environment SENTRY_DSN)")
        .contains("expected http[s]://<key>@<host>/<project id>");
    assertThat(e.getMessage()).doesNotContain("0123456789abcdef");
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void start_misspeltModuleToDisable_failsInsteadOfStartingIt() {
    ConfigurationException e =
        catchThrowableOfType(
            ConfigurationException.class,
            () -> withEnvironment(Map.of("OBSERVABILITY_MODULES_DISABLED", "tracingg")).start());

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage())
        .contains("did you mean 'tracing'?")
        .contains("Modules on the class path: errors, health, logging, metrics, servlet, tracing");
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void start_misspeltKey_warnsWithTheKeyThatWasMeant() {
    Logger facade = (Logger) LoggerFactory.getLogger(Observability.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    facade.addAppender(warnings);
    try (Observability obs =
        withEnvironment(Map.of("OBSERVABILITY_TRACING_SAMPLE_RATE", "0.5")).start()) {
      assertThat(obs.modules()).contains("tracing");
    } finally {
      facade.detachAppender(warnings);
    }

    assertThat(warnings.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .contains(
            "observability configuration environment OBSERVABILITY_TRACING_SAMPLE_RATE is not read"
                + " by core or by any module on the class path; did you mean"
                + " OBSERVABILITY_TRACING_SAMPLE_RATIO?");
  }
}
