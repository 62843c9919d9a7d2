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

  /** The request method as received. */
  public String getMethod() {
    return method;
  }

  /** The request path, without the query string. */
  public String getPath() {
    return path;
  }

  /** The raw query string, or null. Scrub before writing it anywhere. */
  public @Nullable String getQuery() {
    return query;
  }

  /** One request header, or null when absent. */
  public @Nullable String getRequestHeader(String name) {
    return requestHeaders.apply(name);
  }

  /** The request header names, for propagators that iterate them. */
  public Iterable<String> getRequestHeaderNames() {
    return requestHeaderNames.get();
  }

  /** Sets how to list the request header names. */
  public void setRequestHeaderNames(Supplier<Iterable<String>> names) {
    this.requestHeaderNames = Objects.requireNonNull(names, "names");
  }

  /**
   * Sets a response header, replacing a value already set under that name, for handlers that answer
   * with ids ({@code traceparent}, {@code traceresponse}). Whether it is written is the
   * instrumentation's choice: a committed response, or a header the instrumentation does not allow,
   * is left alone.
   */
  public void setResponseHeader(String name, String value) {
    responseHeaders.accept(name, value);
  }

  /**
   * Adds a response header field next to those already set under that name (for list-valued headers
   * such as {@code Server-Timing}, which the application may write too). With a writer that is not
   * a {@link ResponseHeaders}, the value replaces what was set, as {@link #setResponseHeader} does.
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

    /** Sets {@code name} to {@code value}, replacing the fields set before. */
    @Override
    void accept(String name, String value);

    /** Adds a field {@code name: value}, keeping the fields set before. */
    void add(String name, String value);
  }

  /** The route template, such as {@code /api/users/{id}}, or null when not known. */
  public @Nullable String getRoute() {
    return route;
  }

  /** Sets the route template. */
  public void setRoute(@Nullable String route) {
    this.route = route;
  }

  /** The response status, or 0 when the request has not been answered. */
  public int getStatus() {
    return status;
  }

  /** Sets the response status. */
  public void setStatus(int status) {
    this.status = status;
  }

  /** The request id ({@code X-Request-ID}), or an empty string. */
  public String getRequestId() {
    return requestId;
  }

  /** Sets the request id. */
  public void setRequestId(String requestId) {
    this.requestId = Objects.requireNonNull(requestId, "requestId");
  }

  /** The user id the host set for this request, or null. */
  public @Nullable String getUserId() {
    return userId;
  }

  /** Sets the user id for this request. */
  public void setUserId(@Nullable String userId) {
    this.userId = userId;
  }

  /** The client's address, or null. */
  public @Nullable String getClientAddress() {
    return clientAddress;
  }

  /** Sets the client's address. */
  public void setClientAddress(@Nullable String clientAddress) {
    this.clientAddress = clientAddress;
  }

  /** The URL scheme ({@code http}, {@code https}), or null. */
  public @Nullable String getScheme() {
    return scheme;
  }

  /** Sets the URL scheme. */
  public void setScheme(@Nullable String scheme) {
    this.scheme = scheme;
  }

  /** The server's host name as the client addressed it, or null. */
  public @Nullable String getServerAddress() {
    return serverAddress;
  }

  /** Sets the server's host name. */
  public void setServerAddress(@Nullable String serverAddress) {
    this.serverAddress = serverAddress;
  }

  /** The server port, or 0. */
  public int getServerPort() {
    return serverPort;
  }

  /** Sets the server port. */
  public void setServerPort(int serverPort) {
    this.serverPort = serverPort;
  }

  /** The protocol version ({@code 1.1}, {@code 2}), or null. */
  public @Nullable String getProtocolVersion() {
    return protocolVersion;
  }

  /** Sets the protocol version. */
  public void setProtocolVersion(@Nullable String protocolVersion) {
    this.protocolVersion = protocolVersion;
  }

  /** The {@code User-Agent} header, or null. */
  public @Nullable String getUserAgent() {
    return userAgent;
  }

  /** Sets the user agent. */
  public void setUserAgent(@Nullable String userAgent) {
    this.userAgent = userAgent;
  }
}
