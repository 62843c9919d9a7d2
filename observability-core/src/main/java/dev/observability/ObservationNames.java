package dev.observability;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import java.util.Optional;

/**
 * Names of the observations the SDK creates and the handlers recognise. Any library instrumented
 * with the Observation API under other names still reaches every handler as a generic operation.
 */
public final class ObservationNames {

  /** An inbound HTTP request ({@link HttpServerObservationContext}). */
  public static final String HTTP_SERVER = "http.server.request";

  /** An outbound HTTP call ({@link HttpClientObservationContext}). */
  public static final String HTTP_CLIENT = "http.client.request";

  /** Low-cardinality key a caller may set on a client observation to name its target route. */
  public static final String KEY_URI_TEMPLATE = "uri.template";

  private ObservationNames() {}

  /**
   * The HTTP server context of the request the current thread is serving, found by walking up from
   * the current observation; empty outside a request.
   */
  public static Optional<HttpServerObservationContext> currentRequest(
      ObservationRegistry registry) {
    ObservationView observation = registry.getCurrentObservation();
    int depth = 0;
    while (observation != null && depth++ < 64) {
      Observation.ContextView context = observation.getContextView();
      if (context instanceof HttpServerObservationContext http) {
        return Optional.of(http);
      }
      observation = context.getParentObservation();
    }
    return Optional.empty();
  }
}
