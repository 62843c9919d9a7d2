package dev.observability.metrics.internal;

import dev.observability.ServiceInfo;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.ipc.http.HttpSender;
import io.micrometer.core.ipc.http.HttpUrlConnectionSender;
import io.micrometer.registry.otlp.AggregationTemporality;
import io.micrometer.registry.otlp.CompressionMode;
import io.micrometer.registry.otlp.HistogramFlavor;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import io.micrometer.registry.otlp.OtlpMetricsSender;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OTLP push of the metrics module's meters through Micrometer's own {@link OtlpMeterRegistry}.
 *
 * <p>The registry is configured from {@link ExportSettings} only ({@link SettingsConfig} never
 * falls back to Micrometer's own reading of the environment, so that every value comes from the
 * facade's configuration): the endpoint, headers, compression, push interval, temporality, the
 * facade's service as resource ({@code service.name}, {@code service.version}, {@code
 * deployment.environment.name} and {@code resource.attributes}), seconds as the base time unit (as
 * the Prometheus registry) and explicit-bucket histograms (the timers' configured buckets).
 *
 * <p>Requests go through {@link CountingSender}: every request is counted as accepted or failed by
 * reason, a failure is logged at WARN once and then at DEBUG, and nothing is thrown back into the
 * registry (which would log each failure with its stack trace). The registry pushes on a daemon
 * thread of its own; a receiver that is down or hangs holds that thread for at most the request
 * timeout per push and never a thread that records meters. Memory does not grow with failures: each
 * push reads the current values of the meters, nothing is queued.
 *
 * <p>Thread-safe.
 */
public final class OtlpMetricsExport implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(OtlpMetricsExport.class);

  /** Meter of export requests the receiver accepted. */
  public static final String EXPORTS = "observability.metrics.exports";

  /** Meter of failed export requests, by {@code reason}. */
  public static final String EXPORT_FAILURES = "observability.metrics.export.failures";

  private final OtlpMeterRegistry registry;
  private final CountingSender sender;
  private final AtomicBoolean closed = new AtomicBoolean();

  private OtlpMetricsExport(OtlpMeterRegistry registry, CountingSender sender) {
    this.registry = registry;
    this.sender = sender;
  }

  /**
   * Builds and starts the registry; its first push happens within one interval.
   *
   * @param settings validated export settings, with OTLP on
   * @param service the resource's service
   * @param meters where the export counters are registered (the facade's composite)
   */
  public static OtlpMetricsExport start(
      ExportSettings settings, ServiceInfo service, Clock clock, MeterRegistry meters) {
    CountingSender sender = new CountingSender(settings, meters);
    OtlpMeterRegistry registry =
        OtlpMeterRegistry.builder(new SettingsConfig(settings, service))
            .clock(clock)
            .threadFactory(new DaemonThreads())
            .metricsSender(sender)
            .build();
    return new OtlpMetricsExport(registry, sender);
  }

  /** The registry, to be added to the facade's composite. */
  public OtlpMeterRegistry registry() {
    return registry;
  }

  /** The resource attributes of every push: the service, then {@code resource.attributes}. */
  static Map<String, String> resource(ServiceInfo service) {
    Map<String, String> attributes = new LinkedHashMap<>(service.resourceAttributes());
    attributes.put("service.name", service.name());
    attributes.put("service.version", service.version());
    attributes.put("deployment.environment.name", service.environment());
    return attributes;
  }

  /** Micrometer's OTLP configuration, answered from the facade's settings only. */
  static final class SettingsConfig implements OtlpConfig {
    private final ExportSettings settings;
    private final Map<String, String> resource;

    SettingsConfig(ExportSettings settings, ServiceInfo service) {
      this.settings = settings;
      this.resource = Map.copyOf(resource(service));
    }

    @Override
    public @Nullable String get(String key) {
      // Every value below is given explicitly; nothing is read by key.
      return null;
    }

    @Override
    public String url() {
      return settings.otlpUrl();
    }

    @Override
    public Duration step() {
      return settings.interval();
    }

    @Override
    public boolean enabled() {
      return true;
    }

    @Override
    public Map<String, String> resourceAttributes() {
      return resource;
    }

    @Override
    public AggregationTemporality aggregationTemporality() {
      return settings.delta() ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompressionMode compressionMode() {
      return settings.gzip() ? CompressionMode.GZIP : CompressionMode.NONE;
    }

    @Override
    public Map<String, String> headers() {
      return settings.otlpHeaders();
    }

    @Override
    public HistogramFlavor histogramFlavor() {
      return HistogramFlavor.EXPLICIT_BUCKET_HISTOGRAM;
    }

    @Override
    public TimeUnit baseTimeUnit() {
      return TimeUnit.SECONDS;
    }
  }

  /**
   * Sends one request per push batch over HTTP and counts the outcome. A push while the registry
   * closes (the last one) uses shorter timeouts, a quarter of {@code shutdown.timeout} at most, so
   * that a hanging receiver cannot hold {@code close()} for a whole request timeout.
   */
  static final class CountingSender implements OtlpMetricsSender {
    private final HttpSender http;
    private final HttpSender closingHttp;
    private final LongAdder exported = new LongAdder();
    private final LongAdder httpErrors = new LongAdder();
    private final LongAdder networkErrors = new LongAdder();
    private final LongAdder timeouts = new LongAdder();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final String userAgent;
    private volatile boolean closing;

    CountingSender(ExportSettings settings, MeterRegistry meters) {
      Duration timeout = settings.otlpTimeout();
      this.http = new HttpUrlConnectionSender(timeout, timeout);
      Duration last = settings.shutdownTimeout().dividedBy(4);
      Duration closingTimeout = last.compareTo(timeout) < 0 ? last : timeout;
      this.closingHttp = new HttpUrlConnectionSender(closingTimeout, closingTimeout);
      String version = OtlpMeterRegistry.class.getPackage().getImplementationVersion();
      this.userAgent = "Micrometer-OTLP-Exporter-Java" + (version == null ? "" : "/" + version);
      FunctionCounter.builder(EXPORTS, exported, LongAdder::doubleValue)
          .description("OTLP metrics export requests the receiver accepted")
          .register(meters);
      failures(meters, "http_error", httpErrors);
      failures(meters, "network_error", networkErrors);
      failures(meters, "timeout", timeouts);
    }

    private static void failures(MeterRegistry meters, String reason, LongAdder adder) {
      FunctionCounter.builder(EXPORT_FAILURES, adder, LongAdder::doubleValue)
          .description("OTLP metrics export requests that failed, by reason")
          .tag("reason", reason)
          .register(meters);
    }

    /** The next requests are the last ones, sent while the registry closes. */
    void closing() {
      closing = true;
    }

    @Override
    public void send(Request request) {
      HttpSender sender = closing ? closingHttp : http;
      try {
        HttpSender.Request.Builder post =
            sender
                .post(request.getAddress())
                .withHeader("User-Agent", userAgent)
                .withContent("application/x-protobuf", request.getMetricsData());
        request.getHeaders().forEach(post::withHeader);
        if (request.getCompressionMode() == CompressionMode.GZIP) {
          post.compress();
        }
        HttpSender.Response response = post.send();
        if (response.isSuccessful()) {
          exported.increment();
          return;
        }
        httpErrors.increment();
        failed("the receiver answered HTTP " + response.code(), null);
      } catch (SocketTimeoutException | HttpTimeoutException e) {
        timeouts.increment();
        failed("no answer within the timeout", e);
      } catch (InterruptedIOException e) {
        timeouts.increment();
        failed("interrupted", e);
      } catch (IOException e) {
        networkErrors.increment();
        failed("the receiver cannot be reached", e);
      } catch (Throwable t) {
        if (t instanceof VirtualMachineError error) {
          throw error;
        }
        networkErrors.increment();
        failed("the request failed", t);
      }
    }

    private void failed(String what, @Nullable Throwable cause) {
      String detail = cause == null ? "" : " (" + cause + ")";
      if (warned.compareAndSet(false, true)) {
        logger.warn(
            "metrics: OTLP export failed: {}{}; counted in"
                + " observability_metrics_export_failures_total, further failures logged at DEBUG",
            what,
            detail);
      } else {
        logger.debug("metrics: OTLP export failed: {}{}", what, detail);
      }
    }
  }

  /** Names the registry's push threads and makes them daemons. */
  private static final class DaemonThreads implements ThreadFactory {
    private final AtomicInteger count = new AtomicInteger();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = new Thread(task, "observability-metrics-otlp-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    }
  }

  /**
   * Pushes once more (with the closing timeouts) and stops the registry's threads. Idempotent;
   * never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    sender.closing();
    try {
      registry.close();
    } catch (RuntimeException e) {
      logger.warn("metrics: closing the OTLP registry failed", e);
    }
  }
}
