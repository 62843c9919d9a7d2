package dev.observability.errors.internal;

import dev.observability.CoreConfig;
import dev.observability.ObservabilityConfig;
import dev.observability.ServiceInfo;
import dev.observability.errors.ErrorsConfig;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The errors module's validated settings, resolved once at start. Immutable.
 *
 * @param dsn the Sentry DSN
 * @param environment Sentry's environment
 * @param release Sentry's release
 * @param serverName the server name, or null to look the host name up once, when the client is
 *     built
 * @param sampleRate share of events sent
 * @param sendDefaultPii whether every request header (scrubbed) and Sentry's PII options apply
 * @param sendClientIp whether the client's address is sent as the user's IP address
 * @param rateLimit events per fingerprint per interval; 0 for no limit
 * @param rateLimitInterval the flood-control window
 * @param fingerprintCapacity fingerprints tracked by flood control
 * @param queueSize events held for the sender
 * @param flushTimeout bound on flushing at close, already capped by {@code shutdown.timeout}
 * @param sendTimeout connect and read timeout of one request to Sentry
 * @param captureLogs whether ERROR log events with a throwable are captured
 * @param captureUncaught whether uncaught exceptions are captured
 * @param captureHttp5xx whether 5xx answers without an exception are reported
 */
public record ErrorsSettings(
    String dsn,
    String environment,
    String release,
    @Nullable String serverName,
    double sampleRate,
    boolean sendDefaultPii,
    boolean sendClientIp,
    int rateLimit,
    Duration rateLimitInterval,
    int fingerprintCapacity,
    int queueSize,
    Duration flushTimeout,
    Duration sendTimeout,
    boolean captureLogs,
    boolean captureUncaught,
    boolean captureHttp5xx) {

  /** Capacity of the set of reported throwables. */
  static final int REPORTED_CAPACITY = 4096;

  /** Checks the parts. */
  public ErrorsSettings {
    Objects.requireNonNull(dsn, "dsn");
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(release, "release");
    Objects.requireNonNull(rateLimitInterval, "rateLimitInterval");
    Objects.requireNonNull(flushTimeout, "flushTimeout");
    Objects.requireNonNull(sendTimeout, "sendTimeout");
  }

  /** The settings from validated configuration, or null when no DSN is configured. */
  public static @Nullable ErrorsSettings from(ObservabilityConfig config, ServiceInfo service) {
    String dsn = config.find(ErrorsConfig.DSN).orElse(null);
    if (dsn == null || dsn.isBlank()) {
      return null;
    }
    Duration flush = config.get(ErrorsConfig.FLUSH_TIMEOUT);
    Duration shutdown = config.get(CoreConfig.SHUTDOWN_TIMEOUT);
    if (flush.compareTo(shutdown) > 0) {
      flush = shutdown;
    }
    return new ErrorsSettings(
        dsn.trim(),
        config.find(ErrorsConfig.ENVIRONMENT).orElse(service.environment()),
        config.find(ErrorsConfig.RELEASE).orElse(service.version()),
        config.find(ErrorsConfig.SERVER_NAME).orElse(null),
        config.get(ErrorsConfig.SAMPLE_RATE),
        config.get(ErrorsConfig.SEND_DEFAULT_PII),
        config.get(ErrorsConfig.SEND_CLIENT_IP),
        config.get(ErrorsConfig.RATE_LIMIT),
        config.get(ErrorsConfig.RATE_LIMIT_INTERVAL),
        config.get(ErrorsConfig.RATE_LIMIT_FINGERPRINTS),
        config.get(ErrorsConfig.QUEUE_SIZE),
        flush,
        config.get(ErrorsConfig.SEND_TIMEOUT),
        config.get(ErrorsConfig.CAPTURE_LOGS),
        config.get(ErrorsConfig.CAPTURE_UNCAUGHT),
        config.get(ErrorsConfig.CAPTURE_HTTP_5XX));
  }
}
