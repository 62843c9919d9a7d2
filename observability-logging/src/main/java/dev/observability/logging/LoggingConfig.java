package dev.observability.logging;

import dev.observability.ConfigKey;
import dev.observability.internal.OtlpConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
              "Replace Logback's default console output with ours, from the process's first line,"
                  + " when the host has no Logback configuration of its own.");

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

  /** Whether the installed console appender writes in batches on a background thread. */
  public static final ConfigKey<Boolean> ASYNC =
      ConfigKey.bool("logging.async", true)
          .describedAs(
              "Write the installed console appender's lines in batches on a background thread"
                  + " (BatchingAppender): one write per batch instead of one per line. Lines reach"
                  + " stdout up to logging.async.flush-interval later; false writes each line as it"
                  + " is logged. In Spring Boot this also covers Spring Boot's own console while it"
                  + " writes the SDK's JSON (the starter's default).");

  /** Cap on the lines of one batch. */
  public static final ConfigKey<Integer> ASYNC_QUEUE_SIZE =
      ConfigKey.integer(
              "logging.async.queue-size", BatchingAppender.DEFAULT_MAX_EVENTS, 16, 1 << 20)
          .describedAs(
              "Lines one batch holds; past it (or past logging.async.buffer-size) TRACE to INFO"
                  + " lines are dropped and counted, WARN and ERROR are written by their thread.");

  /** Capacity of one batch, in bytes. */
  public static final ConfigKey<Integer> ASYNC_BUFFER_SIZE =
      ConfigKey.integer(
              "logging.async.buffer-size",
              BatchingAppender.DEFAULT_BUFFER_SIZE,
              16 * 1024,
              64 * 1024 * 1024)
          .describedAs(
              "Bytes one batch holds (two batches are held: one being written, one filling).");

  /** Longest wait between a line and its write. */
  public static final ConfigKey<Duration> ASYNC_FLUSH_INTERVAL =
      ConfigKey.duration(
              "logging.async.flush-interval",
              BatchingAppender.DEFAULT_FLUSH_INTERVAL,
              Duration.ofSeconds(10))
          .validate(d -> d.toMillis() >= 1, "must be at least 1ms")
          .describedAs(
              "Longest wait between a line being logged and its batch being written (at least"
                  + " 1 ms).");

  /** Whether a request's DEBUG lines are held and written only if the request fails. */
  public static final ConfigKey<Boolean> DEBUG_ON_ERROR =
      ConfigKey.bool("logging.debug-on-error", false)
          .describedAs(
              "Hold the DEBUG lines an HTTP request logs (where DEBUG is off) and write them only"
                  + " if the request fails (5xx or an exception), marked \"buffered\":true; the"
                  + " request's error event carries them as breadcrumbs. Otherwise discarded.");

  /** Logger name prefixes whose DEBUG lines are held; empty for the application's loggers. */
  public static final ConfigKey<List<String>> DEBUG_ON_ERROR_LOGGERS =
      ConfigKey.stringList("logging.debug-on-error.loggers", List.of())
          .describedAs(
              "Logger name prefixes whose DEBUG lines logging.debug-on-error holds; empty (the"
                  + " default): every logger outside well-known library, framework and server"
                  + " packages (Jetty, Tomcat, Spring, the JDK, ...).");

  /** Lines held per request; past it the oldest are dropped and counted. */
  public static final ConfigKey<Integer> DEBUG_ON_ERROR_MAX_LINES =
      ConfigKey.integer("logging.debug-on-error.max-lines", 100, 1, 10_000)
          .describedAs(
              "DEBUG lines held per request (the last ones are kept); older ones are dropped and"
                  + " counted.");

  /** Bytes held over all requests. */
  public static final ConfigKey<Integer> DEBUG_ON_ERROR_MAX_BYTES =
      ConfigKey.integer("logging.debug-on-error.max-bytes", 4 << 20, 64 << 10, 1 << 30)
          .describedAs(
              "Bytes of DEBUG lines held over all requests at once (estimated from their"
                  + " messages); lines past it are dropped and counted.");

  /** Exporter names accepted by {@link #EXPORTER}. */
  public static final Set<String> EXPORTERS = Set.of("otlp", "none");

  /** Whether log records also leave over OTLP. */
  public static final ConfigKey<List<String>> EXPORTER =
      ConfigKey.stringList("logging.exporter", List.of())
          .withStandardEnvironmentVariables("OTEL_LOGS_EXPORTER")
          .validate(
              list -> list.stream().allMatch(e -> EXPORTERS.contains(e.toLowerCase(Locale.ROOT))),
              "must be otlp or none")
          .describedAs(
              "Log record exporters besides the console: otlp (every line also leaves as an OTLP"
                  + " log record) or none (the default).");

  /** Whether the module's console appender writes the lines to standard output. */
  public static final ConfigKey<Boolean> CONSOLE =
      ConfigKey.bool("logging.console", true)
          .describedAs(
              "Write the lines to standard output when the module configures Logback; false with"
                  + " logging.exporter=otlp sends them over OTLP only.");

  /** The OTLP base endpoint; {@code /v1/logs} is appended for http/protobuf. */
  public static final ConfigKey<String> OTLP_ENDPOINT =
      OtlpConfig.endpointKey("logging.otlp.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT")
          .describedAs(
              "OTLP base endpoint, e.g. http://collector:4318; /v1/logs is appended for"
                  + " http/protobuf.");

  /** The OTLP logs endpoint, used as it is. */
  public static final ConfigKey<String> OTLP_LOGS_ENDPOINT =
      OtlpConfig.endpointKey("logging.otlp.logs-endpoint", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT")
          .describedAs("OTLP logs endpoint, used as it is; wins over logging.otlp.endpoint.");

  /** The OTLP protocol. */
  public static final ConfigKey<String> OTLP_PROTOCOL =
      OtlpConfig.protocolKey("logging.otlp.protocol", "OTEL_EXPORTER_OTLP_LOGS_PROTOCOL")
          .describedAs(
              "OTLP protocol: http/protobuf (JDK HttpClient) or grpc (needs a gRPC sender such as"
                  + " opentelemetry-exporter-sender-okhttp on the class path).");

  /** Headers sent with every export; parsed by the module so that no value is ever echoed. */
  public static final ConfigKey<String> OTLP_HEADERS =
      ConfigKey.string("logging.otlp.headers", null)
          .withStandardEnvironmentVariables(
              "OTEL_EXPORTER_OTLP_LOGS_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS")
          .secret()
          .describedAs(
              "Headers for every log export, comma-separated key=value pairs. Values are never"
                  + " logged.");

  /** The timeout of one export request. */
  public static final ConfigKey<Duration> OTLP_TIMEOUT =
      ConfigKey.duration("logging.otlp.timeout", Duration.ofSeconds(10), Duration.ofMinutes(5))
          .withStandardEnvironmentVariables(
              "OTEL_EXPORTER_OTLP_LOGS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")
          .describedAs("Timeout of one OTLP log export request (a bare number is milliseconds).");

  /** The compression of export requests. */
  public static final ConfigKey<String> OTLP_COMPRESSION =
      OtlpConfig.compressionKey("logging.otlp.compression", "OTEL_EXPORTER_OTLP_LOGS_COMPRESSION")
          .describedAs("Compression of OTLP log requests: gzip or none.");

  /** Whether failed exports are retried with backoff. */
  public static final ConfigKey<Boolean> OTLP_RETRY =
      ConfigKey.bool("logging.otlp.retry", true)
          .describedAs(
              "Retry retryable log export failures (up to 5 attempts, exponential backoff), on"
                  + " the export thread.");

  /** Capacity of the export queue. */
  public static final ConfigKey<Integer> EXPORT_MAX_QUEUE_SIZE =
      ConfigKey.integer("logging.export.max-queue-size", 2048, 16, 1_000_000)
          .withStandardEnvironmentVariables("OTEL_BLRP_MAX_QUEUE_SIZE")
          .describedAs(
              "Log records waiting for export; beyond it records are dropped and counted (WARN"
                  + " and ERROR keep a fifth of it for themselves).");

  /** Records per export request. */
  public static final ConfigKey<Integer> EXPORT_MAX_BATCH_SIZE =
      ConfigKey.integer("logging.export.max-batch-size", 512, 1, 1_000_000)
          .withStandardEnvironmentVariables("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE")
          .describedAs("Most log records in one export request.");

  /** Longest wait before a partial batch is exported. */
  public static final ConfigKey<Duration> EXPORT_SCHEDULE_DELAY =
      ConfigKey.duration(
              "logging.export.schedule-delay", Duration.ofSeconds(1), Duration.ofMinutes(10))
          .withStandardEnvironmentVariables("OTEL_BLRP_SCHEDULE_DELAY")
          .describedAs("Longest time a log record waits before its batch is exported.");

  /** How long the export thread waits for one export. */
  public static final ConfigKey<Duration> EXPORT_TIMEOUT =
      ConfigKey.duration("logging.export.timeout", Duration.ofSeconds(30), Duration.ofMinutes(10))
          .withStandardEnvironmentVariables("OTEL_BLRP_EXPORT_TIMEOUT")
          .describedAs("How long the export thread waits for one export before moving on.");

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
          ASYNC_QUEUE_SIZE,
          ASYNC_BUFFER_SIZE,
          ASYNC_FLUSH_INTERVAL,
          DEBUG_ON_ERROR,
          DEBUG_ON_ERROR_LOGGERS,
          DEBUG_ON_ERROR_MAX_LINES,
          DEBUG_ON_ERROR_MAX_BYTES,
          EXPORTER,
          CONSOLE,
          OTLP_ENDPOINT,
          OTLP_LOGS_ENDPOINT,
          OTLP_PROTOCOL,
          OTLP_HEADERS,
          OTLP_TIMEOUT,
          OTLP_COMPRESSION,
          OTLP_RETRY,
          EXPORT_MAX_QUEUE_SIZE,
          EXPORT_MAX_BATCH_SIZE,
          EXPORT_SCHEDULE_DELAY,
          EXPORT_TIMEOUT);

  private LoggingConfig() {}
}
