package dev.observability.metrics.internal;

import dev.observability.metrics.MetricsConvention;

/**
 * Chooses the {@code endpoint} value of an HTTP server request so that requests which matched no
 * route never take a route template's place:
 *
 * <ul>
 *   <li>a route template is itself (scrubbed, at most 200 characters), admitted against the cap of
 *       route templates ({@code metrics.max-endpoints}), past which it is {@link
 *       MetricsConvention#OVERFLOW};
 *   <li>a request without a route gets a fixed value when one applies ({@link
 *       MetricsConvention#unroutedEndpoint}: {@code NOT_FOUND}, {@code REDIRECTION}, {@code /}),
 *       which costs no room at all;
 *   <li>any other request without a route gets its {@linkplain PathNormalizer normalised path},
 *       admitted against a cap of its own ({@code metrics.max-unrouted-endpoints}), past which it
 *       is {@link MetricsConvention#OVERFLOW}.
 * </ul>
 *
 * <p>Both caps count each replacement by {@code OTHER} in {@code
 * observability_cardinality_overflow_total{meter="http_requests_total"}}. So 10,000 random paths
 * from a scanner are one {@code NOT_FOUND} series, and the route templates keep their values for
 * the life of the process whatever the unrouted requests were.
 *
 * <p>Thread-safe. A known route, and a fixed value, cost no allocation and no lock.
 */
public final class EndpointLabels {

  /** The tag key named in the warning of the unrouted cap. */
  static final String UNROUTED_TAG = "endpoint of requests without a route";

  private final TagLimiter routes;
  private final TagLimiter unrouted;

  /**
   * Creates the chooser with limiters from {@code guard}.
   *
   * @param guard hands out the two limiters of {@code http_requests_total}
   * @param maxRoutes distinct route templates
   * @param maxUnrouted distinct normalised paths of requests without a route (0: none, all OTHER)
   */
  public EndpointLabels(CardinalityGuard guard, int maxRoutes, int maxUnrouted) {
    this.routes =
        guard.limiter(MetricsConvention.HTTP_METER, MetricsConvention.TAG_ENDPOINT, maxRoutes);
    this.unrouted = guard.limiter(MetricsConvention.HTTP_METER, UNROUTED_TAG, maxUnrouted);
  }

  /**
   * The value for a request whose route template is {@code route}: the template, or {@link
   * MetricsConvention#OVERFLOW} once the cap of route templates is reached (counted).
   */
  public String route(String route) {
    return routes.apply(route);
  }

  /** Whether {@code route} was admitted under its own value (not replaced by {@code OTHER}). */
  public boolean admitted(String route) {
    return routes.isKnown(route);
  }

  /**
   * The value for a request that matched no route: a fixed value, else its normalised path while
   * the unrouted cap has room, else {@link MetricsConvention#OVERFLOW} (counted). Allocates only
   * when a path has identifiers to replace.
   *
   * @param status the response status, 0 when unknown
   * @param path the request path without query string
   */
  public String unrouted(int status, String path) {
    String fixed = MetricsConvention.unroutedEndpoint(status, path);
    return fixed != null ? fixed : unrouted.apply(PathNormalizer.normalize(path));
  }
}
