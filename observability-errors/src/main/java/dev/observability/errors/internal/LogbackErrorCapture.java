package dev.observability.errors.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggerContextListener;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;
import org.slf4j.event.LoggingEvent;
import org.slf4j.helpers.MessageFormatter;

/**
 * Captures ERROR log events that carry a throwable, as a Logback {@link TurboFilter} that always
 * answers {@code NEUTRAL} (it never changes what is logged). Loaded only when {@link
 * LogbackPresence#isBackend()} holds.
 *
 * <p>A turbo filter rather than an appender: it runs on the logging thread before any appender (so
 * the current observation, span and MDC are the caller's, even when an asynchronous appender writes
 * the line later, and the event id it puts in the MDC is on that very log line), it sees events
 * whatever appenders the host or the logging module configure, and it does not count as host
 * configuration for the logging module. It survives a Logback reconfiguration ({@code reset()}): a
 * reset-resistant context listener adds it again.
 *
 * <p>Captured: level ERROR, a throwable (explicit or as the last argument), a logger whose
 * effective level lets ERROR through. Not captured: ERROR without a throwable; Sentry's and this
 * module's own loggers; anything logged while a capture runs on the same thread.
 *
 * <p>Thread-safe. {@link #close()} removes the filter and the listener.
 */
public final class LogbackErrorCapture extends TurboFilter
    implements AutoCloseable, LoggerContextListener {

  private static final String NAME = "observability-errors";

  private final LoggerContext loggerContext;
  private final ErrorTracker tracker;
  private volatile boolean closed;

  private LogbackErrorCapture(LoggerContext loggerContext, ErrorTracker tracker) {
    this.loggerContext = loggerContext;
    this.tracker = tracker;
    setName(NAME);
    setContext(loggerContext);
  }

  /**
   * Adds the filter to SLF4J's Logback context.
   *
   * @return the capture, to close at shutdown; null when SLF4J's factory is not Logback's
   */
  public static @Nullable LogbackErrorCapture install(ErrorTracker tracker) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext loggerContext)) {
      return null;
    }
    LogbackErrorCapture capture = new LogbackErrorCapture(loggerContext, tracker);
    capture.attach();
    loggerContext.addListener(capture);
    return capture;
  }

  private void attach() {
    if (!loggerContext.getTurboFilterList().contains(this)) {
      start();
      loggerContext.addTurboFilter(this);
    }
  }

  @Override
  public FilterReply decide(
      @Nullable Marker marker,
      Logger logger,
      Level level,
      @Nullable String format,
      Object @Nullable [] params,
      @Nullable Throwable t) {
    if (level == null || level.levelInt < Level.ERROR_INT || (t == null && params == null)) {
      return FilterReply.NEUTRAL;
    }
    Throwable error = t != null ? t : MessageFormatter.getThrowableCandidate(params);
    if (error != null && captures(logger)) {
      capture(logger, format, params, error, null);
    }
    return FilterReply.NEUTRAL;
  }

  @Override
  public FilterReply decide(Logger logger, LoggingEvent event) {
    if (event.getLevel() == null
        || event.getLevel().toInt() < org.slf4j.event.Level.ERROR.toInt()) {
      return FilterReply.NEUTRAL;
    }
    Object[] params = event.getArgumentArray();
    Throwable error =
        event.getThrowable() != null
            ? event.getThrowable()
            : MessageFormatter.getThrowableCandidate(params);
    if (error != null && captures(logger)) {
      capture(logger, event.getMessage(), params, error, event.getKeyValuePairs());
    }
    return FilterReply.NEUTRAL;
  }

  private boolean captures(Logger logger) {
    return !closed
        && logger.getEffectiveLevel().levelInt <= Level.ERROR_INT
        && !ErrorTracker.isOwnLogger(logger.getName());
  }

  private void capture(
      Logger logger,
      @Nullable String format,
      Object @Nullable [] params,
      Throwable error,
      @Nullable List<KeyValuePair> pairs) {
    try {
      String formatted = format == null ? "" : MessageFormatter.basicArrayFormat(format, params);
      tracker.onLogEvent(
          error, new LogDetails(logger.getName(), format, formatted, mdc(), keyValues(pairs)));
    } catch (RuntimeException e) {
      // Reported to Logback's status manager, never to a logger that could loop back here.
      addWarn("observability errors: failed to capture a log event", e);
    }
  }

  private static Map<String, String> mdc() {
    Map<String, String> copy = MDC.getCopyOfContextMap();
    if (copy == null || copy.isEmpty()) {
      return Map.of();
    }
    Map<String, String> mdc = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : copy.entrySet()) {
      if (mdc.size() >= ErrorEventConvention.MAX_LOG_FIELDS) {
        break;
      }
      if (entry.getKey() != null && entry.getValue() != null) {
        mdc.put(entry.getKey(), ErrorEventConvention.cut(entry.getValue()));
      }
    }
    return mdc;
  }

  private static Map<String, Object> keyValues(@Nullable List<KeyValuePair> pairs) {
    if (pairs == null || pairs.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> keyValues = new LinkedHashMap<>();
    for (KeyValuePair pair : pairs) {
      if (keyValues.size() >= ErrorEventConvention.MAX_LOG_FIELDS) {
        break;
      }
      if (pair != null && pair.key != null) {
        Object value = pair.value;
        keyValues.put(
            pair.key,
            value instanceof Number || value instanceof Boolean
                ? value
                : ErrorEventConvention.cut(String.valueOf(value)));
      }
    }
    return keyValues;
  }

  @Override
  public void close() {
    closed = true;
    loggerContext.removeListener(this);
    loggerContext.getTurboFilterList().remove(this);
    stop();
  }

  @Override
  public boolean isResetResistant() {
    return true;
  }

  @Override
  public void onStart(LoggerContext context) {}

  @Override
  public void onReset(LoggerContext context) {
    if (!closed) {
      attach();
    }
  }

  @Override
  public void onStop(LoggerContext context) {}

  @Override
  public void onLevelChange(Logger logger, Level level) {}
}
