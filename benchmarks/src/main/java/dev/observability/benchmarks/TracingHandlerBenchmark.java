package dev.observability.benchmarks;

import dev.observability.HttpServerObservationContext;
import dev.observability.scrub.Scrubber;
import dev.observability.tracing.internal.ErrorBiasedSampler;
import dev.observability.tracing.internal.ExportPipeline;
import dev.observability.tracing.internal.HttpSemconv;
import dev.observability.tracing.internal.LightTracer;
import dev.observability.tracing.internal.TailSamplingSpanProcessor;
import dev.observability.tracing.internal.TraceIdRatio;
import dev.observability.tracing.internal.TracingMetrics;
import dev.observability.tracing.internal.TracingObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The tracing handler and the tail-sampling processor on one request, as the servlet filter drives
 * them: a SERVER observation with the connection details and route known at start, one INTERNAL
 * child ("child") inside its scope, status 200 at the end. The sample ratio is 0, so every trace is
 * recorded, buffered and dropped at its root: the path that ~90% of requests take at the default
 * ratio.
 *
 * <ul>
 *   <li>{@code requestDropped}: the handler, whose spans are {@code LightSpan}s recorded for the
 *       tail sampler and turned into {@code SpanData} only when kept;
 *   <li>{@code sdkSpansDropped}: the same two spans, with the same attributes and scopes, through
 *       the OpenTelemetry SDK's tracer into the same tail sampler (how the handler recorded them
 *       before: every span an SDK span, snapshotted as {@code SpanData} when it ends);
 *   <li>{@code sdkSpansUnsampled}: the same spans on the plain SDK with a ratio sampler at 0 and a
 *       {@link BatchSpanProcessor}, whose unsampled spans are not recorded at all (the floor: no
 *       tail sampling possible).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TracingHandlerBenchmark {

  private SdkTracerProvider sdkTail;
  private SdkTracerProvider plain;
  private TailSamplingSpanProcessor processor;
  private TracingObservationHandler handler;
  private Tracer sdkTailTracer;
  private Tracer plainTracer;

  @Setup(Level.Trial)
  public void setUp() {
    TracingMetrics metrics = new TracingMetrics(new SimpleMeterRegistry());
    ExportPipeline pipeline =
        new ExportPipeline(
            new TracingBenchmark.NoopExporter(),
            Scrubber.noop(),
            metrics,
            e -> {},
            2048,
            512,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));
    ErrorBiasedSampler sampler = new ErrorBiasedSampler(new TraceIdRatio(0.0), true);
    processor = TailSamplingSpanProcessor.builder(pipeline, metrics).build();
    sdkTail = SdkTracerProvider.builder().setSampler(sampler).addSpanProcessor(processor).build();
    plain =
        SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(0.0)))
            .addSpanProcessor(
                BatchSpanProcessor.builder(new TracingBenchmark.NoopExporter()).build())
            .build();
    handler =
        new TracingObservationHandler(
            new LightTracer(
                sampler,
                IdGenerator.random(),
                Clock.getDefault(),
                SpanLimits.getDefault(),
                Resource::getDefault,
                InstrumentationScopeInfo.create("benchmark"),
                processor),
            W3CTraceContextPropagator.getInstance(),
            true);
    sdkTailTracer = sdkTail.get("benchmark");
    plainTracer = plain.get("benchmark");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    sdkTail.shutdown().join(10, TimeUnit.SECONDS);
    plain.shutdown().join(10, TimeUnit.SECONDS);
  }

  @Benchmark
  public Observation.Context requestDropped() {
    HttpServerObservationContext server =
        new HttpServerObservationContext("GET", "/api/users/42", null, name -> null);
    server.setName("http.server.request");
    server.setRoute("/api/users/{id}");
    server.setClientAddress("127.0.0.1");
    server.setScheme("http");
    server.setServerAddress("localhost");
    server.setServerPort(8080);
    server.setProtocolVersion("1.1");
    server.setUserAgent("wrk");
    handler.onStart(server);
    handler.onScopeOpened(server);
    try {
      Observation.Context child = new Observation.Context();
      child.setName("child");
      handler.onStart(child);
      handler.onScopeOpened(child);
      handler.onScopeClosed(child);
      handler.onStop(child);
    } finally {
      handler.onScopeClosed(server);
    }
    server.setStatus(200);
    handler.onStop(server);
    return server;
  }

  @Benchmark
  public Span sdkSpansDropped() {
    return sdkRequest(sdkTailTracer);
  }

  @Benchmark
  public Span sdkSpansUnsampled() {
    return sdkRequest(plainTracer);
  }

  /** The handler's two spans, written with the SDK's tracer. */
  private static Span sdkRequest(Tracer tracer) {
    Span server =
        tracer
            .spanBuilder("GET /api/users/{id}")
            .setSpanKind(SpanKind.SERVER)
            .setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, "GET")
            .setAttribute(HttpSemconv.URL_PATH, "/api/users/42")
            .setAttribute(HttpSemconv.HTTP_ROUTE, "/api/users/{id}")
            .setAttribute(HttpSemconv.URL_SCHEME, "http")
            .setAttribute(HttpSemconv.SERVER_ADDRESS, "localhost")
            .setAttribute(HttpSemconv.SERVER_PORT, 8080L)
            .setAttribute(HttpSemconv.CLIENT_ADDRESS, "127.0.0.1")
            .setAttribute(HttpSemconv.USER_AGENT_ORIGINAL, "wrk")
            .setAttribute(HttpSemconv.NETWORK_PROTOCOL_VERSION, "1.1")
            .startSpan();
    Context serverContext = Context.current().with(server);
    io.opentelemetry.context.Scope serverScope = serverContext.makeCurrent();
    try {
      Span child =
          tracer
              .spanBuilder("child")
              .setParent(serverContext)
              .setSpanKind(SpanKind.INTERNAL)
              .startSpan();
      io.opentelemetry.context.Scope childScope = Context.current().with(child).makeCurrent();
      childScope.close();
      child.end();
    } finally {
      serverScope.close();
    }
    server.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L);
    server.end();
    return server;
  }
}
