package dev.observability.tracing.internal;

import dev.observability.ErrorFingerprint;
import dev.observability.HttpClientObservationContext;
import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import dev.observability.instrument.MethodObservationContext;
import dev.observability.internal.CompactContext;
import dev.observability.tracing.SamplingPolicy;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The tracing module's handler on the Observation spine: one OpenTelemetry span per observation.
 *
 * <ul>
 *   <li>{@link HttpServerObservationContext}: a SERVER span, child of the current span or, when
 *       there is none, of the context extracted from the request headers (W3C {@code traceparent},
 *       {@code tracestate}, {@code baggage}); HTTP semantic-convention attributes; named {@code
 *       "{method} {route}"} once the route is known; status ERROR for 5xx; the response carries
 *       {@code traceparent} when configured, and {@code traceresponse} (and optionally {@code
 *       Server-Timing}) once the fragment is known to be kept for an error, its latency or a
 *       downstream keep: when the application sets a 5xx status ({@link
 *       ObservationNames#SERVER_ERROR_STATUS}), on an exception, when a span of the request fails
 *       or a call's callee kept the trace, and at the server span's end; written only while the
 *       response is not committed.
 *   <li>{@link HttpClientObservationContext}: a CLIENT span whose context is injected into the
 *       outbound request headers; status ERROR for 4xx and 5xx; a response whose {@code
 *       traceresponse} says the callee kept this trace marks the span for the downstream keep.
 *   <li>anything else: an INTERNAL span named by the observation's contextual name, or its name.
 * </ul>
 *
 * <p>The span is stored in the context under {@link ObservationNames#SPAN} and made current while a
 * scope of the observation is open (scopes may nest and may open on several threads; each is closed
 * on the thread that opened it, restoring what was current before). An error on the observation
 * sets status ERROR, {@code error.type} and an {@code exception} event (scrubbed at export). The
 * span ends when the observation stops.
 *
 * <p>Thread-safe; called by the threads that run observations. Never blocks; core's guard catches
 * and counts anything it throws.
 */
public final class TracingObservationHandler implements ObservationHandler<Observation.Context> {

  private static final String TRACEPARENT = "traceparent";

  /**
   * The keys of a SERVER span in the order {@link #startServer} and {@link #onStop} set them for a
   * routed request without a query that ends without an exception: such spans share this array.
   */
  private static final AttributeKey<?>[] SERVER_KEYS = {
    HttpSemconv.HTTP_REQUEST_METHOD,
    HttpSemconv.URL_PATH,
    HttpSemconv.HTTP_ROUTE,
    HttpSemconv.URL_SCHEME,
    HttpSemconv.SERVER_ADDRESS,
    HttpSemconv.SERVER_PORT,
    HttpSemconv.CLIENT_ADDRESS,
    HttpSemconv.USER_AGENT_ORIGINAL,
    HttpSemconv.NETWORK_PROTOCOL_VERSION,
    HttpSemconv.HTTP_RESPONSE_STATUS_CODE,
    HttpSemconv.ERROR_TYPE,
    HttpSemconv.ERROR_FINGERPRINT
  };

  private static final TextMapGetter<HttpServerObservationContext> REQUEST_HEADERS =
      new TextMapGetter<>() {
        // keys() is left to its default: the W3C propagators read headers by name only.
        @Override
        public @Nullable String get(@Nullable HttpServerObservationContext carrier, String key) {
          return carrier == null ? null : carrier.getRequestHeader(key);
        }
      };

  private static final TextMapSetter<HttpClientObservationContext> OUTBOUND_HEADERS =
      (carrier, key, value) -> {
        if (carrier != null) {
          carrier.setRequestHeader(key, value);
        }
      };

  private final LightTracer tracer;
  private final TextMapPropagator propagator;
  private final boolean responseTraceparent;
  private final boolean traceresponse;
  private final boolean serverTiming;
  private final boolean respectDownstream;

  /**
   * Creates the handler with the default downstream keep: {@code traceresponse} written, {@code
   * Server-Timing} not, callees' keeps respected.
   *
   * @param tracer creates the spans
   * @param propagator extracts inbound and injects outbound context
   * @param responseTraceparent whether HTTP responses carry the server span's traceparent
   */
  public TracingObservationHandler(
      LightTracer tracer, TextMapPropagator propagator, boolean responseTraceparent) {
    this(tracer, propagator, responseTraceparent, true, false, true);
  }

  /**
   * Creates the handler.
   *
   * @param tracer creates the spans
   * @param propagator extracts inbound and injects outbound context
   * @param responseTraceparent whether HTTP responses carry the server span's traceparent
   * @param traceresponse whether a response whose fragment is kept for an error, its latency or a
   *     downstream keep carries {@code traceresponse}
   * @param serverTiming whether such a response also carries {@code Server-Timing: traceparent}
   * @param respectDownstream whether a client span whose response says the callee kept the trace
   *     keeps its fragment
   */
  public TracingObservationHandler(
      LightTracer tracer,
      TextMapPropagator propagator,
      boolean responseTraceparent,
      boolean traceresponse,
      boolean serverTiming,
      boolean respectDownstream) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.responseTraceparent = responseTraceparent;
    this.traceresponse = traceresponse;
    this.serverTiming = serverTiming;
    this.respectDownstream = respectDownstream;
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return true;
  }

  @Override
  public void onStart(Observation.Context context) {
    Context parent = parentContext(context);
    SpanState state;
    Span span;
    if (context instanceof HttpServerObservationContext http) {
      if (!Span.fromContext(parent).getSpanContext().isValid()) {
        parent = propagator.extract(parent, http, REQUEST_HEADERS);
      }
      ServerSpanState server = new ServerSpanState(http);
      span = startServer(http, server, parent);
      state = server;
    } else if (context instanceof HttpClientObservationContext client) {
      span = startClient(client, parent);
      state = new SpanState();
    } else {
      state = new SpanState();
      String name = context.getContextualName();
      String spanName = name == null || name.isEmpty() ? context.getName() : name;
      LightSpan internal =
          context instanceof CompactContext compact && compact.isStarted()
              ? tracer.startAt(spanName, SpanKind.INTERNAL, parent, 4, compact.startNanos())
              : tracer.start(spanName, SpanKind.INTERNAL, parent, 4);
      if (context instanceof MethodObservationContext method) {
        internal.initAttribute(
            HttpSemconv.CODE_FUNCTION_NAME,
            method.getDeclaringClass().getName() + '.' + method.getMethodName());
      }
      span = internal;
    }
    Context current = parent.with(span);
    state.start(span, current);
    context.put(ObservationNames.SPAN, span);
    context.put(SpanState.class, state);
    if (context instanceof HttpClientObservationContext client) {
      propagator.inject(current, client, OUTBOUND_HEADERS);
    } else if (responseTraceparent && context instanceof HttpServerObservationContext http) {
      http.setResponseHeader(TRACEPARENT, traceparent(span.getSpanContext()));
    }
  }

  /**
   * Starts the SERVER span with every attribute the request already carries, set before the span is
   * published (no lock per attribute), from {@code request}, which remembers them so that {@link
   * #onStop} sets again only what the instrumentation changed meanwhile.
   */
  private Span startServer(
      HttpServerObservationContext http, ServerSpanState request, Context parent) {
    String original = http.getMethod();
    String method = HttpSemconv.method(original);
    String route = request.route;
    String name = HttpSemconv.serverSpanName(method, route);
    LightSpan span =
        (http.isStarted()
                ? tracer.startAt(name, SpanKind.SERVER, parent, SERVER_KEYS, http.startNanos())
                : tracer.start(name, SpanKind.SERVER, parent, SERVER_KEYS))
            .initAttribute(HttpSemconv.HTTP_REQUEST_METHOD, method)
            .initAttribute(HttpSemconv.URL_PATH, http.getPath());
    if (!method.equals(original)) {
      span.initAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, original);
    }
    String query = http.getQuery();
    if (query != null && !query.isEmpty()) {
      span.initAttribute(HttpSemconv.URL_QUERY, query);
    }
    initIfPresent(span, HttpSemconv.HTTP_ROUTE, route);
    initIfPresent(span, HttpSemconv.URL_SCHEME, request.scheme);
    initIfPresent(span, HttpSemconv.SERVER_ADDRESS, request.serverAddress);
    if (request.serverPort > 0) {
      span.initAttribute(HttpSemconv.SERVER_PORT, HttpSemconv.boxed(request.serverPort));
    }
    initIfPresent(span, HttpSemconv.CLIENT_ADDRESS, request.clientAddress);
    initIfPresent(span, HttpSemconv.USER_AGENT_ORIGINAL, request.userAgent);
    initIfPresent(span, HttpSemconv.NETWORK_PROTOCOL_VERSION, request.protocolVersion);
    return span;
  }

  private Span startClient(HttpClientObservationContext client, Context parent) {
    String original = client.getMethod();
    String method = HttpSemconv.method(original);
    URI uri = client.getUri();
    String template = client.getRouteTemplate();
    String name = HttpSemconv.spanName(method, template);
    LightSpan span =
        (client.isStarted()
                ? tracer.startAt(name, SpanKind.CLIENT, parent, 8, client.startNanos())
                : tracer.start(name, SpanKind.CLIENT, parent, 8))
            .initAttribute(HttpSemconv.HTTP_REQUEST_METHOD, method)
            .initAttribute(HttpSemconv.URL_FULL, HttpSemconv.urlFull(uri));
    if (!method.equals(original)) {
      span.initAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, original);
    }
    initIfPresent(span, HttpSemconv.URL_TEMPLATE, template);
    initIfPresent(span, HttpSemconv.SERVER_ADDRESS, uri.getHost());
    int port = HttpSemconv.port(uri);
    if (port > 0) {
      span.initAttribute(HttpSemconv.SERVER_PORT, HttpSemconv.boxed(port));
    }
    return span;
  }

  private static void initIfPresent(
      LightSpan span, AttributeKey<String> key, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      span.initAttribute(key, value);
    }
  }

  /**
   * The parent: the current context when it holds a span (a span the host made current inside an
   * observation is the closest parent); else the context of the nearest parent observation that has
   * a span (an observation started on another thread); else the current context (a root).
   */
  private static Context parentContext(Observation.Context context) {
    Context current = Context.current();
    if (Span.fromContext(current).getSpanContext().isValid()) {
      return current;
    }
    ObservationView parent = context.getParentObservation();
    int depth = 0;
    while (parent != null && depth++ < 64) {
      Observation.ContextView view = parent.getContextView();
      SpanState state = view.get(SpanState.class);
      if (state != null) {
        return state.context;
      }
      parent = view.getParentObservation();
    }
    return current;
  }

  @Override
  public void onScopeOpened(Observation.Context context) {
    SpanState state = context.get(SpanState.class);
    if (state != null) {
      state.push(state.context.makeCurrent());
    }
  }

  @Override
  public void onScopeClosed(Observation.Context context) {
    SpanState state = context.get(SpanState.class);
    if (state != null) {
      Scope scope = state.pop();
      if (scope != null) {
        scope.close();
      }
    }
  }

  @Override
  public void onEvent(Observation.Event event, Observation.Context context) {
    if (event == ObservationNames.SERVER_ERROR_STATUS) {
      // A 5xx response is always kept: say so while the response can still take headers.
      if (context instanceof HttpServerObservationContext http
          && context.get(SpanState.class) instanceof ServerSpanState server) {
        sayKeptEarly(http, server);
      }
      return;
    }
    SpanState state = context.get(SpanState.class);
    if (state != null) {
      String name = event.getContextualName();
      state.span.addEvent(name == null || name.isEmpty() ? event.getName() : name);
    }
  }

  @Override
  public void onError(Observation.Context context) {
    // The request failed with an exception: its fragment is kept, and the container has not
    // written its error response yet.
    if (context instanceof HttpServerObservationContext http
        && context.get(SpanState.class) instanceof ServerSpanState server) {
      sayKeptEarly(http, server);
    }
  }

  @Override
  public void onStop(Observation.Context context) {
    SpanState state = context.get(SpanState.class);
    if (state == null) {
      return;
    }
    Span span = state.span;
    Throwable error = context.getError();
    String errorType = error == null ? null : error.getClass().getName();
    if (context instanceof HttpServerObservationContext http
        && state instanceof ServerSpanState start) {
      // Connection details and the route may be set or changed by the instrumentation after the
      // start (an asynchronous framework, a route known only once dispatched): what differs from
      // the start is set again, so the span carries the values read at the end.
      String route = http.getRoute();
      if (changed(route, start.route)) {
        span.setAttribute(HttpSemconv.HTTP_ROUTE, route);
        span.updateName(HttpSemconv.serverSpanName(HttpSemconv.method(http.getMethod()), route));
      }
      setIfChanged(span, HttpSemconv.URL_SCHEME, http.getScheme(), start.scheme);
      setIfChanged(span, HttpSemconv.SERVER_ADDRESS, http.getServerAddress(), start.serverAddress);
      int port = http.getServerPort();
      if (port > 0 && port != start.serverPort) {
        span.setAttribute(HttpSemconv.SERVER_PORT, HttpSemconv.boxed(port));
      }
      setIfChanged(span, HttpSemconv.CLIENT_ADDRESS, http.getClientAddress(), start.clientAddress);
      setIfChanged(span, HttpSemconv.USER_AGENT_ORIGINAL, http.getUserAgent(), start.userAgent);
      setIfChanged(
          span,
          HttpSemconv.NETWORK_PROTOCOL_VERSION,
          http.getProtocolVersion(),
          start.protocolVersion);
      int status = http.getStatus();
      if (status > 0) {
        span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, HttpSemconv.boxed(status));
      }
      if (status >= 500) {
        span.setStatus(StatusCode.ERROR);
        if (errorType == null) {
          errorType = Integer.toString(status);
        }
      }
    } else if (context instanceof HttpClientObservationContext client) {
      int status = client.getStatus();
      if (status > 0) {
        span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, HttpSemconv.boxed(status));
      }
      if (status >= 400) {
        span.setStatus(StatusCode.ERROR);
        if (errorType == null) {
          errorType = Integer.toString(status);
        }
      }
      if (respectDownstream && status > 0 && span instanceof LightSpan light) {
        String traceId = light.getSpanContext().getTraceId();
        if (TraceResponse.keeps(client, traceId)) {
          light.keepDownstream();
        }
      }
    } else {
      addKeyValues(span, context);
    }
    if (error != null) {
      span.recordException(error);
      String message = error.getMessage();
      span.setStatus(StatusCode.ERROR, message == null ? errorType : message);
      // The same id as the access line, the error event and the exception's log line.
      span.setAttribute(HttpSemconv.ERROR_FINGERPRINT, ErrorFingerprint.of(context));
    }
    if (errorType != null) {
      span.setAttribute(HttpSemconv.ERROR_TYPE, errorType);
    }
    if (error == null
        && span instanceof LightSpan light
        && context instanceof CompactContext compact
        && compact.isStopped()) {
      // At the stop stamp the request timer and the access line stop at too: one duration in all
      // three. A span with an exception ends now, after its exception event.
      light.endAtNanoTime(compact.stopNanos());
    } else {
      span.end();
    }
    if (!(span instanceof LightSpan light)) {
      return;
    }
    SamplingPolicy kept = light.keptPolicy();
    if (kept != null) {
      // For the handlers that run after this one on stop (exemplars name kept traces only).
      context.put(ObservationNames.SAMPLING_POLICY, kept.value());
    }
    if (!traceresponse) {
      return;
    }
    if (state instanceof ServerSpanState server) {
      if (kept == SamplingPolicy.ERROR
          || kept == SamplingPolicy.LATENCY
          || kept == SamplingPolicy.DOWNSTREAM) {
        sayKept((HttpServerObservationContext) context, server);
      }
    } else if (light.endedError() || light.endedDownstreamKept()) {
      // A span of the request's fragment failed, or its callee kept the trace: the fragment will
      // be kept, so the request's response says so now, before the application writes it.
      requestKeptEarly(context, light);
    }
  }

  /**
   * The response of the request that {@code context} belongs to says that its fragment is kept,
   * when that request runs on this thread in this trace and exports.
   */
  private void requestKeptEarly(Observation.Context context, LightSpan span) {
    ObservationView parent = context.getParentObservation();
    int depth = 0;
    while (parent != null && depth++ < 64) {
      Observation.ContextView view = parent.getContextView();
      if (view instanceof HttpServerObservationContext http) {
        if (view.get(SpanState.class) instanceof ServerSpanState server
            && server
                .span
                .getSpanContext()
                .getTraceId()
                .equals(span.getSpanContext().getTraceId())) {
          sayKeptEarly(http, server);
        }
        return;
      }
      parent = view.getParentObservation();
    }
  }

  /**
   * As {@link #sayKept}, before the root ended: only on the request's thread, and when exported.
   */
  private void sayKeptEarly(HttpServerObservationContext http, ServerSpanState server) {
    if (traceresponse && tracer.exporting() && server.ownedBy(Thread.currentThread())) {
      sayKept(http, server);
    }
  }

  /**
   * The request's fragment is kept for what its caller cannot know (an error, the latency, a
   * callee's keep): the response says so, once, if it is not committed yet, so that the caller
   * keeps its fragment too.
   */
  private void sayKept(HttpServerObservationContext http, ServerSpanState server) {
    if (server.keepSaid) {
      return;
    }
    server.keepSaid = true;
    String value = TraceResponse.value(server.span.getSpanContext());
    http.setResponseHeader(TraceResponse.TRACERESPONSE, value);
    if (serverTiming) {
      http.addResponseHeader(TraceResponse.SERVER_TIMING, TraceResponse.serverTiming(value));
    }
  }

  /** Whether {@code now} is a value to set: present, and not the one set at the start. */
  private static boolean changed(@Nullable String now, @Nullable String atStart) {
    return now != null && !now.isEmpty() && !now.equals(atStart);
  }

  private static void setIfChanged(
      Span span, AttributeKey<String> key, @Nullable String now, @Nullable String atStart) {
    if (changed(now, atStart)) {
      span.setAttribute(key, now);
    }
  }

  private static void addKeyValues(Span span, Observation.Context context) {
    addKeyValues(span, context.getLowCardinalityKeyValues());
    addKeyValues(span, context.getHighCardinalityKeyValues());
  }

  private static void addKeyValues(Span span, KeyValues keyValues) {
    if (keyValues == KeyValues.empty()) {
      // Most observations carry none: no iterator.
      return;
    }
    for (KeyValue keyValue : keyValues) {
      span.setAttribute(keyValue.getKey(), keyValue.getValue());
    }
  }

  /** The W3C {@code traceparent} value of {@code context}. */
  static String traceparent(SpanContext context) {
    return "00-"
        + context.getTraceId()
        + '-'
        + context.getSpanId()
        + '-'
        + context.getTraceFlags().asHex();
  }

  /**
   * The span of one observation, its OpenTelemetry context, and the scopes opened for it, each
   * remembered with the thread that opened it. Usually one scope at a time, kept in fields without
   * allocation; nested or concurrent scopes go to a list.
   *
   * <p>The span and context are written before the state is put in the observation context and
   * never after.
   *
   * <p>The first scope is claimed by a compare-and-set of its owner and then read and cleared by
   * that thread alone, so that a request's own thread opens and closes it without the lock (one
   * atomic operation per scope instead of a monitor's two on opening and two on closing). Further
   * scopes, and the list, take the lock. The list, once made, stays: a thread that finds it looks
   * there first for its latest scope, which its own nested scopes put there before.
   */
  static class SpanState {
    private static final VarHandle OWNER;

    static {
      try {
        OWNER = MethodHandles.lookup().findVarHandle(SpanState.class, "owner", Thread.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    Span span = Span.getInvalid();
    Context context = Context.root();

    /** The first scope: written and read by {@link #owner} only, while it holds it. */
    private @Nullable Scope scope;

    /** The thread holding the first scope, or null: set by compare-and-set, cleared by it. */
    private volatile @Nullable Thread owner;

    /** Guarded by this; the reference is read without the lock, to skip it while null. */
    private volatile @Nullable List<OpenScope> more;

    private record OpenScope(Thread thread, Scope scope) {}

    final void start(Span started, Context current) {
      this.span = started;
      this.context = current;
    }

    void push(Scope opened) {
      Thread thread = Thread.currentThread();
      if (owner == null && OWNER.compareAndSet(this, null, thread)) {
        scope = opened;
        return;
      }
      synchronized (this) {
        List<OpenScope> list = more;
        if (list == null) {
          list = new ArrayList<>(2);
          more = list;
        }
        list.add(new OpenScope(thread, opened));
      }
    }

    /** Whether {@code thread} holds the first open scope (the request's own thread). */
    boolean ownedBy(Thread thread) {
      return owner == thread;
    }

    @Nullable Scope pop() {
      Thread thread = Thread.currentThread();
      if (more != null) {
        synchronized (this) {
          List<OpenScope> list = more;
          for (int i = list.size() - 1; i >= 0; i--) {
            OpenScope entry = list.get(i);
            if (entry.thread() == thread) {
              list.remove(i);
              return entry.scope();
            }
          }
        }
      }
      if (owner == thread) {
        Scope found = scope;
        scope = null;
        // Released after the slot is cleared: the next owner's claim sees it empty.
        OWNER.setRelease(this, (Thread) null);
        return found;
      }
      return null;
    }
  }

  /** The state of a SERVER span, with the request values set on the span at its start. */
  static final class ServerSpanState extends SpanState {
    final @Nullable String route;
    final @Nullable String scheme;
    final @Nullable String serverAddress;
    final int serverPort;
    final @Nullable String clientAddress;
    final @Nullable String userAgent;
    final @Nullable String protocolVersion;

    /** Whether the response was told that the fragment is kept; on the request's thread. */
    boolean keepSaid;

    ServerSpanState(HttpServerObservationContext http) {
      route = http.getRoute();
      scheme = http.getScheme();
      serverAddress = http.getServerAddress();
      serverPort = http.getServerPort();
      clientAddress = http.getClientAddress();
      userAgent = http.getUserAgent();
      protocolVersion = http.getProtocolVersion();
    }
  }
}
