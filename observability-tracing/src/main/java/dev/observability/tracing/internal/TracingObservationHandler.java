package dev.observability.tracing.internal;

import dev.observability.HttpClientObservationContext;
import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import dev.observability.instrument.MethodObservationContext;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
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
 *       {@code traceparent} when configured.
 *   <li>{@link HttpClientObservationContext}: a CLIENT span whose context is injected into the
 *       outbound request headers; status ERROR for 4xx and 5xx.
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

  private final Tracer tracer;
  private final TextMapPropagator propagator;
  private final boolean responseTraceparent;

  /**
   * Creates the handler.
   *
   * @param tracer creates the spans
   * @param propagator extracts inbound and injects outbound context
   * @param responseTraceparent whether HTTP responses carry the server span's traceparent
   */
  public TracingObservationHandler(
      Tracer tracer, TextMapPropagator propagator, boolean responseTraceparent) {
    this.tracer = tracer;
    this.propagator = propagator;
    this.responseTraceparent = responseTraceparent;
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return true;
  }

  @Override
  public void onStart(Observation.Context context) {
    Context parent = parentContext(context);
    Span span;
    if (context instanceof HttpServerObservationContext http) {
      if (!Span.fromContext(parent).getSpanContext().isValid()) {
        parent = propagator.extract(parent, http, REQUEST_HEADERS);
      }
      span = startServer(http, parent);
    } else if (context instanceof HttpClientObservationContext client) {
      span = startClient(client, parent);
    } else {
      String name = context.getContextualName();
      SpanBuilder builder =
          tracer
              .spanBuilder(name == null || name.isEmpty() ? context.getName() : name)
              .setParent(parent)
              .setSpanKind(SpanKind.INTERNAL);
      if (context instanceof MethodObservationContext method) {
        builder.setAttribute(
            HttpSemconv.CODE_FUNCTION_NAME,
            method.getDeclaringClass().getName() + '.' + method.getMethodName());
      }
      span = builder.startSpan();
    }
    Context current = parent.with(span);
    context.put(ObservationNames.SPAN, span);
    context.put(SpanState.class, new SpanState(current));
    if (context instanceof HttpClientObservationContext client) {
      propagator.inject(current, client, OUTBOUND_HEADERS);
    } else if (responseTraceparent && context instanceof HttpServerObservationContext http) {
      http.setResponseHeader(TRACEPARENT, traceparent(span.getSpanContext()));
    }
  }

  private Span startServer(HttpServerObservationContext http, Context parent) {
    String original = http.getMethod();
    String method = HttpSemconv.method(original);
    SpanBuilder builder =
        tracer
            .spanBuilder(HttpSemconv.spanName(method, http.getRoute()))
            .setParent(parent)
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, method)
            .setAttribute(HttpSemconv.URL_PATH, http.getPath());
    if (!method.equals(original)) {
      builder.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, original);
    }
    String query = http.getQuery();
    if (query != null && !query.isEmpty()) {
      builder.setAttribute(HttpSemconv.URL_QUERY, query);
    }
    return builder.startSpan();
  }

  private Span startClient(HttpClientObservationContext client, Context parent) {
    String original = client.getMethod();
    String method = HttpSemconv.method(original);
    URI uri = client.getUri();
    String template = client.getRouteTemplate();
    SpanBuilder builder =
        tracer
            .spanBuilder(HttpSemconv.spanName(method, template))
            .setParent(parent)
            .setSpanKind(SpanKind.CLIENT)
            .setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, method)
            .setAttribute(HttpSemconv.URL_FULL, HttpSemconv.urlFull(uri));
    if (!method.equals(original)) {
      builder.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD_ORIGINAL, original);
    }
    setIfPresent(builder, HttpSemconv.URL_TEMPLATE, template);
    setIfPresent(builder, HttpSemconv.SERVER_ADDRESS, uri.getHost());
    int port = HttpSemconv.port(uri);
    if (port > 0) {
      builder.setAttribute(HttpSemconv.SERVER_PORT, (long) port);
    }
    return builder.startSpan();
  }

  private static void setIfPresent(
      SpanBuilder builder, AttributeKey<String> key, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      builder.setAttribute(key, value);
    }
  }

  private static void setIfPresent(Span span, AttributeKey<String> key, @Nullable String value) {
    if (value != null && !value.isEmpty()) {
      span.setAttribute(key, value);
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
    Span span = context.get(ObservationNames.SPAN);
    if (span != null) {
      String name = event.getContextualName();
      span.addEvent(name == null || name.isEmpty() ? event.getName() : name);
    }
  }

  @Override
  public void onStop(Observation.Context context) {
    Span span = context.get(ObservationNames.SPAN);
    if (span == null) {
      return;
    }
    Throwable error = context.getError();
    String errorType = error == null ? null : error.getClass().getName();
    if (context instanceof HttpServerObservationContext http) {
      String route = http.getRoute();
      if (route != null && !route.isEmpty()) {
        span.setAttribute(HttpSemconv.HTTP_ROUTE, route);
        span.updateName(HttpSemconv.spanName(HttpSemconv.method(http.getMethod()), route));
      }
      // Connection details are set by the instrumentation as it learns them: read them at the end.
      setIfPresent(span, HttpSemconv.URL_SCHEME, http.getScheme());
      setIfPresent(span, HttpSemconv.SERVER_ADDRESS, http.getServerAddress());
      if (http.getServerPort() > 0) {
        span.setAttribute(HttpSemconv.SERVER_PORT, (long) http.getServerPort());
      }
      setIfPresent(span, HttpSemconv.CLIENT_ADDRESS, http.getClientAddress());
      setIfPresent(span, HttpSemconv.USER_AGENT_ORIGINAL, http.getUserAgent());
      setIfPresent(span, HttpSemconv.NETWORK_PROTOCOL_VERSION, http.getProtocolVersion());
      int status = http.getStatus();
      if (status > 0) {
        span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, (long) status);
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
        span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, (long) status);
      }
      if (status >= 400) {
        span.setStatus(StatusCode.ERROR);
        if (errorType == null) {
          errorType = Integer.toString(status);
        }
      }
    } else {
      addKeyValues(span, context);
    }
    if (error != null) {
      span.recordException(error);
      String message = error.getMessage();
      span.setStatus(StatusCode.ERROR, message == null ? errorType : message);
    }
    if (errorType != null) {
      span.setAttribute(HttpSemconv.ERROR_TYPE, errorType);
    }
    span.end();
  }

  private static void addKeyValues(Span span, Observation.Context context) {
    for (KeyValue keyValue : context.getLowCardinalityKeyValues()) {
      span.setAttribute(keyValue.getKey(), keyValue.getValue());
    }
    for (KeyValue keyValue : context.getHighCardinalityKeyValues()) {
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
   * The OpenTelemetry context of one observation, and the scopes opened for it, each remembered
   * with the thread that opened it. Usually one scope at a time, kept in fields without allocation;
   * nested or concurrent scopes go to a list.
   */
  static final class SpanState {
    final Context context;
    private @Nullable Scope scope;
    private @Nullable Thread owner;
    private @Nullable List<OpenScope> more;

    private record OpenScope(Thread thread, Scope scope) {}

    SpanState(Context context) {
      this.context = context;
    }

    synchronized void push(Scope opened) {
      if (scope == null) {
        scope = opened;
        owner = Thread.currentThread();
        return;
      }
      if (more == null) {
        more = new ArrayList<>(2);
      }
      more.add(new OpenScope(Thread.currentThread(), opened));
    }

    synchronized @Nullable Scope pop() {
      Thread thread = Thread.currentThread();
      if (more != null) {
        for (int i = more.size() - 1; i >= 0; i--) {
          OpenScope entry = more.get(i);
          if (entry.thread() == thread) {
            more.remove(i);
            return entry.scope();
          }
        }
      }
      if (scope != null && owner == thread) {
        Scope found = scope;
        scope = null;
        owner = null;
        return found;
      }
      return null;
    }
  }
}
