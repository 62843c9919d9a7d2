package dev.observability.servlet.internal;

import dev.observability.servlet.RouteTemplates;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The filter's resolved settings: configuration keys, with what the host set on the builder
 * winning. Immutable and thread-safe.
 *
 * @param excluded paths that get no observation
 * @param routeAttributes request attributes read for a framework's route template
 * @param templates route templates the host registered
 * @param responseHeaders lower-case names of response headers that may be written
 */
public record FilterSettings(
    PathPatterns excluded,
    List<String> routeAttributes,
    RouteTemplates templates,
    Set<String> responseHeaders) {

  /** The request id header. */
  public static final String REQUEST_ID_HEADER = "X-Request-ID";

  /** Creates settings; copies the lists. */
  public FilterSettings {
    routeAttributes = List.copyOf(routeAttributes);
    responseHeaders =
        responseHeaders.stream()
            .map(h -> h.toLowerCase(Locale.ROOT))
            .collect(Collectors.toUnmodifiableSet());
  }

  /** Whether a response header named {@code name} may be written. */
  public boolean allowsResponseHeader(String name) {
    return responseHeaders.contains(name.toLowerCase(Locale.ROOT));
  }

  /** Whether the request id goes back on the response. */
  public boolean echoesRequestId() {
    return responseHeaders.contains("x-request-id");
  }
}
