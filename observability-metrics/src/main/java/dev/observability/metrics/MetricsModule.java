package dev.observability.metrics;

import dev.observability.ConfigKey;
import dev.observability.EndpointResponse;
import dev.observability.ObservabilityConfig;
import dev.observability.ScrapeEndpoint;
import dev.observability.metrics.internal.CardinalityGuard;
import dev.observability.metrics.internal.ExemplarRegistry;
import dev.observability.metrics.internal.ExportSettings;
import dev.observability.metrics.internal.HttpExemplars;
import dev.observability.metrics.internal.HttpServerMetricsHandler;
import dev.observability.metrics.internal.JvmBinders;
import dev.observability.metrics.internal.MethodMetricsHandler;
import dev.observability.metrics.internal.MetricsHttpServer;
import dev.observability.metrics.internal.MetricsSettings;
import dev.observability.metrics.internal.OperationMetricsHandler;
import dev.observability.metrics.internal.OtlpMetricsExport;
import dev.observability.metrics.internal.PrometheusScrapeEndpoint;
import dev.observability.metrics.internal.SdkMetrics;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics module (order 100): a Prometheus registry joined to the facade's composite registry,
 * the golden-signal HTTP server meters, method and operation timers, JVM and process meters, the
 * {@link ScrapeEndpoint} for {@code /metrics} and, when {@code metrics.server.port} is set, a
 * standalone endpoint on the JDK HTTP server. It provides {@link Metrics}, {@link ScrapeEndpoint}
 * and its {@link PrometheusMeterRegistry} (for integrations that expose the same series elsewhere,
 * such as Spring Boot's {@code /actuator/prometheus}) to the facade.
 *
 * <p>{@code metrics.exporter} ({@code OTEL_METRICS_EXPORTER}) chooses where meters go: {@code
 * prometheus} (the default), {@code otlp} (Micrometer's OTLP registry pushes the same meters, with
 * the same filters and common tags, to an OTLP receiver), both, or {@code none}. Without {@code
 * prometheus}, {@code /metrics} answers 404 with an explanation.
 *
 * <p>Found through {@link java.util.ServiceLoader}; has a public no-argument constructor for {@code
 * Observability.builder().module(new MetricsModule())}. Started once, by core, on one thread.
 */
public final class MetricsModule implements ObservabilityModule {

  private static final Logger logger = LoggerFactory.getLogger(MetricsModule.class);

  /** The module's name, as in {@code modules.disabled}. */
  public static final String NAME = "metrics";

  /**
   * Micrometer's defaults, except that exemplars are written only where OpenMetrics 1.0 allows them
   * (counter totals, histogram buckets): Micrometer turns on the Prometheus client's {@code
   * exemplarsOnAllMetricTypes}, which also puts one on a histogram's {@code _count}, and Prometheus
   * (2.x) then rejects the whole scrape ("does not support exemplars").
   *
   * <p>The registry's constructor checks its configuration with Micrometer's validators, a stream
   * over a list of checks whose first run links a dozen lambdas and stream stages at start-up. The
   * values here are constants, so {@code requireValid} does not check them again; {@code
   * validate()} is still Micrometer's, and a test keeps it valid.
   */
  static final PrometheusConfig PROMETHEUS_CONFIG =
      new PrometheusConfig() {
        @Override
        public @Nullable String get(String key) {
          return null;
        }

        @Override
        public void requireValid() {}

        @Override
        public Properties prometheusProperties() {
          Properties properties = new Properties();
          properties.setProperty("io.prometheus.exporter.exemplarsOnAllMetricTypes", "false");
          return properties;
        }
      };

  /** Prometheus names of the HTTP meters' snapshots, to which exemplars are added. */
  private static final String HTTP_DURATION_PROMETHEUS = "http_request_duration_seconds";

  private static final String HTTP_REQUESTS_PROMETHEUS = "http_requests";

  /** The registry handed to core by {@link #meterRegistries}, taken by {@link #start}. */
  private @Nullable PrometheusMeterRegistry prometheus;

  /** Creates the module; core starts it. */
  public MetricsModule() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int order() {
    return ORDER_METRICS;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return MetricsConfig.ALL;
  }

  @Override
  public List<String> validate(ObservabilityConfig config) {
    List<String> problems = new ArrayList<>();
    if (config.isSet(MetricsConfig.SERVER_HOST) && config.get(MetricsConfig.SERVER_PORT) < 0) {
      problems.add(
          config.problem(
              MetricsConfig.SERVER_HOST,
              "is set but metrics.server.port is -1, so no standalone /metrics endpoint runs;"
                  + " set metrics.server.port (0 for any free port) or drop the host"));
    }
    problems.addAll(ExportSettings.problems(config));
    return problems;
  }

  /**
   * Creates the Prometheus registry, so that core adds it to the composite before any meter is
   * registered and it sees every meter from its first recording.
   */
  @Override
  public List<MeterRegistry> meterRegistries(ObservabilityConfig config) {
    if (!ExportSettings.prometheus(config)) {
      return List.of();
    }
    PrometheusMeterRegistry registry = prometheusRegistry(MetricsSettings.from(config));
    this.prometheus = registry;
    return List.of(registry);
  }

  private static PrometheusMeterRegistry prometheusRegistry(MetricsSettings settings) {
    // A registry of its own (not the process-wide default) so that instances started one after
    // another in one JVM never share collectors; with exemplars, one that adds them to scrapes.
    PrometheusRegistry registry =
        settings.exemplars()
            ? new ExemplarRegistry(
                new HttpExemplars(
                    Clock.SYSTEM::wallTime, HTTP_DURATION_PROMETHEUS, HTTP_REQUESTS_PROMETHEUS))
            : new PrometheusRegistry();
    PrometheusMeterRegistry prometheus =
        new PrometheusMeterRegistry(PROMETHEUS_CONFIG, registry, Clock.SYSTEM);
    exposeAsPrometheusDoes(prometheus, settings);
    return prometheus;
  }

  /**
   * The common tags and the two meter filters of the Prometheus registry. The OTLP registry gets
   * the same, so that both outputs carry the same meters under the same names and tags.
   */
  private static void exposeAsPrometheusDoes(MeterRegistry registry, MetricsSettings settings) {
    List<Tag> commonTags = new ArrayList<>();
    settings.commonTags().forEach((k, v) -> commonTags.add(Tag.of(k, v)));
    registry.config().commonTags(commonTags);
    // Two of Micrometer's process meters break Prometheus naming rules (promtool check metrics):
    // a counter in nanoseconds, and a gauge whose name ends in _count.
    registry
        .config()
        .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
              }
            });
  }

  @Override
  public void start(ModuleContext context) throws IOException {
    MetricsSettings settings = MetricsSettings.from(context.config());
    ExportSettings export = ExportSettings.from(context.config());
    PrometheusMeterRegistry prometheus = this.prometheus;
    this.prometheus = null;
    if (prometheus == null && export.prometheus()) {
      // Started by a core that did not ask for registries first.
      prometheus = prometheusRegistry(settings);
      context.addMeterRegistry(prometheus);
    }
    // The Prometheus registry refuses a name registered again as another meter type. The callback
    // runs inside the composite's registration, which holds a non-reentrant lock: registering a
    // meter there would spin forever, so it only increments a counter registered beforehand.
    Counter refused =
        Counter.builder(MetricsConvention.REGISTRATION_FAILURES)
            .description(
                "Meters the Prometheus registry refused (a name reused as another meter type);"
                    + " they are not exposed")
            .register(context.meterRegistry());
    if (prometheus != null) {
      context.onClose(prometheus::close);
      AtomicBoolean warned = new AtomicBoolean();
      prometheus
          .config()
          .onMeterRegistrationFailed(
              (id, reason) -> {
                refused.increment();
                if (warned.compareAndSet(false, true)) {
                  logger.warn(
                      "metrics: meter '{}' is not exposed: {} (counted in"
                          + " observability_metrics_registration_failures_total; further ones"
                          + " logged at DEBUG)",
                      id.getName(),
                      reason);
                } else {
                  logger.debug("metrics: meter '{}' is not exposed: {}", id.getName(), reason);
                }
              });
    }
    Clock clock = prometheus != null ? prometheus.config().clock() : Clock.SYSTEM;
    if (export.otlp()) {
      OtlpMetricsExport otlp =
          OtlpMetricsExport.start(export, context.service(), clock, context.meterRegistry());
      exposeAsPrometheusDoes(otlp.registry(), settings);
      // A push registry reads its meters on its own schedule: with it in the composite, core
      // binds the meters deferred to the first read (JVM and process) at the end of start.
      context.addMeterRegistry(otlp.registry());
      context.onClose(otlp);
      logger.info(
          "metrics: pushing over OTLP to {} every {} ({})",
          export.otlpUrl(),
          export.interval(),
          export.delta() ? "delta" : "cumulative");
    }

    MeterRegistry registry = context.meterRegistry();
    CardinalityGuard guard =
        new CardinalityGuard(registry, context.scrubber(), settings.maxTagValues());

    // The JVM and process meters are bound when meters are first read (a scrape, a listing of the
    // facade's registry), not here: their binders load and query a good many management beans,
    // which start-up does not need.
    Runnable bindDeferred = () -> {};
    if (settings.jvm()) {
      JvmBinders binders = new JvmBinders(registry);
      context.onClose(binders);
      bindDeferred = context.onFirstMeterRead(binders::bind);
    }

    HttpExemplars exemplars = null;
    if (prometheus != null && prometheus.getPrometheusRegistry() instanceof ExemplarRegistry r) {
      r.reportTo(e -> context.reportInternalError(NAME, e));
      exemplars = r.exemplars();
    }
    context.addObservationHandler(
        new HttpServerMetricsHandler(registry, clock, settings, guard, exemplars));
    if (settings.observations()) {
      context.addObservationHandler(new MethodMetricsHandler(registry, clock, settings, guard));
      context.addObservationHandler(new OperationMetricsHandler(registry, clock, settings, guard));
    }

    SdkMetrics metrics =
        new SdkMetrics(registry, clock, settings, guard, context::reportInternalError);
    context.provide(Metrics.class, metrics);
    if (prometheus == null) {
      context.provide(ScrapeEndpoint.class, (accept, acceptEncoding) -> notScraped());
      return;
    }
    PrometheusMeterRegistry scraped = prometheus;
    Runnable beforeScrape = bindDeferred;
    PrometheusScrapeEndpoint endpoint =
        new PrometheusScrapeEndpoint(
            (out, contentType) -> {
              beforeScrape.run();
              scraped.scrape(out, contentType);
            },
            context::reportInternalError);
    context.provide(ScrapeEndpoint.class, endpoint);
    // For integrations that expose the same registry elsewhere (Spring Boot's
    // /actuator/prometheus).
    context.provide(PrometheusMeterRegistry.class, prometheus);

    if (settings.serverPort() >= 0) {
      MetricsHttpServer server;
      try {
        server =
            MetricsHttpServer.start(
                settings.serverHost(),
                settings.serverPort(),
                endpoint,
                context::reportInternalError);
      } catch (IOException | RuntimeException e) {
        throw new IOException(
            "cannot serve /metrics on "
                + settings.serverHost()
                + ":"
                + settings.serverPort()
                + " ("
                + e
                + "); free the port, or set metrics.server.port to another port (0 for any, -1"
                + " for none) or metrics.server.host to a local address",
            e);
      }
      context.onClose(server);
      metrics.serverAddress(server.address());
    }
  }

  private static EndpointResponse notScraped() {
    return EndpointResponse.text(
        404,
        "text/plain; charset=utf-8",
        "/metrics is not served: metrics.exporter (OTEL_METRICS_EXPORTER) does not include"
            + " prometheus, so meters are not exposed for scraping\n");
  }
}
