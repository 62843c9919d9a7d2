package dev.observability.health;

/**
 * The probe groups a check belongs to ({@link HealthCheckOptions.Builder#groups}).
 *
 * <p>{@code /health} runs every check; {@code /health/live} only those in {@link #LIVENESS}; {@code
 * /health/ready} only those in {@link #READINESS}.
 */
public enum HealthGroup {
  /**
   * Whether the process can serve at all: a DOWN here makes Kubernetes restart the container. Put
   * only checks of the process itself here (the built-in deadlock check), never a dependency: a
   * database outage must not restart every replica.
   */
  LIVENESS,
  /**
   * Whether the service and its dependencies can serve: a DOWN here takes the replica out of load
   * balancing until it recovers. The default group.
   */
  READINESS
}
