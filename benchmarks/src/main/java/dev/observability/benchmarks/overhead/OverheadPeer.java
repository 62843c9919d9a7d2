package dev.observability.benchmarks.overhead;

import static net.logstash.logback.argument.StructuredArguments.kv;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.prometheus.PrometheusHttpServer;
import io.opentelemetry.instrumentation.api.instrumenter.Instrumenter;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerAttributesExtractor;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerAttributesGetter;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerMetrics;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRoute;
import io.opentelemetry.instrumentation.api.semconv.http.HttpServerRouteSource;
import io.opentelemetry.instrumentation.api.semconv.http.HttpSpanNameExtractor;
import io.opentelemetry.instrumentation.api.semconv.http.HttpSpanStatusExtractor;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.sentry.Sentry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Set-up (d): the same signals as the SDK gives, assembled by hand from the parts a team reaches
 * for instead. Its JSON lines come from logstash-logback-encoder's {@code LogstashEncoder} (the
 * Logback configuration of the set-up); this class adds what an application would write itself: a
 * servlet filter that logs a JSON access line with logstash's {@code StructuredArguments}, and
 * error reports through Sentry's static API ({@code Sentry.captureException}).
 *
 * <p>Traces, HTTP metrics and trace ids in the MDC come from OpenTelemetry:
 *
 * <ul>
 *   <li>{@link #underAgent}: from the OpenTelemetry Java agent the process runs with ({@code
 *       run.sh}'s set-up (d): {@code OTEL_METRICS_EXPORTER=prometheus}); the child is traced by the
 *       agent through its {@code @WithSpan} annotation;
 *   <li>{@link #inProcess}: without an agent (the in-process {@link RequestBenchmark}), from the
 *       parts the agent is made of, configured as its defaults: the OpenTelemetry SDK ({@code
 *       parentbased_always_on}, batch span processor, OTLP over HTTP), the instrumentation API's
 *       HTTP server instrumenter with its attributes, route and {@code
 *       http.server.request.duration} metric (Prometheus reader), a span for the child, and the
 *       trace ids put in the MDC by OpenTelemetry's Logback MDC appender (in the set-up's Logback
 *       configuration).
 * </ul>
 *
 * <p>Thread-safe.
 */
final class OverheadPeer implements OverheadInstrumentation {

  private static final Logger access = LoggerFactory.getLogger("access");

  private final @Nullable OpenTelemetrySdk sdk;
  private final @Nullable Instrumenter<HttpServletRequest, HttpServletResponse> server;
  private final @Nullable Tracer tracer;

  private OverheadPeer(@Nullable OpenTelemetrySdk sdk) {
    this.sdk = sdk;
    this.server = sdk == null ? null : serverInstrumenter(sdk);
    this.tracer = sdk == null ? null : sdk.getTracer("overhead-peer");
  }

  /** Under the Java agent: the access line and Sentry; traces and metrics are the agent's. */
  static OverheadPeer underAgent(String sentryDsn) {
    initSentry(sentryDsn);
    return new OverheadPeer(null);
  }

  /** Without an agent: the access line, Sentry, and the agent's parts started here. */
  static OverheadPeer inProcess(String otlpUrl, String sentryDsn) throws IOException {
    initSentry(sentryDsn);
    int prometheusPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      prometheusPort = socket.getLocalPort();
    }
    Resource resource =
        Resource.getDefault()
            .merge(
                Resource.create(
                    io.opentelemetry.api.common.Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"),
                        "overhead-peer")));
    OpenTelemetrySdk sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(
                SdkTracerProvider.builder()
                    .setResource(resource)
                    .setSampler(Sampler.parentBased(Sampler.alwaysOn()))
                    .addSpanProcessor(
                        BatchSpanProcessor.builder(
                                OtlpHttpSpanExporter.builder()
                                    .setEndpoint(otlpUrl + "/v1/traces")
                                    .build())
                            .build())
                    .build())
            .setMeterProvider(
                SdkMeterProvider.builder()
                    .setResource(resource)
                    .registerMetricReader(
                        PrometheusHttpServer.builder()
                            .setHost("127.0.0.1")
                            .setPort(prometheusPort)
                            .build())
                    .build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    return new OverheadPeer(sdk);
  }

  private static void initSentry(String dsn) {
    Sentry.init(
        options -> {
          options.setDsn(dsn);
          options.setEnvironment("benchmark");
        });
  }

  @Override
  public void install(ServletContextHandler context) {
    EnumSet<DispatcherType> request = EnumSet.of(DispatcherType.REQUEST);
    if (server != null) {
      context.addFilter(new FilterHolder(new ServerSpanFilter(server)), "/*", request);
    }
    context.addFilter(new FilterHolder(new AccessLogFilter()), "/*", request);
  }

  @Override
  public OverheadWork.Item child(long n) {
    if (tracer == null) {
      return OverheadWork.child(n);
    }
    Span span = tracer.spanBuilder("child").startSpan();
    Scope scope = span.makeCurrent();
    try {
      return OverheadWork.child(n);
    } finally {
      scope.close();
      span.end();
    }
  }

  @Override
  public void reportError(long n) {
    Sentry.captureException(new IllegalStateException("overhead benchmark error, request " + n));
  }

  @Override
  public void close() {
    Sentry.close();
    if (sdk != null) {
      sdk.close();
    }
  }

  private static Instrumenter<HttpServletRequest, HttpServletResponse> serverInstrumenter(
      OpenTelemetry openTelemetry) {
    RequestGetter getter = new RequestGetter();
    return Instrumenter.<HttpServletRequest, HttpServletResponse>builder(
            openTelemetry, "io.opentelemetry.servlet-5.0", HttpSpanNameExtractor.create(getter))
        .setSpanStatusExtractor(HttpSpanStatusExtractor.create(getter))
        .addAttributesExtractor(HttpServerAttributesExtractor.create(getter))
        .addContextCustomizer(HttpServerRoute.create(getter))
        .addOperationMetrics(HttpServerMetrics.get())
        .buildServerInstrumenter(new HeaderGetter());
  }

  /** The server span of each request, as the agent's servlet instrumentation makes it. */
  private static final class ServerSpanFilter implements Filter {
    private final Instrumenter<HttpServletRequest, HttpServletResponse> instrumenter;

    ServerSpanFilter(Instrumenter<HttpServletRequest, HttpServletResponse> instrumenter) {
      this.instrumenter = instrumenter;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      HttpServletRequest request = (HttpServletRequest) req;
      HttpServletResponse response = (HttpServletResponse) res;
      Context parent = Context.current();
      if (!instrumenter.shouldStart(parent, request)) {
        chain.doFilter(req, res);
        return;
      }
      Context context = instrumenter.start(parent, request);
      Throwable error = null;
      Scope scope = context.makeCurrent();
      try {
        chain.doFilter(req, res);
        String pattern = request.getHttpServletMapping().getPattern();
        if (pattern != null && !pattern.isEmpty()) {
          HttpServerRoute.update(context, HttpServerRouteSource.SERVER, pattern);
        }
      } catch (IOException | ServletException | RuntimeException | Error e) {
        error = e;
        throw e;
      } finally {
        scope.close();
        instrumenter.end(context, request, response, error);
      }
    }
  }

  /** The access line an application writes itself: one JSON line per request, ids in the MDC. */
  private static final class AccessLogFilter implements Filter {
    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
        throws IOException, ServletException {
      long start = System.nanoTime();
      HttpServletRequest request = (HttpServletRequest) req;
      HttpServletResponse response = (HttpServletResponse) res;
      int status = 500;
      try {
        chain.doFilter(req, res);
        status = response.getStatus();
      } finally {
        access.info(
            "request completed",
            kv("method", request.getMethod()),
            kv("path", request.getRequestURI()),
            kv("status", status),
            kv("duration_ms", (System.nanoTime() - start) / 1_000_000.0));
      }
    }
  }

  private static final class HeaderGetter implements TextMapGetter<HttpServletRequest> {
    @Override
    public @Nullable String get(@Nullable HttpServletRequest carrier, String key) {
      return carrier == null ? null : carrier.getHeader(key);
    }
  }

  private static final class RequestGetter
      implements HttpServerAttributesGetter<HttpServletRequest, HttpServletResponse> {
    @Override
    public String getHttpRequestMethod(HttpServletRequest request) {
      return request.getMethod();
    }

    @Override
    public List<String> getHttpRequestHeader(HttpServletRequest request, String name) {
      return Collections.list(request.getHeaders(name));
    }

    @Override
    public @Nullable Integer getHttpResponseStatusCode(
        HttpServletRequest request, HttpServletResponse response, @Nullable Throwable error) {
      return response.getStatus();
    }

    @Override
    public List<String> getHttpResponseHeader(
        HttpServletRequest request, HttpServletResponse response, String name) {
      return List.copyOf(response.getHeaders(name));
    }

    @Override
    public String getUrlScheme(HttpServletRequest request) {
      return request.getScheme();
    }

    @Override
    public String getUrlPath(HttpServletRequest request) {
      return request.getRequestURI();
    }

    @Override
    public @Nullable String getUrlQuery(HttpServletRequest request) {
      return request.getQueryString();
    }

    @Override
    public @Nullable String getNetworkProtocolName(
        HttpServletRequest request, @Nullable HttpServletResponse response) {
      String protocol = request.getProtocol();
      return protocol != null && protocol.startsWith("HTTP/") ? "http" : null;
    }

    @Override
    public @Nullable String getNetworkProtocolVersion(
        HttpServletRequest request, @Nullable HttpServletResponse response) {
      String protocol = request.getProtocol();
      return protocol != null && protocol.startsWith("HTTP/") ? protocol.substring(5) : null;
    }

    @Override
    public @Nullable String getNetworkPeerAddress(
        HttpServletRequest request, @Nullable HttpServletResponse response) {
      return request.getRemoteAddr();
    }

    @Override
    public @Nullable Integer getNetworkPeerPort(
        HttpServletRequest request, @Nullable HttpServletResponse response) {
      return request.getRemotePort();
    }

    @Override
    public @Nullable String getClientAddress(HttpServletRequest request) {
      return request.getRemoteAddr();
    }
  }
}
