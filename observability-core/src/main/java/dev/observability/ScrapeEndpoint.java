package dev.observability;

import org.jspecify.annotations.Nullable;

/**
 * The metrics scrape endpoint, provided by the metrics module as a feature ({@code
 * observability.find(ScrapeEndpoint.class)}). Servers that expose {@code /metrics} call it with the
 * request's headers; it negotiates the format (Prometheus text 0.0.4 or OpenMetrics 1.0.0) and
 * compression.
 *
 * <p>Thread-safe.
 */
public interface ScrapeEndpoint {

  /**
   * Renders the current metrics.
   *
   * @param accept the request's {@code Accept} header, or null
   * @param acceptEncoding the request's {@code Accept-Encoding} header, or null
   * @return the response to send
   */
  EndpointResponse scrape(@Nullable String accept, @Nullable String acceptEncoding);
}
