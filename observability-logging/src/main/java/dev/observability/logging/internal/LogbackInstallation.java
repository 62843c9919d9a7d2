package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.layout.TTLLLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import dev.observability.logging.BatchingAppender;
import dev.observability.logging.JsonEncoder;
import dev.observability.logging.LogFormat;
import dev.observability.logging.LogVolumeFilter;
import dev.observability.logging.LogbackConfigurator;
import dev.observability.logging.TextEncoder;
import dev.observability.scrub.Scrubber;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * What the module changed in Logback, and how to undo it: the console appender it installed in
 * place of Logback's default one (a {@link BatchingAppender} on stdout unless {@code logging.async}
 * is off) (only when the host has no Logback configuration of its own), the root level it set then,
 * and the volume-control turbo filter. {@link #close()} restores what was there. Not thread-safe:
 * installed and closed by the facade's start and close.
 */
public final class LogbackInstallation implements AutoCloseable {

  /** Name of the console appender the module installs. */
  public static final String CONSOLE_APPENDER = "OBSERVABILITY_CONSOLE";

  private final @Nullable LoggerContext context;
  private final List<Appender<ILoggingEvent>> replaced = new ArrayList<>();
  private @Nullable Appender<ILoggingEvent> installed;
  private @Nullable Level previousLevel;
  private boolean levelChanged;
  private @Nullable LogVolumeFilter filter;
  private boolean closed;

  private LogbackInstallation(@Nullable LoggerContext context) {
    this.context = context;
  }

  /**
   * Installs what {@code settings} ask for into the Logback context behind SLF4J. Does nothing when
   * SLF4J is bound to another backend.
   */
  public static LogbackInstallation install(LoggingSettings settings, Scrubber scrubber) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return new LogbackInstallation(null);
    }
    LogbackInstallation installation = new LogbackInstallation(context);
    if (settings.autoConfigure() && !hasHostConfiguration(context)) {
      installation.installConsole(context, settings, scrubber);
    }
    if (settings.volumeControl()) {
      installation.installFilter(context, settings);
    }
    return installation;
  }

  /** Whether the module replaced Logback's default console output. */
  public boolean consoleInstalled() {
    return installed != null;
  }

  /** The volume filter the module installed, if any. */
  public @Nullable LogVolumeFilter filter() {
    return filter;
  }

  /**
   * Whether the host configured Logback itself: a configuration file was found or named ({@code
   * logback.configurationFile}), or appenders other than the one Logback's {@code
   * BasicConfigurator} adds by default, or the one {@link LogbackConfigurator} adds instead, are
   * attached anywhere.
   */
  public static boolean hasHostConfiguration(LoggerContext context) {
    if (System.getProperty("logback.configurationFile") != null) {
      return true;
    }
    if (ConfigurationWatchListUtil.getMainWatchURL(context) != null) {
      return true;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Logger logger : context.getLoggerList()) {
      if (logger != root && logger.iteratorForAppenders().hasNext()) {
        return true;
      }
    }
    List<Appender<ILoggingEvent>> appenders = appenders(root);
    if (appenders.isEmpty()) {
      return false;
    }
    return !(appenders.size() == 1
        && (isBasicConsole(appenders.get(0))
            || LogbackConfigurator.isStartupAppender(appenders.get(0))));
  }

  private static boolean isBasicConsole(Appender<ILoggingEvent> appender) {
    return appender instanceof ConsoleAppender<ILoggingEvent> console
        && "console".equals(console.getName())
        && console.getEncoder() instanceof LayoutWrappingEncoder<ILoggingEvent> encoder
        && encoder.getLayout() instanceof TTLLLayout;
  }

  private static List<Appender<ILoggingEvent>> appenders(Logger logger) {
    List<Appender<ILoggingEvent>> list = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
      list.add(it.next());
    }
    return list;
  }

  private void installConsole(LoggerContext context, LoggingSettings settings, Scrubber scrubber) {
    Encoder<ILoggingEvent> encoder;
    if (settings.format() == LogFormat.TEXT) {
      TextEncoder text = new TextEncoder();
      text.setMaxStackFrames(settings.maxFrames());
      text.setMaxCauses(settings.maxCauses());
      text.setMaxStackTraceLength(settings.maxStackTraceLength());
      text.setScrubber(scrubber);
      encoder = text;
    } else if (settings.format() == LogFormat.ECS) {
      encoder = EcsEncoders.of(settings, scrubber);
    } else {
      JsonEncoder json = new JsonEncoder();
      json.setMaxEventSize(settings.maxEventSize());
      json.setCallerData(settings.callerData());
      json.setMaxStackFrames(settings.maxFrames());
      json.setMaxCauses(settings.maxCauses());
      json.setMaxStackTraceLength(settings.maxStackTraceLength());
      json.setScrubber(scrubber);
      encoder = json;
    }
    encoder.setContext(context);
    encoder.start();
    Appender<ILoggingEvent> top;
    if (settings.async()) {
      BatchingAppender batching = new BatchingAppender();
      batching.setContext(context);
      batching.setName(CONSOLE_APPENDER);
      batching.setEncoder(encoder);
      batching.setMaxEvents(settings.queueSize());
      batching.setBufferSize(settings.bufferSize());
      batching.setFlushInterval(settings.flushInterval());
      batching.start();
      top = batching;
    } else {
      ConsoleAppender<ILoggingEvent> consoleAppender = new ConsoleAppender<>();
      consoleAppender.setContext(context);
      consoleAppender.setName(CONSOLE_APPENDER);
      consoleAppender.setEncoder(encoder);
      consoleAppender.start();
      top = consoleAppender;
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Appender<ILoggingEvent> appender : appenders(root)) {
      root.detachAppender(appender);
      replaced.add(appender);
    }
    previousLevel = root.getLevel();
    root.setLevel(Level.toLevel(settings.level(), Level.INFO));
    levelChanged = true;
    root.addAppender(top);
    installed = top;
    context
        .getStatusManager()
        .add(
            new ch.qos.logback.core.status.InfoStatus(
                "No Logback configuration found: installed the observability "
                    + settings.format().name().toLowerCase(java.util.Locale.ROOT)
                    + " console appender",
                this));
  }

  private void installFilter(LoggerContext context, LoggingSettings settings) {
    LogVolumeFilter volume = new LogVolumeFilter();
    volume.setContext(context);
    volume.setName("OBSERVABILITY_VOLUME");
    volume.setDebugSampleRatio(settings.debugSampleRatio());
    volume.setRateLimitEvents(settings.rateLimitEvents());
    volume.setRateLimitInterval(settings.rateLimitInterval());
    volume.setMaxTemplates(settings.maxTemplates());
    volume.start();
    context.addTurboFilter(volume);
    filter = volume;
  }

  /** Restores what was replaced. Idempotent. */
  @Override
  public void close() {
    if (closed || context == null) {
      return;
    }
    closed = true;
    LogVolumeFilter volume = filter;
    if (volume != null) {
      // Owed summaries go out through the appender that is still installed.
      volume.stop();
      context.getTurboFilterList().remove(volume);
    }
    Appender<ILoggingEvent> top = installed;
    if (top != null) {
      Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
      // What is queued goes out before the restored appenders write anything.
      if (top instanceof BatchingAppender batching) {
        batching.flush();
      }
      // Detach and restore with nothing that waits in between: a close that ends late (after the
      // facade's close() gave up on it) must not put these appenders back into a configuration
      // the host made meanwhile. If the host reconfigured Logback, its configuration stays.
      boolean stillOurs = root.detachAppender(top);
      if (stillOurs) {
        for (Appender<ILoggingEvent> appender : replaced) {
          root.addAppender(appender);
        }
        if (levelChanged && previousLevel != null) {
          root.setLevel(previousLevel);
        }
      }
      top.stop();
    }
  }
}
