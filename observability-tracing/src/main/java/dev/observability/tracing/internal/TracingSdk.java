package dev.observability.tracing.internal;

import dev.observability.ServiceInfo;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The OpenTelemetry SDK the tracing module builds: resource from the service, the configured
 * propagators (W3C trace context and baggage by default), the error-biased sampler, and (when an
 * exporter is configured) the tail-sampling processor feeding the export pipeline. Not registered
 * as the global OpenTelemetry: hosts reach it through the facade.
 *
 * <p>Thread-safe. {@link #close()} flushes and stops within the shutdown timeout and is idempotent.
 */
public final class TracingSdk implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(TracingSdk.class);

  /** The instrumentation scope of the spans the handler creates. */
  public static final String SCOPE = "dev.observability.tracing";

  private final TracingOpenTelemetry openTelemetry;
  private final TextMapPropagator propagator;
  private final @Nullable TailSamplingSpanProcessor processor;
  private final LightTracer handlerTracer;
  private final TracingSettings settings;
  private final AtomicBoolean closed = new AtomicBoolean();

  private TracingSdk(
      Supplier<SdkTracerProvider> tracerProvider,
      TextMapPropagator propagator,
      @Nullable TailSamplingSpanProcessor processor,
      LightTracer handlerTracer,
      TracingSettings settings) {
    this.openTelemetry =
        new TracingOpenTelemetry(tracerProvider, ContextPropagators.create(propagator));
    this.propagator = propagator;
    this.processor = processor;
    this.handlerTracer = handlerTracer;
    this.settings = settings;
  }

  /**
   * Builds the SDK.
   *
   * @param settings validated settings
   * @param service the resource's service name, version and environment
   * @param scrubber applied to every exported span
   * @param registry where the module's own meters go
   * @param errors receives failures caught on recording and export paths
   * @param clock the SDK's clock (the default clock outside tests)
   */
  public static TracingSdk create(
      TracingSettings settings,
      ServiceInfo service,
      Scrubber scrubber,
      MeterRegistry registry,
      Consumer<Throwable> errors,
      Clock clock) {
    TextMapPropagator propagator = propagator(settings);
    TracingMetrics metrics = new TracingMetrics(registry);
    Supplier<Resource> resource = new ServiceResource(service);
    Sampler sampler =
        new ErrorBiasedSampler(
            new TraceIdRatio(settings.sampleRatio()), settings.respectParentSampled());
    IdGenerator ids = IdGenerator.random();
    SpanLimits limits = SpanLimits.getDefault();
    TailSamplingSpanProcessor processor = null;
    SpanExporter exporter = exporter(settings);
    if (exporter != null) {
      ExportPipeline pipeline =
          new ExportPipeline(
              exporter,
              scrubber,
              metrics,
              errors,
              settings.exportQueueSize(),
              settings.exportBatchSize(),
              settings.exportScheduleDelay(),
              settings.exportTimeout());
      processor =
          TailSamplingSpanProcessor.builder(pipeline, metrics)
              .errors(errors)
              .latencyThreshold(settings.latencyThreshold())
              .respectParentSampled(settings.respectParentSampled())
              .maxBufferedTraces(settings.maxBufferedTraces())
              .maxSpansPerTrace(settings.maxSpansPerTrace())
              .maxBufferedSpans(settings.maxBufferedSpans())
              .fragmentTtl(settings.fragmentTtl())
              .decisionCacheSize(settings.decisionCacheSize())
              .clock(clock)
              .build();
      TailSamplingSpanProcessor buffer = processor;
      TracingMetrics.registerBufferGauges(
          registry, buffer::bufferedSpans, buffer::bufferedTraces, pipeline::queued);
    } else {
      TracingMetrics.registerBufferGauges(registry, () -> 0, () -> 0, () -> 0);
      if (settings.exporterFromDefault()) {
        logger.info(
            "tracing: no OTLP endpoint is configured (tracing.otlp.endpoint or"
                + " OTEL_EXPORTER_OTLP_ENDPOINT), so spans are recorded (trace ids reach logs and"
                + " downstream calls) but not exported; set an endpoint, or tracing.exporter ="
                + " logging");
      }
    }
    // The SDK's tracer provider serves only spans the host makes through openTelemetry() and
    // tracer(); the module's own spans come from the light tracer below. It is built on its first
    // use: some 25 classes and OpenTelemetry's configuration look-ups off the start.
    SpanProcessor spanProcessor = processor != null ? processor : new RecordingOnly();
    Supplier<SdkTracerProvider> sdkTracerProvider =
        () ->
            SdkTracerProvider.builder()
                .setClock(clock)
                .setResource(resource.get())
                .setIdGenerator(ids)
                .setSpanLimits(limits)
                .setSampler(sampler)
                .addSpanProcessor(spanProcessor)
                .build();
    if (logger.isDebugEnabled()) {
      logger.debug(
          "tracing: exporters {}, OTLP endpoint {} ({}), sample ratio {}, latency threshold {}",
          settings.exporters(),
          settings.exporters().contains("otlp") ? settings.otlpEndpoint() : "-",
          settings.grpc() ? "grpc" : "http/protobuf",
          settings.sampleRatio(),
          settings.latencyThreshold());
    }
    // The handler's spans: the same sampler, ids, clock, limits, resource and processor as the
    // SDK's, recorded lightly until their fragment is kept.
    LightTracer handlerTracer =
        new LightTracer(
            sampler,
            ids,
            clock,
            limits,
            resource,
            InstrumentationScopeInfo.create(SCOPE),
            processor);
    return new TracingSdk(sdkTracerProvider, propagator, processor, handlerTracer, settings);
  }

  /**
   * The configured propagators in order: {@code tracecontext} is the SDK's own W3C Trace Context
   * propagator at the configured level, {@code baggage} OpenTelemetry's W3C baggage propagator;
   * none gives the no-op propagator.
   */
  static TextMapPropagator propagator(TracingSettings settings) {
    List<TextMapPropagator> propagators = new ArrayList<>();
    for (String name : settings.propagators()) {
      switch (name) {
        case "tracecontext" ->
            propagators.add(new TraceContextPropagator(settings.traceContextLevel()));
        case "baggage" -> propagators.add(W3CBaggagePropagator.getInstance());
        default -> throw new IllegalArgumentException("unknown propagator '" + name + "'");
      }
    }
    return switch (propagators.size()) {
      case 0 -> TextMapPropagator.noop();
      case 1 -> propagators.get(0);
      default -> TextMapPropagator.composite(propagators);
    };
  }

  private static @Nullable SpanExporter exporter(TracingSettings settings) {
    List<SpanExporter> exporters = new ArrayList<>();
    for (String name : settings.exporters()) {
      if (name.equals("otlp")) {
        exporters.add(settings.grpc() ? grpcExporter(settings) : httpExporter(settings));
      } else if (name.equals("logging")) {
        exporters.add(new LoggingSpanExporter());
      }
    }
    if (exporters.isEmpty()) {
      return null;
    }
    return exporters.size() == 1 ? exporters.get(0) : SpanExporter.composite(exporters);
  }

  // The exporters' builders load a few dozen classes: the export thread configures and builds the
  // exporter on the first export instead. What the builders would refuse (the endpoint's URL, the
  // timeout, the headers) is refused by the configuration's checks before the start goes on.
  // OTLP/HTTP goes through BlockingHttpSender, on the export thread (see there why).
  private static SpanExporter httpExporter(TracingSettings settings) {
    return new LazySpanExporter(
        () -> {
          OtlpHttpSpanExporterBuilder builder =
              OtlpHttpSpanExporter.builder()
                  .setEndpoint(settings.otlpEndpoint())
                  .setTimeout(settings.otlpTimeout())
                  .setCompression(settings.gzip() ? "gzip" : "none")
                  .setRetryPolicy(settings.retry() ? RetryPolicy.getDefault() : null)
                  .setMeterProvider(MeterProvider::noop)
                  .setComponentLoader(BlockingHttpSender.loader());
          settings.otlpHeaders().forEach(builder::addHeader);
          return builder.build();
        },
        "OTLP http/protobuf exporter");
  }

  private static SpanExporter grpcExporter(TracingSettings settings) {
    return new LazySpanExporter(
        () -> {
          OtlpGrpcSpanExporterBuilder builder =
              OtlpGrpcSpanExporter.builder()
                  .setEndpoint(settings.otlpEndpoint())
                  .setTimeout(settings.otlpTimeout())
                  .setCompression(settings.gzip() ? "gzip" : "none")
                  .setRetryPolicy(settings.retry() ? RetryPolicy.getDefault() : null)
                  .setMeterProvider(MeterProvider::noop);
          settings.otlpHeaders().forEach(builder::addHeader);
          return builder.build();
        },
        "OTLP gRPC exporter");
  }

  /** The facade's {@code openTelemetry()}: this SDK's tracer provider and propagators. */
  public OpenTelemetry openTelemetry() {
    return openTelemetry;
  }

  /** The tracer of the module's observation handler. */
  public LightTracer handlerTracer() {
    return handlerTracer;
  }

  /** The configured propagators (W3C trace context and baggage by default). */
  public TextMapPropagator propagator() {
    return propagator;
  }

  /** The tail-sampling processor, or null when no exporter is configured. */
  public @Nullable TailSamplingSpanProcessor processor() {
    return processor;
  }

  /**
   * Decides buffered fragments, exports what was kept and stops the SDK, waiting at most the
   * shutdown timeout. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // The tracer provider shuts its processor down; unbuilt, the processor is shut down here.
    CompletableResultCode done = openTelemetry.shutdown();
    if (done == null) {
      done = processor != null ? processor.shutdown() : CompletableResultCode.ofSuccess();
    }
    done.join(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * A processor that needs no callback: spans are recorded and go nowhere. Without any processor
   * the SDK hands out a no-op tracer, whose spans would have no ids for logs and no context to
   * propagate; this one only keeps the SDK recording.
   */
  private static final class RecordingOnly implements SpanProcessor {
    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {}

    @Override
    public boolean isStartRequired() {
      return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {}

    @Override
    public boolean isEndRequired() {
      return false;
    }
  }
}
