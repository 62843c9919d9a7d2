package dev.observability;

import dev.observability.internal.CompactContext;
import java.util.Collections;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The context of one inbound HTTP request, observed under {@link ObservationNames#HTTP_SERVER}.
 *
 * <p>The instrumentation that creates it (the servlet filter, or any framework adapter) fills in
 * the request side, then the route and status as they become known; the modules' handlers read it
 * (metrics: method, route, status; tracing: headers for the parent context, HTTP attributes;
 * logging: request id, path; errors: endpoint, user). Values are raw: every output scrubs what it
 * writes.
 *
 * <p>Not thread-safe by itself: written by the request's thread (or the thread that completes an
 * asynchronous request) and read by handlers on that same thread.
 */
public class HttpServerObservationContext extends CompactContext {

  private final String method;
  private final String path;
  private final @Nullable String query;
  private final Function<String, @Nullable String> requestHeaders;
  private Supplier<Iterable<String>> requestHeaderNames = Collections::emptyList;
  private BiConsumer<String, String> responseHeaders = (name, value) -> {};
  private @Nullable String route;
  private int status;
  private String requestId = "";
  private @Nullable String userId;
  private @Nullable String clientAddress;
  private @Nullable String scheme;
  private @Nullable String serverAddress;
  private int serverPort;
  private @Nullable String protocolVersion;
  private @Nullable String userAgent;

  /**
   * Creates a context for a request.
   *
   * @param method the request method as received (not yet normalised)
   * @param path the request path without query string
   * @param query the raw query string, or null
   * @param requestHeaders reads one request header by name, repeated fields comma-joined, or null
   */
  public HttpServerObservationContext(
      String method,
      String path,
      @Nullable String query,
      Function<String, @Nullable String> requestHeaders) {
    this.method = Objects.requireNonNull(method, "method");
    this.path = Objects.requireNonNull(path, "path");
    this.query = query;
    this.requestHeaders = Objects.requireNonNull(requestHeaders, "requestHeaders");
  }

  /**
   * The request method as received.
   *
   * @return the method, such as {@code GET}
   */
  public String getMethod() {
    return method;
  }

  /**
   * The request path, without the query string.
   *
   * @return the path
   */
  public String getPath() {
    return path;
  }

  /**
   * The raw query string, or null. Scrub before writing it anywhere.
   *
   * @return the query string, or null
   */
  public @Nullable String getQuery() {
    return query;
  }

  /**
   * One request header, or null when absent.
   *
   * @param name the header's name
   * @return the header's value, or null
   */
  public @Nullable String getRequestHeader(String name) {
    return requestHeaders.apply(name);
  }

  /**
   * The request header names, for propagators that iterate them.
   *
   * @return the header names
   */
  public Iterable<String> getRequestHeaderNames() {
    return requestHeaderNames.get();
  }

  /**
   * Sets how to list the request header names.
   *
   * @param names lists the request's header names
   */
  public void setRequestHeaderNames(Supplier<Iterable<String>> names) {
    this.requestHeaderNames = Objects.requireNonNull(names, "names");
  }

  /**
   * Sets a response header, replacing a value already set under that name, for handlers that answer
   * with ids ({@code traceparent}, {@code traceresponse}). Whether it is written is the
   * instrumentation's choice: a committed response, or a header the instrumentation does not allow,
   * is left alone.
   *
   * @param name the header's name
   * @param value the header's value
   */
  public void setResponseHeader(String name, String value) {
    responseHeaders.accept(name, value);
  }

  /**
   * Adds a response header field next to those already set under that name (for list-valued headers
   * such as {@code Server-Timing}, which the application may write too). With a writer that is not
   * a {@link ResponseHeaders}, the value replaces what was set, as {@link #setResponseHeader} does.
   *
   * @param name the header's name
   * @param value the field's value
   */
  public void addResponseHeader(String name, String value) {
    BiConsumer<String, String> writer = responseHeaders;
    if (writer instanceof ResponseHeaders headers) {
      headers.add(name, value);
    } else {
      writer.accept(name, value);
    }
  }

  /**
   * Sets how handlers write response headers: {@code writer.accept(name, value)} sets a header. A
   * writer that can also add a field to a header already present implements {@link
   * ResponseHeaders}.
   *
   * @param writer sets one response header from a name and a value
   */
  public void setResponseHeaders(BiConsumer<String, String> writer) {
    this.responseHeaders = Objects.requireNonNull(writer, "writer");
  }

  /**
   * A response header writer that sets ({@link #accept}) and adds ({@link #add}) header fields. The
   * instrumentation implements it over its response; handlers write through the context.
   *
   * <p>Called on the thread that ends the request; implementations need not be thread-safe.
   */
  public interface ResponseHeaders extends BiConsumer<String, String> {

    /**
     * Sets {@code name} to {@code value}, replacing the fields set before.
     *
     * @param name the header's name
     * @param value the header's value
     */
    @Override
    void accept(String name, String value);

    /**
     * Adds a field {@code name: value}, keeping the fields set before.
     *
     * @param name the header's name
     * @param value the field's value
     */
    void add(String name, String value);
  }

  /**
   * The route template, such as {@code /api/users/{id}}, or null when not known.
   *
   * @return the route template, or null
   */
  public @Nullable String getRoute() {
    return route;
  }

  /**
   * Sets the route template.
   *
   * @param route the route template, or null when the request matched none
   */
  public void setRoute(@Nullable String route) {
    this.route = route;
  }

  /**
   * The response status, or 0 when the request has not been answered.
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
   * The request id ({@code X-Request-ID}), or an empty string.
   *
   * @return the request id, or an empty string
   */
  public String getRequestId() {
    return requestId;
  }

  /**
   * Sets the request id.
   *
   * @param requestId the request id
   */
  public void setRequestId(String requestId) {
    this.requestId = Objects.requireNonNull(requestId, "requestId");
  }

  /**
   * The user id the host set for this request, or null.
   *
   * @return the user id, or null
   */
  public @Nullable String getUserId() {
    return userId;
  }

  /**
   * Sets the user id for this request.
   *
   * @param userId the user id, or null
   */
  public void setUserId(@Nullable String userId) {
    this.userId = userId;
  }

  /**
   * The client's address, or null.
   *
   * @return the client's address, or null
   */
  public @Nullable String getClientAddress() {
    return clientAddress;
  }

  /**
   * Sets the client's address.
   *
   * @param clientAddress the client's address, or null
   */
  public void setClientAddress(@Nullable String clientAddress) {
    this.clientAddress = clientAddress;
  }

  /**
   * The URL scheme ({@code http}, {@code https}), or null.
   *
   * @return the scheme, or null
   */
  public @Nullable String getScheme() {
    return scheme;
  }

  /**
   * Sets the URL scheme.
   *
   * @param scheme the scheme, or null
   */
  public void setScheme(@Nullable String scheme) {
    this.scheme = scheme;
  }

  /**
   * The server's host name as the client addressed it, or null.
   *
   * @return the server's host name, or null
   */
  public @Nullable String getServerAddress() {
    return serverAddress;
  }

  /**
   * Sets the server's host name.
   *
   * @param serverAddress the server's host name, or null
   */
  public void setServerAddress(@Nullable String serverAddress) {
    this.serverAddress = serverAddress;
  }

  /**
   * The server port, or 0.
   *
   * @return the port, or 0
   */
  public int getServerPort() {
    return serverPort;
  }

  /**
   * Sets the server port.
   *
   * @param serverPort the port the request arrived on
   */
  public void setServerPort(int serverPort) {
    this.serverPort = serverPort;
  }

  /**
   * The protocol version ({@code 1.1}, {@code 2}), or null.
   *
   * @return the protocol version, or null
   */
  public @Nullable String getProtocolVersion() {
    return protocolVersion;
  }

  /**
   * Sets the protocol version.
   *
   * @param protocolVersion the protocol version, or null
   */
  public void setProtocolVersion(@Nullable String protocolVersion) {
    this.protocolVersion = protocolVersion;
  }

  /**
   * The {@code User-Agent} header, or null.
   *
   * @return the user agent, or null
   */
  public @Nullable String getUserAgent() {
    return userAgent;
  }

  /**
   * Sets the user agent.
   *
   * @param userAgent the {@code User-Agent} header, or null
   */
  public void setUserAgent(@Nullable String userAgent) {
    this.userAgent = userAgent;
  }
}
