package dev.observability.benchmarks;

import dev.observability.scrub.Scrubber;
import dev.observability.tracing.internal.ErrorBiasedSampler;
import dev.observability.tracing.internal.ExportPipeline;
import dev.observability.tracing.internal.HttpSemconv;
import dev.observability.tracing.internal.TailSamplingSpanProcessor;
import dev.observability.tracing.internal.TraceIdRatio;
import dev.observability.tracing.internal.TracingMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.time.Duration;
import java.util.Collection;
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
 * The cost of error-biased tail sampling on the thread that ends spans: our sampler (records
 * everything) and tail-sampling processor (buffers the fragment, decides at the root, hands kept
 * spans to a batch exporter), against the plain SDK with {@code Sampler.alwaysOn()} and a {@link
 * BatchSpanProcessor}; both export to the same no-op exporter.
 *
 * <ul>
 *   <li>{@code span*}: start and end one root span with 5 attributes (each one a whole trace);
 *   <li>{@code tenSpanTrace*}: a root with 9 children that end first, so our processor buffers 9
 *       spans and decides the fragment when the root ends.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TracingBenchmark {

  private SdkTracerProvider ours;
  private SdkTracerProvider plain;
  private Tracer oursTracer;
  private Tracer plainTracer;

  /** Accepts every batch and does nothing with it. */
  static final class NoopExporter implements SpanExporter {
    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    TracingMetrics metrics = new TracingMetrics(new SimpleMeterRegistry());
    ExportPipeline pipeline =
        new ExportPipeline(
            new NoopExporter(),
            Scrubber.noop(),
            metrics,
            e -> {},
            2048,
            512,
            Duration.ofSeconds(5),
            Duration.ofSeconds(30));
    TailSamplingSpanProcessor processor =
        TailSamplingSpanProcessor.builder(pipeline, metrics).build();
    ours =
        SdkTracerProvider.builder()
            .setSampler(new ErrorBiasedSampler(new TraceIdRatio(0.1), true))
            .addSpanProcessor(processor)
            .build();
    plain =
        SdkTracerProvider.builder()
            .setSampler(Sampler.alwaysOn())
            .addSpanProcessor(BatchSpanProcessor.builder(new NoopExporter()).build())
            .build();
    oursTracer = ours.get("benchmark");
    plainTracer = plain.get("benchmark");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ours.shutdown().join(10, TimeUnit.SECONDS);
    plain.shutdown().join(10, TimeUnit.SECONDS);
  }

  private static Span span(Tracer tracer) {
    Span span =
        tracer
            .spanBuilder("GET /api/users/{id}")
            .setNoParent()
            .setSpanKind(SpanKind.SERVER)
            .startSpan();
    span.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, "GET");
    span.setAttribute(HttpSemconv.HTTP_ROUTE, "/api/users/{id}");
    span.setAttribute(HttpSemconv.URL_PATH, "/api/users/42");
    span.setAttribute(HttpSemconv.SERVER_ADDRESS, "api.example.com");
    span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L);
    span.end();
    return span;
  }

  private static Span tenSpanTrace(Tracer tracer) {
    Span root =
        tracer
            .spanBuilder("GET /api/orders")
            .setNoParent()
            .setSpanKind(SpanKind.SERVER)
            .startSpan();
    Context parent = Context.root().with(root);
    for (int i = 0; i < 9; i++) {
      Span child = tracer.spanBuilder("db.query").setParent(parent).startSpan();
      child.setAttribute(HttpSemconv.SERVER_ADDRESS, "db");
      child.end();
    }
    root.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L);
    root.end();
    return root;
  }

  @Benchmark
  public Span spanOurs() {
    return span(oursTracer);
  }

  @Benchmark
  public Span spanPlainSdk() {
    return span(plainTracer);
  }

  @Benchmark
  public Span tenSpanTraceOurs() {
    return tenSpanTrace(oursTracer);
  }

  @Benchmark
  public Span tenSpanTracePlainSdk() {
    return tenSpanTrace(plainTracer);
  }
}
