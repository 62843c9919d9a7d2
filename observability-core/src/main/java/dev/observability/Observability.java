package dev.observability;

import dev.observability.internal.CompactContext;
import dev.observability.internal.ConfigSources;
import dev.observability.internal.FacadeMeterRegistry;
import dev.observability.internal.FacadeObservationRegistry;
import dev.observability.internal.FirstMeterRead;
import dev.observability.internal.InternalErrors;
import dev.observability.internal.ModuleStarter;
import dev.observability.internal.Shutdown;
import dev.observability.scrub.Scrubber;
import dev.observability.scrub.ScrubberConfig;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running SDK: one per JVM, started once at start-up, closed at shutdown.
 *
 * <pre>{@code
 * try (Observability obs = Observability.start()) {
 *   obs.observe("nightly-import", () -> importer.run());
 * }
 * }</pre>
 *
 * <p>{@link #start()} reads configuration from system properties and the environment; {@link
 * #builder()} lets code set values that win over both. Either way every key is validated before
 * anything starts, and every module on the class path (logging, metrics, tracing, errors, health,
 * servlet) is found and started in a fixed order. With no module present the instance still works:
 * observations run, meters are no-ops, the tracer is OpenTelemetry's no-op.
 *
 * <p><b>One instance at a time.</b> Starting a second instance while one runs throws {@link
 * IllegalStateException}: two instances would install two log appenders, two span exporters and two
 * shutdown hooks. Use {@link #current()} to reach the running one; after {@link #close()} a new one
 * may start.
 *
 * <p>Thread-safe. Recording through the parts it hands out never throws into the caller and never
 * blocks on I/O.
 */
public final class Observability implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(Observability.class);
  private static final Object LOCK = new Object();
  private static @Nullable Observability running;

  private final ServiceInfo service;
  private final ObservabilityConfig config;
  private final CompositeMeterRegistry meterRegistry;
  private final FacadeObservationRegistry observationRegistry;
  private final Scrubber scrubber;
  private final InternalErrors internalErrors;
  private final Instant startedAt;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Shutdown shutdown;
  private ModuleStarter.Started started;

  private Observability(
      ServiceInfo service,
      ObservabilityConfig config,
      CompositeMeterRegistry meterRegistry,
      FacadeObservationRegistry observationRegistry,
      Scrubber scrubber,
      InternalErrors internalErrors,
      Duration shutdownTimeout) {
    this.service = service;
    this.config = config;
    this.meterRegistry = meterRegistry;
    this.observationRegistry = observationRegistry;
    this.scrubber = scrubber;
    this.internalErrors = internalErrors;
    this.startedAt = Instant.now();
    this.shutdown = new Shutdown(shutdownTimeout);
    this.started = ModuleStarter.Started.EMPTY;
  }

  /**
   * Starts an instance configured from system properties and the environment alone.
   *
   * @return the running instance
   * @throws ConfigurationException listing every configuration problem
   * @throws IllegalStateException when an instance is already running, or a module fails to start
   */
  public static Observability start() {
    return builder().start();
  }

  /**
   * A builder for an instance with values set in code.
   *
   * @return a new builder
   */
  public static ObservabilityBuilder builder() {
    return new ObservabilityBuilder();
  }

  /**
   * The running instance, if one was started and not closed.
   *
   * @return the running instance, or empty
   */
  public static Optional<Observability> current() {
    synchronized (LOCK) {
      return Optional.ofNullable(running);
    }
  }

  static Observability start(ObservabilityBuilder builder) {
    synchronized (LOCK) {
      if (running != null) {
        throw new IllegalStateException(
            "Observability is already running in this JVM (service '"
                + running.service.name()
                + "', started at "
                + running.startedAt
                + "). Use Observability.current() to reach it, or close() it before starting"
                + " another.");
      }
      Observability instance = create(builder);
      running = instance;
      return instance;
    }
  }

  private static Observability create(ObservabilityBuilder builder) {
    long begin = System.nanoTime();
    ConfigSources sources = builder.configSources();

    List<ObservabilityModule> candidates =
        ModuleStarter.discover(builder.modules, builder.discoverModules);

    List<ConfigKey<?>> keys = new ArrayList<>(CoreConfig.ALL);
    keys.addAll(ScrubberConfig.KEYS);
    for (ObservabilityModule module : candidates) {
      keys.addAll(module.configKeys());
    }
    ObservabilityConfig config = ObservabilityConfig.resolve(sources, keys);
    long discovered = System.nanoTime();
    List<ObservabilityModule> modules = ConfigurationCheck.modulesToStart(candidates, config, keys);

    long configured = System.nanoTime();
    ServiceInfo service = serviceInfo(config);
    FirstMeterRead firstMeterRead = new FirstMeterRead();
    CompositeMeterRegistry meterRegistry = new FacadeMeterRegistry(firstMeterRead);
    builder.meterRegistries.forEach(meterRegistry::add);
    ModuleStarter.addMeterRegistries(modules, config, meterRegistry);
    InternalErrors internalErrors = new InternalErrors(meterRegistry);
    List<String> components = new ArrayList<>(List.of("core"));
    modules.forEach(m -> components.add(m.name()));
    internalErrors.preregister(components);
    Scrubber scrubber = ScrubberConfig.create(config, meterRegistry);
    FacadeObservationRegistry observationRegistry = new FacadeObservationRegistry();
    long prepared = System.nanoTime();

    Observability instance =
        new Observability(
            service,
            config,
            meterRegistry,
            observationRegistry,
            scrubber,
            internalErrors,
            config.get(CoreConfig.SHUTDOWN_TIMEOUT));
    instance.started =
        ModuleStarter.start(
            modules,
            config,
            service,
            meterRegistry,
            firstMeterRead,
            observationRegistry,
            scrubber,
            internalErrors,
            instance.shutdown);
    // What the modules registered is the whole configuration until the host adds to it.
    observationRegistry.seal();
    if (!builder.meterRegistries.isEmpty()) {
      // A registry of the host's may publish on its own schedule, without ever listing the
      // facade's registry: what waits for the first read is done now.
      firstMeterRead.run();
    }
    if (config.get(CoreConfig.SHUTDOWN_HOOK)) {
      instance.shutdown.registerHook(instance::close);
    }
    if (logger.isDebugEnabled()) {
      long end = System.nanoTime();
      logger.debug(
          "observability started for service '{}' with modules {} in {} ms (discovery and"
              + " configuration {} ms, validation {} ms, registries and scrubber {} ms, modules {}"
              + " ms)",
          service.name(),
          instance.started.names(),
          millis(end - begin),
          millis(discovered - begin),
          millis(configured - discovered),
          millis(prepared - configured),
          millis(end - prepared));
    }
    return instance;
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  private static ServiceInfo serviceInfo(ObservabilityConfig config) {
    Map<String, String> resource = config.get(CoreConfig.RESOURCE_ATTRIBUTES);
    String name =
        config
            .find(CoreConfig.SERVICE_NAME)
            .orElse(resource.getOrDefault("service.name", "unknown_service:java"));
    String environment =
        config
            .find(CoreConfig.SERVICE_ENVIRONMENT)
            .orElse(
                resource.getOrDefault(
                    "deployment.environment.name",
                    resource.getOrDefault("deployment.environment", "production")));
    String version =
        config
            .find(CoreConfig.SERVICE_VERSION)
            .orElse(resource.getOrDefault("service.version", "unknown"));
    Map<String, String> rest = new java.util.LinkedHashMap<>(resource);
    rest.keySet()
        .removeAll(
            List.of(
                "service.name",
                "service.version",
                "deployment.environment.name",
                "deployment.environment"));
    return new ServiceInfo(name, environment, version, rest);
  }

  /**
   * The service's name, environment and version.
   *
   * @return the service's identity
   */
  public ServiceInfo service() {
    return service;
  }

  /**
   * The validated configuration.
   *
   * @return the configuration
   */
  public ObservabilityConfig config() {
    return config;
  }

  /**
   * The instance's meter registry. With the metrics module it includes the Prometheus registry that
   * {@code /metrics} exposes; without it, meters registered here record nothing unless the host
   * added a registry through {@link ObservabilityBuilder#meterRegistry(MeterRegistry)}. Meters that
   * modules bind on first read (the JVM and process meters) are bound by the first listing of this
   * registry ({@code getMeters}, {@code forEachMeter}, {@code find}, {@code get}).
   *
   * @return the meter registry
   */
  public MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  /**
   * The observation registry whose handlers are the modules' (the spine).
   *
   * @return the observation registry
   */
  public ObservationRegistry observationRegistry() {
    return observationRegistry;
  }

  /**
   * The OpenTelemetry API: the tracing module's SDK, or a no-op without it.
   *
   * @return the OpenTelemetry instance
   */
  public OpenTelemetry openTelemetry() {
    return started.openTelemetry();
  }

  /**
   * A tracer for the host's own spans.
   *
   * @return the tracer
   */
  public Tracer tracer() {
    return started.openTelemetry().getTracer("dev.observability");
  }

  /**
   * The scrubber every output passes through; hosts may use it for their own outputs.
   *
   * @return the scrubber
   */
  public Scrubber scrubber() {
    return scrubber;
  }

  /**
   * Explicit error capture: the errors module's, or a no-op without it.
   *
   * @return the error reporter
   */
  public ErrorReporter errors() {
    return find(ErrorReporter.class).orElse(ErrorReporter.noop());
  }

  /**
   * A feature a module provides (for example the health registry), if that module runs.
   *
   * @param <T> the feature's type
   * @param type the feature's type
   * @return the feature, or empty when no running module provides it
   */
  public <T> Optional<T> find(Class<T> type) {
    return started.find(type);
  }

  /**
   * A feature a module provides.
   *
   * @param <T> the feature's type
   * @param type the feature's type
   * @return the feature
   * @throws IllegalStateException when no running module provides {@code type}
   */
  public <T> T require(Class<T> type) {
    return find(type)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    type.getName()
                        + " is not available: add the module that provides it to the class path"
                        + " (running modules: "
                        + started.names()
                        + ")"));
  }

  /**
   * The names of the running modules, in start order.
   *
   * @return the module names
   */
  public List<String> modules() {
    return started.names();
  }

  /**
   * Failures caught inside the SDK so far, by component.
   *
   * @param component the component, such as a module's name
   * @return how many failures were caught
   */
  public double internalErrorCount(String component) {
    return internalErrors.count(component);
  }

  /**
   * A new, not yet started observation on this instance's registry.
   *
   * @param name the observation's name
   * @return the observation
   */
  public Observation observation(String name) {
    return observationRegistry.observation(name, new CompactContext());
  }

  /**
   * A new, not yet started observation of {@code context} on this instance's registry, under {@code
   * name}: what {@code Observation.createNotStarted(name, () -> context, registry)} gives, and
   * cheaper once the instance has started (the registry's predicates, conventions, filters and
   * handlers still apply, in the same order, to {@code context}). Instrumentation such as the
   * servlet filter creates its observations here.
   *
   * @param name the observation's name, such as {@link ObservationNames#HTTP_SERVER}
   * @param context the context the handlers see, named {@code name}
   * @return the observation, not started
   */
  public Observation observation(String name, Observation.Context context) {
    return observationRegistry.observation(name, context);
  }

  /**
   * Runs {@code work} as an observation named {@code name}: timed, traced, and reported if it
   * throws. The exception, if any, reaches the caller unchanged.
   *
   * @param <T> what {@code work} returns
   * @param name the observation's name
   * @param work the operation
   * @return what {@code work} returned
   */
  public <T> @Nullable T observe(String name, Supplier<T> work) {
    return observation(name).observe(work);
  }

  /**
   * Runs {@code work} as an observation named {@code name}; see {@link #observe(String, Supplier)}.
   *
   * @param name the observation's name
   * @param work the operation
   */
  public void observe(String name, Runnable work) {
    observation(name).observe(work);
  }

  /**
   * Runs {@code work}, which may throw a checked exception, as an observation named {@code name}.
   *
   * @param <T> what {@code work} returns
   * @param <E> the checked exception {@code work} may throw
   * @param name the observation's name
   * @param work the operation
   * @return what {@code work} returned
   * @throws E what {@code work} threw, unchanged
   */
  public <T, E extends Throwable> @Nullable T observeChecked(
      String name, Observation.CheckedCallable<T, E> work) throws E {
    return observation(name).observeChecked(work);
  }

  /**
   * Sets the user id of the request the current thread is serving, for error events (and nothing
   * else: it is not logged or traced). Does nothing outside a request.
   *
   * @param userId the user's id
   */
  public void setUserId(String userId) {
    ObservationNames.currentRequest(observationRegistry).ifPresent(c -> c.setUserId(userId));
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once closed
   */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Flushes and stops every module, waiting at most {@code shutdown.timeout} (5 s by default) in
   * all. Idempotent; also run by the shutdown hook.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      shutdown.run();
      meterRegistry.close();
    } finally {
      synchronized (LOCK) {
        if (running == this) {
          running = null;
        }
      }
    }
  }
}
