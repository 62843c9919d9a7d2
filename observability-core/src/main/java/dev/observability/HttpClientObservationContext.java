package dev.observability;

import dev.observability.internal.CompactContext;
import java.net.URI;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The context of one outbound HTTP call, observed under {@link ObservationNames#HTTP_CLIENT}.
 *
 * <p>The client instrumentation fills in the request, hands handlers a way to add request headers
 * (the tracing handler injects {@code traceparent} through it), and sets the status and a way to
 * read the response headers when the response arrives.
 *
 * <p>Not thread-safe by itself; written and read by the thread that makes or completes the call.
 */
public class HttpClientObservationContext extends CompactContext {

  private final String method;
  private final URI uri;
  private final BiConsumer<String, String> requestHeaders;
  private int status;
  private Function<String, @Nullable String> responseHeaders = name -> null;

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

  /**
   * The request method.
   *
   * @return the method, such as {@code GET}
   */
  public String getMethod() {
    return method;
  }

  /**
   * The target URI.
   *
   * @return the URI
   */
  public URI getUri() {
    return uri;
  }

  /**
   * Adds a request header; used by propagation.
   *
   * @param name the header's name
   * @param value the header's value
   */
  public void setRequestHeader(String name, String value) {
    requestHeaders.accept(name, value);
  }

  /**
   * The response status, or 0 when no response arrived.
   *
   * @return the status, or 0
   */
  public int getStatus() {
    return status;
  }

  /**
   * Sets the response status.
   *
   * @param status the HTTP status of the response
   */
  public void setStatus(int status) {
    this.status = status;
  }

  /**
   * One response header by name (case-insensitive), or null when it is absent or no response
   * arrived. A header sent as several fields comes back as one value, the fields joined by commas
   * in order (RFC 9110 §5.3), when the instrumentation reads it that way ({@code TracedHttpClient}
   * does).
   *
   * @param name the header's name
   * @return the header's value, or null
   */
  public @Nullable String getResponseHeader(String name) {
    return responseHeaders.apply(name);
  }

  /**
   * Sets how handlers read the response headers; called by the instrumentation when the response
   * arrives, before the observation stops.
   *
   * @param headers reads one response header by name, null when absent
   */
  public void setResponseHeaders(Function<String, @Nullable String> headers) {
    this.responseHeaders = Objects.requireNonNull(headers, "headers");
  }

  /**
   * The route template of the target, when the caller knows it; else null.
   *
   * @return the route template, or null
   */
  public @Nullable String getRouteTemplate() {
    return getLowCardinalityKeyValue(ObservationNames.KEY_URI_TEMPLATE) == null
        ? null
        : getLowCardinalityKeyValue(ObservationNames.KEY_URI_TEMPLATE).getValue();
  }
}
