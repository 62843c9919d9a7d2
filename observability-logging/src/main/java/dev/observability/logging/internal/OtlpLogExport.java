package dev.observability.logging.internal;

import dev.observability.ServiceInfo;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporter;
import io.opentelemetry.exporter.otlp.http.logs.OtlpHttpLogRecordExporterBuilder;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporter;
import io.opentelemetry.exporter.otlp.logs.OtlpGrpcLogRecordExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The OTLP log export of the logging module ({@code logging.exporter=otlp}): the appender, the
 * bounded pipeline and the OpenTelemetry SDK's OTLP log exporter (http/protobuf through the JDK
 * HttpClient, or gRPC), with the facade's service as resource ({@code service.name}, {@code
 * service.version}, {@code deployment.environment.name}, {@code resource.attributes}, and the SDK's
 * {@code telemetry.sdk.*}). The exporter is built on the first export, on the export thread,
 * because building the JDK HttpClient sets up TLS (about 150 ms) even for {@code http://}.
 *
 * <p>Its own trouble (a capture or mapping that failed, a dead export thread) goes to Logback's
 * status manager through the reporter, never to a logger. Thread-safe; {@link #close()} flushes
 * within the shutdown timeout and is idempotent.
 */
public final class OtlpLogExport implements AutoCloseable {

  private static final String JDK_SENDER =
      "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";
  private static final int REPORT_FIRST = 5;
  private static final int REPORT_EVERY = 1000;

  private final OtlpLogSettings settings;
  private final OtlpLogPipeline pipeline;
  private final OtlpLogMeters meters;
  private final ch.qos.logback.core.spi.ContextAware reporter;
  private final AtomicLong failures = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile @Nullable Thread exportThread;

  private OtlpLogExport(
      OtlpLogSettings settings,
      LogRecordExporter exporter,
      OtlpLogRecords records,
      MeterRegistry registry,
      ch.qos.logback.core.spi.ContextAware reporter) {
    this.settings = settings;
    this.reporter = reporter;
    OtlpLogPipeline[] holder = new OtlpLogPipeline[1];
    this.meters = new OtlpLogMeters(registry, () -> holder[0] == null ? 0 : holder[0].queued());
    this.pipeline =
        new OtlpLogPipeline(
            new ThreadRecordingExporter(exporter, this),
            records,
            meters,
            this::failed,
            settings.maxQueueSize(),
            settings.maxBatchSize(),
            settings.scheduleDelay(),
            settings.exportTimeout());
    holder[0] = pipeline;
  }

  /**
   * Starts the export: its thread runs, and the returned appender, once attached, feeds it.
   *
   * @param reporter where the export's own failures are reported (Logback's status manager)
   */
  public static OtlpLogExport start(
      OtlpLogSettings settings,
      LoggingSettings logging,
      ServiceInfo service,
      Scrubber scrubber,
      MeterRegistry registry,
      ch.qos.logback.core.spi.ContextAware reporter) {
    OtlpLogRecords records =
        new OtlpLogRecords(
            resource(service),
            scrubber,
            new StackTraceRenderer(
                logging.maxFrames(), logging.maxCauses(), logging.maxStackTraceLength()),
            logging.maxEventSize());
    return new OtlpLogExport(settings, exporter(settings), records, registry, reporter);
  }

  /** A new appender feeding this export (not started, not attached). */
  public OtlpLogAppender appender(boolean callerData) {
    return new OtlpLogAppender(this, callerData);
  }

  OtlpLogPipeline pipeline() {
    return pipeline;
  }

  boolean isExportThread(Thread thread) {
    return thread == exportThread;
  }

  void captureFailed(Throwable error) {
    meters.exportFailed.increment();
    failed(error);
  }

  private void failed(Throwable error) {
    long n = failures.incrementAndGet();
    try {
      if (n <= REPORT_FIRST) {
        reporter.addError("OTLP log export: a log event could not be exported", error);
      } else if (n % REPORT_EVERY == 0) {
        reporter.addWarn(
            n + " log events could not be exported over OTLP so far; latest: " + error);
      }
    } catch (RuntimeException | LinkageError ignored) {
      // Reporting must not fail the caller.
    }
  }

  /** Exports what is queued; for tests and for hosts that flush before a planned stop. */
  public CompletableResultCode forceFlush() {
    return pipeline.forceFlush();
  }

  /**
   * Exports what is queued and stops, waiting at most the shutdown timeout; what is still queued
   * then is counted as dropped ({@code shutdown}). Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    CompletableResultCode stopped = pipeline.shutdown();
    stopped.join(settings.shutdownTimeout().toMillis(), TimeUnit.MILLISECONDS);
    if (!stopped.isDone()) {
      pipeline.abandon();
    }
  }

  static Resource resource(ServiceInfo service) {
    AttributesBuilder attributes = Attributes.builder();
    service.resourceAttributes().forEach(attributes::put);
    attributes.put("service.name", service.name());
    attributes.put("service.version", service.version());
    attributes.put("deployment.environment.name", service.environment());
    return Resource.getDefault().merge(Resource.create(attributes.build()));
  }

  private static LogRecordExporter exporter(OtlpLogSettings settings) {
    Supplier<LogRecordExporter> factory;
    if (settings.grpc()) {
      OtlpGrpcLogRecordExporterBuilder builder =
          OtlpGrpcLogRecordExporter.builder()
              .setEndpoint(settings.endpoint())
              .setTimeout(settings.timeout())
              .setCompression(settings.gzip() ? "gzip" : "none")
              .setRetryPolicy(settings.retry() ? RetryPolicy.getDefault() : null)
              .setMeterProvider(MeterProvider::noop);
      settings.headers().forEach(builder::addHeader);
      factory = builder::build;
    } else {
      OtlpHttpLogRecordExporterBuilder builder =
          OtlpHttpLogRecordExporter.builder()
              .setEndpoint(settings.endpoint())
              .setTimeout(settings.timeout())
              .setCompression(settings.gzip() ? "gzip" : "none")
              .setRetryPolicy(settings.retry() ? RetryPolicy.getDefault() : null)
              .setMeterProvider(MeterProvider::noop)
              .setComponentLoader(new JdkSenderFirst());
      settings.headers().forEach(builder::addHeader);
      factory = builder::build;
    }
    return new LazyExporter(factory);
  }

  /** Remembers the export thread (the one that calls the exporter), then delegates. */
  private static final class ThreadRecordingExporter implements LogRecordExporter {
    private final LogRecordExporter delegate;
    private final OtlpLogExport owner;

    ThreadRecordingExporter(LogRecordExporter delegate, OtlpLogExport owner) {
      this.delegate = delegate;
      this.owner = owner;
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      owner.exportThread = Thread.currentThread();
      return delegate.export(logs);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }

  /**
   * An exporter built on its first use. Shut down before any export, it builds nothing; if building
   * fails, the export fails (counted) and the next call tries again.
   */
  private static final class LazyExporter implements LogRecordExporter {
    private final Supplier<LogRecordExporter> factory;
    private final Object lock = new Object();
    private @Nullable LogRecordExporter delegate;
    private boolean shutdown;

    LazyExporter(Supplier<LogRecordExporter> factory) {
      this.factory = factory;
    }

    private @Nullable LogRecordExporter delegate() {
      synchronized (lock) {
        if (delegate == null && !shutdown) {
          delegate = factory.get();
        }
        return delegate;
      }
    }

    @Override
    public CompletableResultCode export(Collection<LogRecordData> logs) {
      LogRecordExporter exporter;
      try {
        exporter = delegate();
      } catch (RuntimeException e) {
        return CompletableResultCode.ofExceptionalFailure(e);
      }
      return exporter == null ? CompletableResultCode.ofFailure() : exporter.export(logs);
    }

    @Override
    public CompletableResultCode flush() {
      LogRecordExporter exporter;
      synchronized (lock) {
        exporter = delegate;
      }
      return exporter == null ? CompletableResultCode.ofSuccess() : exporter.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      LogRecordExporter exporter;
      synchronized (lock) {
        shutdown = true;
        exporter = delegate;
      }
      return exporter == null ? CompletableResultCode.ofSuccess() : exporter.shutdown();
    }
  }

  /**
   * Loads service providers as usual, except that among HTTP senders the JDK one wins when present,
   * so a gRPC sender added for grpc (OkHttp provides both) does not take over http/protobuf.
   */
  private static final class JdkSenderFirst implements ComponentLoader {
    private final ComponentLoader delegate =
        ComponentLoader.forClassLoader(OtlpLogExport.class.getClassLoader());

    @Override
    public <T> Iterable<T> load(Class<T> type) {
      List<T> all = new ArrayList<>();
      delegate.load(type).forEach(all::add);
      if (type != HttpSenderProvider.class) {
        return all;
      }
      List<T> jdk = new ArrayList<>();
      for (T provider : all) {
        if (provider.getClass().getName().equals(JDK_SENDER)) {
          jdk.add(provider);
        }
      }
      return jdk.isEmpty() ? all : jdk;
    }
  }
}
