package dev.observability;

import io.micrometer.observation.Observation;
import java.net.URI;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The context of one outbound HTTP call, observed under {@link ObservationNames#HTTP_CLIENT}.
 *
 * <p>The client instrumentation fills in the request, hands handlers a way to add request headers
 * (the tracing handler injects {@code traceparent} through it), and sets the status when the
 * response arrives.
 *
 * <p>Not thread-safe by itself; written and read by the thread that makes or completes the call.
 */
public class HttpClientObservationContext extends Observation.Context {

  private final String method;
  private final URI uri;
  private final BiConsumer<String, String> requestHeaders;
  private int status;

  /**
   * Creates a context for an outbound call.
   *
   * @param method the request method
   * @param uri the target URI (scrub its query and user info before writing it anywhere)
   * @param requestHeaders sets one request header, for context propagation
   */
  public HttpClientObservationContext(
      String method, URI uri, BiConsumer<String, String> requestHeaders) {
    this.method = Objects.requireNonNull(method, "method");
    this.uri = Objects.requireNonNull(uri, "uri");
    this.requestHeaders = Objects.requireNonNull(requestHeaders, "requestHeaders");
  }

  /** The request method. */
  public String getMethod() {
    return method;
  }

  /** The target URI. */
  public URI getUri() {
    return uri;
  }

  /** Adds a request header; used by propagation. */
  public void setRequestHeader(String name, String value) {
    requestHeaders.accept(name, value);
  }

  /** The response status, or 0 when no response arrived. */
  public int getStatus() {
    return status;
  }

  /** Sets the response status. */
  public void setStatus(int status) {
    this.status = status;
  }

  /** The route template of the target, when the caller knows it; else null. */
  public @Nullable String getRouteTemplate() {
    return getLowCardinalityKeyValue(ObservationNames.KEY_URI_TEMPLATE) == null
        ? null
        : getLowCardinalityKeyValue(ObservationNames.KEY_URI_TEMPLATE).getValue();
  }
}
