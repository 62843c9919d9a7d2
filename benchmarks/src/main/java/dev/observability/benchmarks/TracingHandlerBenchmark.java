package dev.observability.benchmarks;

import dev.observability.HttpServerObservationContext;
import dev.observability.scrub.Scrubber;
import dev.observability.tracing.internal.ErrorBiasedSampler;
import dev.observability.tracing.internal.ExportPipeline;
import dev.observability.tracing.internal.TailSamplingSpanProcessor;
import dev.observability.tracing.internal.TraceIdRatio;
import dev.observability.tracing.internal.TracingMetrics;
import dev.observability.tracing.internal.TracingObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
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
 *   <li>{@code requestDropped}: our sampler and processor (every span recorded);
 *   <li>{@code requestPlainSdkUnsampled}: the same handler over the plain SDK with a ratio sampler
 *       at 0 and a {@link BatchSpanProcessor}, whose unsampled spans are not recorded at all (the
 *       floor: no tail sampling, no ids of recorded spans).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class TracingHandlerBenchmark {

  private SdkTracerProvider ours;
  private SdkTracerProvider plain;
  private TracingObservationHandler oursHandler;
  private TracingObservationHandler plainHandler;

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
    ours =
        SdkTracerProvider.builder()
            .setSampler(new ErrorBiasedSampler(new TraceIdRatio(0.0), true))
            .addSpanProcessor(TailSamplingSpanProcessor.builder(pipeline, metrics).build())
            .build();
    plain =
        SdkTracerProvider.builder()
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(0.0)))
            .addSpanProcessor(
                BatchSpanProcessor.builder(new TracingBenchmark.NoopExporter()).build())
            .build();
    oursHandler =
        new TracingObservationHandler(
            ours.get("benchmark"), W3CTraceContextPropagator.getInstance(), true);
    plainHandler =
        new TracingObservationHandler(
            plain.get("benchmark"), W3CTraceContextPropagator.getInstance(), true);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    ours.shutdown().join(10, TimeUnit.SECONDS);
    plain.shutdown().join(10, TimeUnit.SECONDS);
  }

  private static Observation.Context request(TracingObservationHandler handler) {
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
  public Observation.Context requestDropped() {
    return request(oursHandler);
  }

  @Benchmark
  public Observation.Context requestPlainSdkUnsampled() {
    return request(plainHandler);
  }
}
