package dev.observability.logging.internal;

import dev.observability.ObservabilityConfig;
import dev.observability.logging.LogFormat;
import dev.observability.logging.LoggingConfig;
import java.time.Duration;

/**
 * The logging module's validated settings, read once from the facade's configuration. Immutable.
 *
 * @param format console line format
 * @param autoConfigure whether to replace Logback's default console output
 * @param level root level when the module configures Logback
 * @param accessLog whether HTTP server requests get an access-log line
 * @param callerData whether caller fields are written
 * @param maxEventSize cap on one line, in bytes
 * @param maxFrames frames printed per throwable
 * @param maxCauses throwables of a cause chain printed
 * @param maxStackTraceLength cap on the stack trace text, in characters
 * @param debugSampleRatio share of DEBUG and TRACE events kept
 * @param rateLimitEvents events allowed per template and interval (0: off)
 * @param rateLimitInterval the rate-limiting window
 * @param maxTemplates templates tracked for rate limiting
 * @param async whether the installed appender writes in batches on a background thread
 * @param queueSize lines one batch holds
 * @param bufferSize bytes one batch holds
 * @param flushInterval longest wait between a line and its write
 */
public record LoggingSettings(
    LogFormat format,
    boolean autoConfigure,
    String level,
    boolean accessLog,
    boolean callerData,
    int maxEventSize,
    int maxFrames,
    int maxCauses,
    int maxStackTraceLength,
    double debugSampleRatio,
    int rateLimitEvents,
    Duration rateLimitInterval,
    int maxTemplates,
    boolean async,
    int queueSize,
    int bufferSize,
    Duration flushInterval) {

  /** Reads the settings from validated configuration. */
  public static LoggingSettings from(ObservabilityConfig config) {
    return new LoggingSettings(
        config.get(LoggingConfig.FORMAT),
        config.get(LoggingConfig.AUTO_CONFIGURE),
        config.get(LoggingConfig.LEVEL),
        config.get(LoggingConfig.ACCESS_LOG),
        config.get(LoggingConfig.CALLER_DATA),
        config.get(LoggingConfig.MAX_EVENT_SIZE),
        config.get(LoggingConfig.EXCEPTION_MAX_FRAMES),
        config.get(LoggingConfig.EXCEPTION_MAX_CAUSES),
        config.get(LoggingConfig.EXCEPTION_MAX_LENGTH),
        config.get(LoggingConfig.DEBUG_SAMPLE_RATIO),
        config.get(LoggingConfig.RATE_LIMIT_EVENTS),
        config.get(LoggingConfig.RATE_LIMIT_INTERVAL),
        config.get(LoggingConfig.RATE_LIMIT_MAX_TEMPLATES),
        config.get(LoggingConfig.ASYNC),
        config.get(LoggingConfig.ASYNC_QUEUE_SIZE),
        config.get(LoggingConfig.ASYNC_BUFFER_SIZE),
        config.get(LoggingConfig.ASYNC_FLUSH_INTERVAL));
  }

  /**
   * These settings without the console appender ({@code logging.console=false}): the OTLP export
   * takes the console's place, so Logback's default console is replaced by nothing of this one's.
   */
  public LoggingSettings withoutConsole() {
    return new LoggingSettings(
        format,
        false,
        level,
        accessLog,
        callerData,
        maxEventSize,
        maxFrames,
        maxCauses,
        maxStackTraceLength,
        debugSampleRatio,
        rateLimitEvents,
        rateLimitInterval,
        maxTemplates,
        async,
        queueSize,
        bufferSize,
        flushInterval);
  }

  /** Whether sampling or rate limiting is on. */
  public boolean volumeControl() {
    return debugSampleRatio < 1.0 || rateLimitEvents > 0;
  }
}
