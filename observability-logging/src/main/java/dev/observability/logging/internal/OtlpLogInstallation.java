package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.InfoStatus;
import dev.observability.ServiceInfo;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Attaches the OTLP log appender to Logback's root logger, next to whatever writes the lines (the
 * module's console appender, or the host's own appenders), so that every event that reaches the
 * root also leaves as an OTLP log record. With {@code logging.console=false} and no Logback
 * configuration of the host's, it takes the place of Logback's default console instead (and sets
 * the root level, as the console appender would have). {@link #close()} detaches it, flushes what
 * is queued within the shutdown timeout and restores what it replaced.
 *
 * <p>Not thread-safe: installed and closed by the facade's start and close.
 */
public final class OtlpLogInstallation implements AutoCloseable {

  private final @Nullable LoggerContext context;
  private final @Nullable OtlpLogExport export;
  private final @Nullable OtlpLogAppender appender;
  private final List<Appender<ILoggingEvent>> replaced = new ArrayList<>();
  private @Nullable Level previousLevel;
  private boolean levelChanged;
  private boolean closed;

  private OtlpLogInstallation(
      @Nullable LoggerContext context,
      @Nullable OtlpLogExport export,
      @Nullable OtlpLogAppender appender) {
    this.context = context;
    this.export = export;
    this.appender = appender;
  }

  /**
   * Starts the export and attaches its appender. Does nothing when SLF4J is bound to another
   * backend than Logback.
   *
   * @param instead whether the appender replaces Logback's default console output (console off)
   */
  public static OtlpLogInstallation install(
      OtlpLogSettings settings,
      LoggingSettings logging,
      boolean instead,
      ServiceInfo service,
      Scrubber scrubber,
      MeterRegistry registry) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return new OtlpLogInstallation(null, null, null);
    }
    boolean replaceConsole =
        instead && logging.autoConfigure() && !LogbackInstallation.hasHostConfiguration(context);
    ContextAwareBase reporter = new ContextAwareBase();
    reporter.setContext(context);
    OtlpLogExport export =
        OtlpLogExport.start(settings, logging, service, scrubber, registry, reporter);
    OtlpLogAppender appender = export.appender(logging.callerData());
    appender.setContext(context);
    appender.start();
    OtlpLogInstallation installation = new OtlpLogInstallation(context, export, appender);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (replaceConsole) {
      for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
        installation.replaced.add(it.next());
      }
      installation.replaced.forEach(root::detachAppender);
      installation.previousLevel = root.getLevel();
      root.setLevel(Level.toLevel(logging.level(), Level.INFO));
      installation.levelChanged = true;
    }
    root.addAppender(appender);
    context
        .getStatusManager()
        .add(
            new InfoStatus(
                "Log records are exported over OTLP to "
                    + settings.endpoint()
                    + (replaceConsole ? " instead of the console" : ""),
                installation));
    return installation;
  }

  /** The export, or null when Logback is not the backend. */
  public @Nullable OtlpLogExport export() {
    return export;
  }

  /** Detaches the appender, flushes and stops the export, restores what it replaced. Idempotent. */
  @Override
  public void close() {
    if (closed || context == null || appender == null || export == null) {
      return;
    }
    closed = true;
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    // Detach and restore before the export's flush, which may wait for the collector: a close that
    // ends late (after the facade's close() gave up on it) must not put these appenders back into
    // a configuration the host made meanwhile. If the host reconfigured Logback, its
    // configuration stays.
    boolean stillOurs = root.detachAppender(appender);
    if (stillOurs) {
      for (Appender<ILoggingEvent> a : replaced) {
        root.addAppender(a);
      }
      if (levelChanged && previousLevel != null) {
        root.setLevel(previousLevel);
      }
    }
    try {
      export.close();
    } finally {
      appender.stop();
    }
  }
}
