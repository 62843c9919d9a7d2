package dev.observability.errors;

import dev.observability.ConfigKey;
import dev.observability.ErrorReporter;
import dev.observability.ObservabilityConfig;
import dev.observability.errors.internal.ErrorTracker;
import dev.observability.errors.internal.ErrorsObservationFilter;
import dev.observability.errors.internal.ErrorsObservationHandler;
import dev.observability.errors.internal.ErrorsSettings;
import dev.observability.errors.internal.LogbackErrorCapture;
import dev.observability.errors.internal.LogbackPresence;
import dev.observability.errors.internal.SentryDsn;
import dev.observability.errors.internal.UncaughtExceptionCapture;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The errors module ({@code errors}, order 300): error tracking on Sentry.
 *
 * <p>With a DSN ({@code SENTRY_DSN} or {@code errors.dsn}, checked at start) it uses a Sentry
 * client of its own (not Sentry's global hub), built on a thread of its own when the first event is
 * to be sent, provides {@link ErrorReporter} (reached through {@code Observability.errors()}), adds
 * a handler and a filter to the spine that report observations ending with an exception or an HTTP
 * 5xx, adds a Logback turbo filter that reports ERROR log events with a throwable (when Logback is
 * the SLF4J backend), and wraps the JVM's default uncaught-exception handler. Each exception is
 * reported once, whichever of these sees it first.
 *
 * <p>Without a DSN it does nothing at all: no Sentry client, no handler, no log capture, and {@code
 * Observability.errors()} returns core's no-op reporter. {@code docs/errors.md} has the details.
 *
 * <p>Instances are stateless; {@link #start} is called once per {@code Observability} instance, on
 * the thread that starts it.
 */
public final class ErrorsModule implements ObservabilityModule {

  private static final Logger logger = LoggerFactory.getLogger(ErrorsModule.class);

  /** Creates the module; found through {@link java.util.ServiceLoader}. */
  public ErrorsModule() {}

  @Override
  public String name() {
    return "errors";
  }

  @Override
  public int order() {
    return ORDER_ERRORS;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return ErrorsConfig.ALL;
  }

  /**
   * Checks the DSN ({@link SentryDsn}), so that a malformed one fails {@code start()} together with
   * every other configuration problem rather than when the first event is sent. The problem never
   * shows the DSN, which holds the project's key.
   */
  @Override
  public List<String> validate(ObservabilityConfig config) {
    List<String> problems = new ArrayList<>();
    config
        .find(ErrorsConfig.DSN)
        .ifPresent(
            dsn -> {
              String problem = SentryDsn.problem(dsn.trim());
              if (problem != null) {
                problems.add(
                    config.problem(
                        ErrorsConfig.DSN,
                        "is not a Sentry DSN ("
                            + problem
                            + "); expected "
                            + ErrorsConfig.DSN_FORM
                            + ", as shown in Sentry's project settings under Client Keys"));
              }
            });
    return problems;
  }

  @Override
  public void start(ModuleContext context) {
    ErrorsSettings settings = ErrorsSettings.from(context.config(), context.service());
    if (settings == null) {
      logger.debug("observability errors module is off: no DSN (SENTRY_DSN or errors.dsn)");
      return;
    }
    ErrorTracker tracker =
        ErrorTracker.start(
            settings,
            context.scrubber(),
            context.observationRegistry(),
            context.meterRegistry(),
            context::reportInternalError);
    // Registered first, so closed last: the capture points below stop feeding it before it
    // flushes.
    context.onClose(tracker);
    context.provide(ErrorReporter.class, tracker);
    context.addObservationHandler(new ErrorsObservationHandler(tracker));
    context
        .observationRegistry()
        .observationConfig()
        .observationFilter(new ErrorsObservationFilter(tracker));
    if (settings.captureUncaught()) {
      context.onClose(UncaughtExceptionCapture.install(tracker));
    }
    if (settings.captureLogs() && LogbackPresence.isBackend()) {
      AutoCloseable capture = LogbackCapturing.install(tracker);
      if (capture != null) {
        context.onClose(capture);
      }
    }
  }

  /** Keeps Logback's classes out of {@link ErrorsModule} until Logback is known to be present. */
  private static final class LogbackCapturing {
    static @org.jspecify.annotations.Nullable AutoCloseable install(ErrorTracker tracker) {
      return LogbackErrorCapture.install(tracker);
    }
  }
}
