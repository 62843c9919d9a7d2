package dev.observability.servlet;

import dev.observability.EndpointResponse;
import dev.observability.Observability;
import dev.observability.ScrapeEndpoint;
import jakarta.servlet.http.HttpServletRequest;
import org.jspecify.annotations.Nullable;

/**
 * Serves {@code /metrics} from the metrics module's {@link ScrapeEndpoint}: Prometheus text or
 * OpenMetrics as the scraper's {@code Accept} asks, compressed when {@code Accept-Encoding} allows.
 * Answers 404 with an explanation when the metrics module is not running, 503 when no instance is.
 *
 * <p>Thread-safe.
 */
public final class MetricsServlet extends EndpointServlet {

  private static final long serialVersionUID = 1L;

  /** A servlet that answers from {@link Observability#current()} at each request. */
  public MetricsServlet() {
    this(null);
  }

  /**
   * A servlet that answers from {@code observability}, or from the current one when null.
   *
   * @param observability the instance to answer from, or null for the current one
   */
  public MetricsServlet(@Nullable Observability observability) {
    super(observability);
  }

  @Override
  EndpointResponse respond(Observability observability, HttpServletRequest request) {
    return observability
        .find(ScrapeEndpoint.class)
        .map(e -> e.scrape(request.getHeader("Accept"), request.getHeader("Accept-Encoding")))
        .orElseGet(() -> missing("/metrics", "metrics"));
  }
}
