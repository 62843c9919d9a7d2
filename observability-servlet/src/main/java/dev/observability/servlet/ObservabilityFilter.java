package dev.observability.servlet;

import dev.observability.ConfigurationException;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservabilityConfig;
import dev.observability.ObservationNames;
import dev.observability.internal.InternalErrors;
import dev.observability.servlet.internal.AsyncCompletion;
import dev.observability.servlet.internal.FilterSettings;
import dev.observability.servlet.internal.PathPatterns;
import dev.observability.servlet.internal.RequestHeaders;
import dev.observability.servlet.internal.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.observation.Observation;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Observes every HTTP request once: one {@link HttpServerObservationContext} observation named
 * {@link ObservationNames#HTTP_SERVER}, so that the running modules' handlers produce the golden
 * signals, the server span (parent from {@code traceparent}), the log correlation ids, the access
 * log line and the error event. The filter itself knows no backend.
 *
 * <p>Per request it:
 *
 * <ul>
 *   <li>skips paths excluded by {@code servlet.excluded-paths} ({@code /metrics} and {@code
 *       /health/*} by default) entirely: no observation, no header;
 *   <li>takes the inbound {@code X-Request-ID} when it is safe (1 to 128 of {@code
 *       [A-Za-z0-9._-]}), else generates a UUID, and answers with it in {@code X-Request-ID};
 *   <li>finds the route template from, in order: a request attribute a framework set ({@code
 *       servlet.route-attributes}, read after the chain), the templates given to {@link
 *       ObservabilityFilterBuilder#route(String...)}, the servlet mapping's pattern for exact, path
 *       and extension mappings; else leaves it null for the metrics module to normalise. The web
 *       application's context path is put in front;
 *   <li>records the response status, including one set by {@code sendError}; an exception from the
 *       chain is recorded as status 500 and as the observation's error, then rethrown unchanged;
 *   <li>for a request that went asynchronous, closes its scope on the request thread before
 *       returning and stops the observation when the container reports completion;
 *   <li>lets handlers write the response headers listed in {@code servlet.response-headers} ({@code
 *       X-Request-ID}, {@code traceparent}, {@code traceresponse} and {@code Server-Timing} by
 *       default) while the response is not committed;
 *   <li>hands the chain a wrapper of the response that signals {@link
 *       ObservationNames#SERVER_ERROR_STATUS} when the application sets a 5xx status, so that such
 *       headers are written before an application that writes and flushes its error body commits
 *       the response (the wrapper replaces the per-request header writer: no more allocation).
 * </ul>
 *
 * <p>The filter works on the {@link Observability} given to the builder, or else on {@link
 * Observability#current()} at each request (found once, then kept until it is closed); with none
 * running, requests pass through untouched. Only {@link DispatcherType#REQUEST} dispatches are
 * observed; a request that already passed an {@code ObservabilityFilter} is not observed twice.
 *
 * <p>Thread-safe. A failure of the filter's own recording is counted in {@code
 * observability_internal_errors_total{component="servlet"}} and the request is served unobserved.
 */
public final class ObservabilityFilter implements Filter {

  /** Request attribute set on observed requests, so that a second filter leaves them alone. */
  public static final String OBSERVED_ATTRIBUTE = ObservabilityFilter.class.getName() + ".observed";

  /** Request attribute holding the request's {@link HttpServerObservationContext}. */
  public static final String CONTEXT_ATTRIBUTE = HttpServerObservationContext.class.getName();

  static final String COMPONENT = "servlet";

  private final @Nullable Observability fixed;
  private final @Nullable RouteTemplates templates;
  private final @Nullable List<String> routeAttributes;
  private final @Nullable List<String> excludedPaths;
  private final @Nullable List<String> responseHeaders;
  private volatile @Nullable Runtime runtime;

  /**
   * A filter on {@link Observability#current()} with the configured settings, for {@code web.xml}
   * and containers that instantiate filters themselves.
   */
  public ObservabilityFilter() {
    this(new ObservabilityFilterBuilder());
  }

  ObservabilityFilter(ObservabilityFilterBuilder builder) {
    this.fixed = builder.observability;
    this.templates = builder.templates.isEmpty() ? null : RouteTemplates.of(builder.templates);
    this.routeAttributes = builder.routeAttributes;
    this.excludedPaths = builder.excludedPaths;
    this.responseHeaders = builder.responseHeaders;
  }

  /**
   * A builder for a filter with settings given in code.
   *
   * @return a new builder
   */
  public static ObservabilityFilterBuilder builder() {
    return new ObservabilityFilterBuilder();
  }

  /** The instance this filter records to, given at construction, or null for the current one. */
  @Nullable Observability observability() {
    return fixed;
  }

  @Override
  public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
      throws IOException, ServletException {
    if (!(req instanceof HttpServletRequest request)
        || !(res instanceof HttpServletResponse response)
        || request.getDispatcherType() != DispatcherType.REQUEST
        || request.getAttribute(OBSERVED_ATTRIBUTE) != null) {
      chain.doFilter(req, res);
      return;
    }
    Runtime rt = runtime();
    if (rt == null) {
      chain.doFilter(req, res);
      return;
    }
    String contextPath = request.getContextPath();
    String uri = request.getRequestURI();
    String pathInContext =
        !contextPath.isEmpty() && uri.startsWith(contextPath)
            ? uri.substring(contextPath.length())
            : uri;
    if (rt.settings.excluded().matches(pathInContext)) {
      chain.doFilter(req, res);
      return;
    }

    HttpServerObservationContext context;
    Observation observation;
    ObservedResponse observed;
    try {
      observed = new ObservedResponse(rt.settings, response);
      context = newContext(rt, request, response, observed, uri, contextPath, pathInContext);
      request.setAttribute(OBSERVED_ATTRIBUTE, Boolean.TRUE);
      request.setAttribute(CONTEXT_ATTRIBUTE, context);
      observation = rt.observability.observation(ObservationNames.HTTP_SERVER, context).start();
      observed.observation = observation;
    } catch (RuntimeException e) {
      rt.errors.record(COMPONENT, e);
      chain.doFilter(req, res);
      return;
    }

    boolean async = false;
    try {
      Observation.Scope scope = observation.openScope();
      try {
        chain.doFilter(request, observed);
        async = request.isAsyncStarted() && listen(rt, request, response, observation, context);
      } finally {
        // Closed on the request thread before returning, also for asynchronous requests.
        scope.close();
      }
    } catch (Throwable t) {
      context.setStatus(500);
      routeFromAttributes(rt, request, context);
      observation.error(t);
      observation.stop();
      throw t;
    }
    if (!async) {
      context.setStatus(response.getStatus());
      routeFromAttributes(rt, request, context);
      observation.stop();
    }
  }

  /**
   * Hands the end of the observation to the container's async completion. False when that is not
   * possible any more (the request completed meanwhile): then it ends now.
   */
  private static boolean listen(
      Runtime rt,
      HttpServletRequest request,
      HttpServletResponse response,
      Observation observation,
      HttpServerObservationContext context) {
    try {
      request
          .getAsyncContext()
          .addListener(
              new AsyncCompletion(
                  observation, context, response, c -> routeFromAttributes(rt, request, c)));
      return true;
    } catch (IllegalStateException e) {
      return false;
    }
  }

  private HttpServerObservationContext newContext(
      Runtime rt,
      HttpServletRequest request,
      HttpServletResponse response,
      ObservedResponse observed,
      String uri,
      String contextPath,
      String pathInContext) {
    FilterSettings settings = rt.settings;
    RequestHeaders headers = new RequestHeaders(request);
    HttpServerObservationContext context =
        new HttpServerObservationContext(
            request.getMethod(), uri, request.getQueryString(), headers);
    context.setRequestHeaderNames(headers);
    context.setResponseHeaders(observed);

    String inbound = request.getHeader(FilterSettings.REQUEST_ID_HEADER);
    String requestId;
    if (RequestIds.isSafe(inbound)) {
      requestId = inbound;
    } else {
      requestId = RequestIds.generate();
      if (inbound != null) {
        rt.rejectedRequestIds.increment();
      }
    }
    context.setRequestId(requestId);
    if (settings.echoesRequestId()) {
      response.setHeader(FilterSettings.REQUEST_ID_HEADER, requestId);
    }

    String route = settings.templates().match(pathInContext);
    if (route == null) {
      route = mappingPattern(request);
    }
    context.setRoute(route == null || contextPath.isEmpty() ? route : contextPath + route);

    context.setClientAddress(request.getRemoteAddr());
    context.setScheme(request.getScheme());
    context.setServerAddress(request.getServerName());
    context.setServerPort(request.getServerPort());
    context.setProtocolVersion(protocolVersion(request.getProtocol()));
    context.setUserAgent(request.getHeader("User-Agent"));
    return context;
  }

  private static void routeFromAttributes(
      Runtime rt, HttpServletRequest request, HttpServerObservationContext context) {
    try {
      for (String name : rt.settings.routeAttributes()) {
        if (request.getAttribute(name) instanceof String route && route.startsWith("/")) {
          String contextPath = request.getContextPath();
          context.setRoute(contextPath.isEmpty() ? route : contextPath + route);
          return;
        }
      }
    } catch (RuntimeException e) {
      // A recycled request object after an asynchronous completion: keep the route we had.
      rt.errors.record(COMPONENT, e);
    }
  }

  private static @Nullable String mappingPattern(HttpServletRequest request) {
    HttpServletMapping mapping = request.getHttpServletMapping();
    if (mapping == null || mapping.getMappingMatch() == null) {
      return null;
    }
    MappingMatch match = mapping.getMappingMatch();
    return switch (match) {
      case EXACT, PATH, EXTENSION -> {
        String pattern = mapping.getPattern();
        yield pattern == null || pattern.isEmpty() ? null : pattern;
      }
      case CONTEXT_ROOT -> "/";
      case DEFAULT -> null;
    };
  }

  private static @Nullable String protocolVersion(@Nullable String protocol) {
    if (protocol == null) {
      return null;
    }
    // The container's own constants, answered without a new string per request. HTTP/2 and 3 have
    // no minor version: the semantic conventions' network.protocol.version is "2" and "3".
    switch (protocol) {
      case "HTTP/1.1":
        return "1.1";
      case "HTTP/1.0":
        return "1.0";
      case "HTTP/2.0":
      case "HTTP/2":
        return "2";
      case "HTTP/3.0":
      case "HTTP/3":
        return "3";
      default:
        int slash = protocol.indexOf('/');
        return slash >= 0 ? protocol.substring(slash + 1) : protocol;
    }
  }

  private @Nullable Runtime runtime() {
    Runtime rt = runtime;
    if (rt != null && !rt.observability.isClosed()) {
      return rt;
    }
    Observability obs = fixed != null ? fixed : Observability.current().orElse(null);
    if (obs == null || obs.isClosed()) {
      return null;
    }
    rt = new Runtime(obs, settings(obs.config()));
    runtime = rt;
    return rt;
  }

  private FilterSettings settings(ObservabilityConfig config) {
    return new FilterSettings(
        PathPatterns.of(
            excludedPaths != null ? excludedPaths : read(config, ServletModule.EXCLUDED_PATHS)),
        routeAttributes != null ? routeAttributes : read(config, ServletModule.ROUTE_ATTRIBUTES),
        templates != null ? templates : RouteTemplates.empty(),
        java.util.Set.copyOf(
            responseHeaders != null
                ? responseHeaders
                : read(config, ServletModule.RESPONSE_HEADERS)));
  }

  private static List<String> read(
      ObservabilityConfig config, dev.observability.ConfigKey<List<String>> key) {
    try {
      return config.get(key);
    } catch (ConfigurationException e) {
      // Declared by the servlet module, so validated at start-up when it runs; when it does not
      // run and the raw value is bad, use the default rather than fail requests.
      List<String> fallback = key.defaultValue();
      return fallback == null ? List.of() : fallback;
    }
  }

  /**
   * The response as the application sees it, one per request: it signals {@link
   * ObservationNames#SERVER_ERROR_STATUS} on the request's observation the first time the
   * application sets a 5xx status, before the status is applied (so handlers may still add
   * headers), and it is the writer through which handlers set the headers that {@code
   * servlet.response-headers} allows, while the response is not committed.
   */
  private static final class ObservedResponse extends HttpServletResponseWrapper
      implements HttpServerObservationContext.ResponseHeaders {
    private final FilterSettings settings;

    /** The request's observation until the 5xx was signalled; null before it starts and after. */
    @Nullable Observation observation;

    ObservedResponse(FilterSettings settings, HttpServletResponse response) {
      super(response);
      this.settings = settings;
    }

    private HttpServletResponse response() {
      return (HttpServletResponse) getResponse();
    }

    @Override
    public void accept(String name, String value) {
      HttpServletResponse response = response();
      if (settings.allowsResponseHeader(name) && !response.isCommitted()) {
        response.setHeader(name, value);
      }
    }

    @Override
    public void add(String name, String value) {
      HttpServletResponse response = response();
      if (settings.allowsResponseHeader(name) && !response.isCommitted()) {
        response.addHeader(name, value);
      }
    }

    @Override
    public void setStatus(int sc) {
      status(sc);
      super.setStatus(sc);
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
      status(sc);
      super.sendError(sc, msg);
    }

    @Override
    public void sendError(int sc) throws IOException {
      status(sc);
      super.sendError(sc);
    }

    private void status(int sc) {
      Observation o = observation;
      if (sc >= 500 && o != null && !response().isCommitted()) {
        // Once per request; the field doubles as the flag (one object no larger than before).
        observation = null;
        // Inside the application's own call: core's guard keeps every handler's failure out.
        o.event(ObservationNames.SERVER_ERROR_STATUS);
      }
    }
  }

  /** The instance in use and what was derived from it. */
  private static final class Runtime {
    final Observability observability;
    final FilterSettings settings;
    final InternalErrors errors;
    final Counter rejectedRequestIds;

    Runtime(Observability observability, FilterSettings settings) {
      this.observability = observability;
      this.settings = settings;
      this.errors = new InternalErrors(observability.meterRegistry());
      this.rejectedRequestIds =
          Counter.builder("observability.servlet.request.ids.rejected")
              .description(
                  "Inbound X-Request-ID values replaced by a generated id because they were not"
                      + " 1 to 128 characters of A-Z a-z 0-9 . _ -")
              .register(observability.meterRegistry());
    }
  }
}
