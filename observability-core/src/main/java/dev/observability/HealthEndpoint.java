package dev.observability;

/**
 * The health endpoint, provided by the health module as a feature ({@code
 * observability.find(HealthEndpoint.class)}). Servers that expose {@code /health}, {@code
 * /health/live} and {@code /health/ready} call it; it answers within the checks' deadlines.
 *
 * <p>Thread-safe.
 */
public interface HealthEndpoint {

  /** Which checks a request asks for. */
  enum Group {
    /** Every check: {@code /health}. */
    ALL,
    /** Whether the process can serve: {@code /health/live}. */
    LIVENESS,
    /** Whether the service and its dependencies can serve: {@code /health/ready}. */
    READINESS
  }

  /**
   * Runs (or reuses cached results of) the group's checks and renders the JSON response.
   *
   * @param group the checks to run: all, liveness or readiness
   * @return the response to send
   */
  EndpointResponse check(Group group);
}
