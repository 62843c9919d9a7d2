package dev.observability.health;

import dev.observability.ConfigKey;
import java.time.Duration;
import java.util.List;

/**
 * The configuration keys the health module reads; {@code docs/configuration.md} lists them with
 * their system properties and environment variables.
 */
public final class HealthConfig {

  /** How much of each check the JSON output shows. */
  public enum DetailLevel {
    /** Status, timing, scrubbed error text and scrubbed details of every check. */
    FULL,
    /**
     * Status and timing of every check; no error text and no details. For endpoints that people
     * outside the team can reach; probes need only the HTTP status.
     */
    STATUS
  }

  /** Threads that run checks. */
  public static final ConfigKey<Integer> THREADS =
      ConfigKey.integer("health.threads", 4, 1, 64)
          .describedAs(
              "Threads that run health checks in parallel. A check that hangs holds one of them"
                  + " until it returns.");

  /** Runs waiting for a thread. */
  public static final ConfigKey<Integer> QUEUE_SIZE =
      ConfigKey.integer("health.queue-size", 32, 1, 10_000)
          .describedAs(
              "Check runs that may wait for a thread; past it a check is reported DOWN (not run:"
                  + " executor saturated) instead of waiting.");

  /** How much the JSON output shows. */
  public static final ConfigKey<DetailLevel> DETAILS =
      ConfigKey.enumValue("health.details", DetailLevel.class, DetailLevel.FULL)
          .describedAs(
              "full: status, timing, scrubbed error and details of each check; status: status and"
                  + " timing only.");

  /** Whether the built-in deadlock check runs. */
  public static final ConfigKey<Boolean> DEADLOCK_CHECK =
      ConfigKey.bool("health.deadlock-check", true)
          .describedAs(
              "Register the built-in 'deadlock' check (liveness and readiness): DOWN when threads"
                  + " are deadlocked.");

  /** How long a result of the built-in deadlock check is reused. */
  public static final ConfigKey<Duration> DEADLOCK_CHECK_CACHE_TTL =
      ConfigKey.duration(
              "health.deadlock-check-cache-ttl", Duration.ofSeconds(10), Duration.ofMinutes(5))
          .describedAs(
              "How long a result of the built-in 'deadlock' check is reused: each run stops every"
                  + " Java thread at a safepoint, and a deadlock does not go away by itself.");

  /** The standalone server's port. */
  public static final ConfigKey<Integer> SERVER_PORT =
      ConfigKey.integer("health.server.port", -1, -1, 65_535)
          .describedAs(
              "Port of the standalone health HTTP server: -1 (default) for none, 0 for any free"
                  + " port.");

  /** The standalone server's bind address. */
  public static final ConfigKey<String> SERVER_HOST =
      ConfigKey.string("health.server.host", "127.0.0.1")
          .validate(
              s -> s.matches("[A-Za-z0-9.:\\[\\]%-]{1,255}"),
              "must be a host name or IP address, such as 127.0.0.1 or 0.0.0.0")
          .describedAs(
              "Address the standalone health server binds; 0.0.0.0 to let Kubernetes probes reach"
                  + " it.");

  /** The standalone server's threads. */
  public static final ConfigKey<Integer> SERVER_THREADS =
      ConfigKey.integer("health.server.threads", 2, 1, 16)
          .describedAs("Threads of the standalone health server.");

  static final List<ConfigKey<?>> ALL =
      List.of(
          THREADS,
          QUEUE_SIZE,
          DETAILS,
          DEADLOCK_CHECK,
          DEADLOCK_CHECK_CACHE_TTL,
          SERVER_PORT,
          SERVER_HOST,
          SERVER_THREADS);

  private HealthConfig() {}
}
