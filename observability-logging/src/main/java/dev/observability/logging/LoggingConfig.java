package dev.observability.logging;

import dev.observability.ConfigKey;
import java.time.Duration;
import java.util.List;

/**
 * The configuration keys of the logging module ({@code docs/configuration.md}, section Logging).
 * Each is read from the builder, the system property {@code observability.<key>} or the environment
 * variable {@code OBSERVABILITY_<KEY>}.
 */
public final class LoggingConfig {

  /** Console line format: {@code json}, {@code ecs} or {@code text}. */
  public static final ConfigKey<LogFormat> FORMAT =
      ConfigKey.enumValue("logging.format", LogFormat.class, LogFormat.JSON)
          .withStandardEnvironmentVariables("OBSERVABILITY_LOG_FORMAT")
          .describedAs(
              "Format of the console appender the module installs: json, ecs (Elastic Common"
                  + " Schema, for the ELK stack), or text for local development.");

  /** Whether to install the console appender when the host has no Logback configuration. */
  public static final ConfigKey<Boolean> AUTO_CONFIGURE =
      ConfigKey.bool("logging.auto-configure", true)
          .describedAs(
              "Replace Logback's default console output with ours when the host has no Logback"
                  + " configuration of its own.");

  /** Root level set when the module configures Logback itself. */
  public static final ConfigKey<String> LEVEL =
      ConfigKey.string("logging.level", "info")
          .validate(
              s ->
                  List.of("trace", "debug", "info", "warn", "error", "off")
                      .contains(s.toLowerCase(java.util.Locale.ROOT)),
              "must be one of trace, debug, info, warn, error, off")
          .describedAs("Root logger level when the module configures Logback itself.");

  /** Whether HTTP server requests get an access-log line. */
  public static final ConfigKey<Boolean> ACCESS_LOG =
      ConfigKey.bool("logging.access-log", true)
          .describedAs(
              "Write one access-log line per HTTP server request (logger dev.observability.access).");

  /** Whether caller fields are written. */
  public static final ConfigKey<Boolean> CALLER_DATA =
      ConfigKey.bool("logging.caller-data", false)
          .describedAs(
              "Add module (class), function (method) and line to every line; costs a stack walk.");

  /** The cap on one line, in bytes. */
  public static final ConfigKey<Integer> MAX_EVENT_SIZE =
      ConfigKey.integer("logging.max-event-size", JsonEncoder.DEFAULT_MAX_EVENT_SIZE, 2048, 1 << 20)
          .describedAs(
              "Cap on one JSON line in bytes; longer events are cut and marked truncated.");

  /** Frames printed per throwable. */
  public static final ConfigKey<Integer> EXCEPTION_MAX_FRAMES =
      ConfigKey.integer(
              "logging.exception.max-frames", JsonEncoder.DEFAULT_MAX_STACK_FRAMES, 1, 10_000)
          .describedAs("Stack frames printed per throwable.");

  /** Throwables of a cause chain printed. */
  public static final ConfigKey<Integer> EXCEPTION_MAX_CAUSES =
      ConfigKey.integer("logging.exception.max-causes", JsonEncoder.DEFAULT_MAX_CAUSES, 1, 100)
          .describedAs(
              "Throwables of a cause chain printed (the root cause and those nearest it).");

  /** Cap on the stack trace text. */
  public static final ConfigKey<Integer> EXCEPTION_MAX_LENGTH =
      ConfigKey.integer(
              "logging.exception.max-length",
              JsonEncoder.DEFAULT_MAX_STACK_TRACE_LENGTH,
              256,
              1 << 20)
          .describedAs("Cap on the stack trace text, in characters.");

  /** Share of DEBUG and TRACE events kept. */
  public static final ConfigKey<Double> DEBUG_SAMPLE_RATIO =
      ConfigKey.ratio("logging.debug-sample-ratio", 1.0)
          .describedAs("Share of DEBUG and TRACE events kept (1 keeps all).");

  /** Events allowed per logger and template per interval; 0 is off. */
  public static final ConfigKey<Integer> RATE_LIMIT_EVENTS =
      ConfigKey.integer("logging.rate-limit.events", 0, 0, 1_000_000)
          .describedAs(
              "Events allowed per logger and message template per interval; 0 turns rate limiting"
                  + " off.");

  /** The rate-limiting window. */
  public static final ConfigKey<Duration> RATE_LIMIT_INTERVAL =
      ConfigKey.duration("logging.rate-limit.interval", Duration.ofSeconds(1), Duration.ofHours(1))
          .describedAs("Rate-limiting window.");

  /** Templates tracked for rate limiting. */
  public static final ConfigKey<Integer> RATE_LIMIT_MAX_TEMPLATES =
      ConfigKey.integer("logging.rate-limit.max-templates", 1000, 1, 1_000_000)
          .describedAs("Distinct logger and template pairs tracked; the rest share one window.");

  /** Whether the installed console appender writes through a background thread. */
  public static final ConfigKey<Boolean> ASYNC =
      ConfigKey.bool("logging.async", false)
          .describedAs(
              "Write the installed console appender's lines on a background thread through a"
                  + " bounded queue.");

  /** Capacity of the async queue. */
  public static final ConfigKey<Integer> ASYNC_QUEUE_SIZE =
      ConfigKey.integer(
              "logging.async.queue-size", BoundedAsyncAppender.DEFAULT_QUEUE_SIZE, 16, 1 << 20)
          .describedAs("Capacity of the async queue, in events.");

  /** Every key of the module. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          FORMAT,
          AUTO_CONFIGURE,
          LEVEL,
          ACCESS_LOG,
          CALLER_DATA,
          MAX_EVENT_SIZE,
          EXCEPTION_MAX_FRAMES,
          EXCEPTION_MAX_CAUSES,
          EXCEPTION_MAX_LENGTH,
          DEBUG_SAMPLE_RATIO,
          RATE_LIMIT_EVENTS,
          RATE_LIMIT_INTERVAL,
          RATE_LIMIT_MAX_TEMPLATES,
          ASYNC,
          ASYNC_QUEUE_SIZE);

  private LoggingConfig() {}
}
