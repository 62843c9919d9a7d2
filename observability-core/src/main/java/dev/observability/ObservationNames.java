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

  /**
   * Key under which the tracing handler stores the observation's OpenTelemetry {@code Span} in the
   * {@link Observation.Context} ({@code context.put(SPAN, span)}), so that handlers running after
   * the scope closed (errors, access log) reach the span of the operation.
   */
  public static final Class<io.opentelemetry.api.trace.Span> SPAN =
      io.opentelemetry.api.trace.Span.class;

  /**
   * Context key (a {@code String} value) under which the errors handler stores the id of the error
   * event it sent for the operation, so that the access log line and the span can carry it.
   */
  public static final String ERROR_EVENT_ID = "observability.error.event_id";

  /**
   * Context key (a {@link BufferedLogLines} value) under which the logging module holds, with
   * {@code logging.debug-on-error}, the DEBUG lines an HTTP server request logged, in the request's
   * context, until the request ends.
   */
  public static final String BUFFERED_LOG_LINES = "observability.logging.buffered-lines";

  /**
   * Context key (a {@code String} value) under which {@link
   * ErrorFingerprint#of(Observation.Context)} keeps the fingerprint of the exception the
   * observation ended with, made once and shared by every module that writes it (access line, span,
   * error event).
   */
  public static final String ERROR_FINGERPRINT = "observability.error.fingerprint";

  /**
   * Context key (a {@code String} value) under which the tracing module stores, when the local root
   * span of the operation ends and its trace fragment is kept for export, the policy that kept it
   * ({@code error}, {@code latency}, {@code downstream}, {@code parent}, {@code ratio}). Absent
   * when the fragment was dropped or nothing is exported, so that handlers that run after tracing
   * on stop (the metrics module's exemplars) name only traces that reach the backend.
   */
  public static final String SAMPLING_POLICY = "observability.tracing.sampling.policy";

  /**
   * An event the HTTP server instrumentation signals on a request's observation ({@code
   * observation.event(SERVER_ERROR_STATUS)}) when the application sets a server-error status (5xx),
   * at most once per request, while the response may still take headers: the application may write
   * and flush the body right after, which commits the response before the observation stops.
   * Handlers that answer in response headers write them then (the tracing module's {@code
   * traceresponse}: a 5xx fragment is always kept). The tracing module does not record it as a span
   * event.
   */
  public static final Observation.Event SERVER_ERROR_STATUS =
      Observation.Event.of(
          "http.server.error_status", "the application set a 5xx status on the response");

  private ObservationNames() {}

  /**
   * The HTTP server context of the request the current thread is serving, found by walking up from
   * the current observation; empty outside a request.
   *
   * @param registry the registry whose current observation is read
   * @return the request's context, or empty
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
