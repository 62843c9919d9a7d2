package dev.observability.errors;

import dev.observability.ConfigKey;
import java.time.Duration;
import java.util.List;

/**
 * The configuration keys of the errors module. {@code docs/configuration.md} lists them with their
 * system properties and environment variables; {@code docs/errors.md} explains them.
 *
 * <p>Immutable constants; thread-safe.
 */
public final class ErrorsConfig {

  private static final String NAME_RULE = "[\\p{L}\\p{N}._:/@+ -]{1,255}";
  private static final String NAME_MESSAGE =
      "must be 1 to 255 letters, digits, spaces or ._:/@+- (no control characters)";

  /** The form of a Sentry DSN, as configuration errors state it. */
  public static final String DSN_FORM = "http[s]://<key>@<host>/<project id>";

  /**
   * The Sentry DSN; without one the module does nothing. Checked at start the way Sentry parses it;
   * a configuration error never shows it.
   */
  public static final ConfigKey<String> DSN =
      ConfigKey.string("errors.dsn", null)
          .withStandardEnvironmentVariables("SENTRY_DSN")
          .secret()
          .describedAs("Sentry DSN (" + DSN_FORM + "). Without it the errors module is off.");

  /** Sentry's environment; defaults to the service environment. */
  public static final ConfigKey<String> ENVIRONMENT =
      ConfigKey.string("errors.environment", null)
          .withStandardEnvironmentVariables("SENTRY_ENVIRONMENT")
          .validate(s -> s.matches(NAME_RULE), NAME_MESSAGE)
          .describedAs("Sentry environment. Defaults to service.environment.");

  /** Sentry's release; defaults to the service version. */
  public static final ConfigKey<String> RELEASE =
      ConfigKey.string("errors.release", null)
          .withStandardEnvironmentVariables("SENTRY_RELEASE")
          .validate(s -> s.matches(NAME_RULE), NAME_MESSAGE)
          .describedAs("Sentry release. Defaults to service.version.");

  /**
   * The server name on every event; defaults to the host name, looked up once when the Sentry
   * client is built (on its own thread, before the first event is sent).
   */
  public static final ConfigKey<String> SERVER_NAME =
      ConfigKey.string("errors.server-name", null)
          .withStandardEnvironmentVariables("SENTRY_SERVER_NAME")
          .validate(s -> s.matches(NAME_RULE), NAME_MESSAGE)
          .describedAs(
              "Server name on every event. Defaults to the host name, looked up before the first event.");

  /** Share of events sent, decided per event. */
  public static final ConfigKey<Double> SAMPLE_RATE =
      ConfigKey.ratio("errors.sample-rate", 1.0)
          .withStandardEnvironmentVariables("SENTRY_SAMPLE_RATE")
          .describedAs("Share of error events sent (0 to 1); the rest are counted and dropped.");

  /** Whether events may carry personal data: all request headers, Sentry's own PII options. */
  public static final ConfigKey<Boolean> SEND_DEFAULT_PII =
      ConfigKey.bool("errors.send-default-pii", false)
          .withStandardEnvironmentVariables("SENTRY_SEND_DEFAULT_PII")
          .describedAs(
              "Send personal data: every request header (scrubbed) instead of an allow list, and"
                  + " Sentry's sendDefaultPii. Cookies and bodies are never sent.");

  /** Whether the client's IP address is sent as the user's address. */
  public static final ConfigKey<Boolean> SEND_CLIENT_IP =
      ConfigKey.bool("errors.send-client-ip", false)
          .describedAs("Send the client's IP address as the user's ip_address.");

  /** Events per fingerprint per {@link #RATE_LIMIT_INTERVAL}; 0 turns flood control off. */
  public static final ConfigKey<Integer> RATE_LIMIT =
      ConfigKey.integer("errors.rate-limit", 10, 0, 1_000_000)
          .describedAs(
              "Events sent per fingerprint (exception types and top frames, or message) per"
                  + " errors.rate-limit-interval; the rest are counted in"
                  + " observability_errors_suppressed_total. 0 means no limit.");

  /** The window of {@link #RATE_LIMIT}. */
  public static final ConfigKey<Duration> RATE_LIMIT_INTERVAL =
      ConfigKey.duration("errors.rate-limit-interval", Duration.ofMinutes(1), Duration.ofDays(1))
          .describedAs("Window of errors.rate-limit.");

  /** Fingerprints whose rate the flood control tracks at once. */
  public static final ConfigKey<Integer> RATE_LIMIT_FINGERPRINTS =
      ConfigKey.integer("errors.rate-limit-fingerprints", 1000, 16, 100_000)
          .describedAs(
              "Distinct fingerprints tracked by flood control; past it the least recently seen is"
                  + " forgotten and counted in observability_errors_evicted_total.");

  /** Events waiting for Sentry's sender thread. */
  public static final ConfigKey<Integer> QUEUE_SIZE =
      ConfigKey.integer("errors.queue-size", 30, 1, 10_000)
          .describedAs(
              "Events waiting to be sent (including the one being sent); when full, new events are"
                  + " dropped and counted in observability_errors_send_failures_total.");

  /** Upper bound on flushing queued events at close. */
  public static final ConfigKey<Duration> FLUSH_TIMEOUT =
      ConfigKey.duration("errors.flush-timeout", Duration.ofSeconds(2), Duration.ofMinutes(1))
          .describedAs(
              "Upper bound on sending queued events at close(), never more than shutdown.timeout;"
                  + " also bounds the flush after an uncaught exception.");

  /** Connect and read timeout of one request to Sentry. */
  public static final ConfigKey<Duration> SEND_TIMEOUT =
      ConfigKey.duration("errors.send-timeout", Duration.ofSeconds(5), Duration.ofMinutes(1))
          .describedAs("Connect and read timeout of one request to Sentry (on the sender thread).");

  /** Whether ERROR log events with a throwable are captured (when Logback is the backend). */
  public static final ConfigKey<Boolean> CAPTURE_LOGS =
      ConfigKey.bool("errors.capture-logs", true)
          .describedAs(
              "Capture ERROR log events that carry a throwable, through a Logback turbo filter"
                  + " (when Logback is the SLF4J backend).");

  /** Whether uncaught exceptions are captured through the default uncaught-exception handler. */
  public static final ConfigKey<Boolean> CAPTURE_UNCAUGHT =
      ConfigKey.bool("errors.capture-uncaught", true)
          .describedAs(
              "Capture exceptions that end a thread, through a default uncaught-exception handler"
                  + " that calls the previous one.");

  /** Whether an HTTP server request answered 5xx without an exception is reported. */
  public static final ConfigKey<Boolean> CAPTURE_HTTP_5XX =
      ConfigKey.bool("errors.capture-http-5xx", true)
          .describedAs("Report inbound HTTP requests answered with a 5xx status and no exception.");

  /** Every key of the module. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          DSN,
          ENVIRONMENT,
          RELEASE,
          SERVER_NAME,
          SAMPLE_RATE,
          SEND_DEFAULT_PII,
          SEND_CLIENT_IP,
          RATE_LIMIT,
          RATE_LIMIT_INTERVAL,
          RATE_LIMIT_FINGERPRINTS,
          QUEUE_SIZE,
          FLUSH_TIMEOUT,
          SEND_TIMEOUT,
          CAPTURE_LOGS,
          CAPTURE_UNCAUGHT,
          CAPTURE_HTTP_5XX);

  private ErrorsConfig() {}
}
