package dev.observability.internal;

import dev.observability.ConfigurationException;
import dev.observability.CoreConfig;
import dev.observability.ObservabilityConfig;
import dev.observability.ServiceInfo;
import dev.observability.scrub.Scrubber;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds, validates and starts modules. Logs each module's start duration at DEBUG (logger {@code
 * dev.observability.internal.ModuleStarter}), which is where a slow start-up is looked into first.
 */
public final class ModuleStarter {

  private static final Logger logger = LoggerFactory.getLogger(ModuleStarter.class);

  private ModuleStarter() {}

  /** What the started modules produced. Immutable. */
  public record Started(
      List<String> names, Map<Class<?>, Object> features, OpenTelemetry openTelemetry) {

    /** Nothing started. */
    public static final Started EMPTY = new Started(List.of(), Map.of(), OpenTelemetry.noop());

    /** A feature, if provided. */
    public <T> Optional<T> find(Class<T> type) {
      return Optional.ofNullable(type.cast(features.get(type)));
    }
  }

  /**
   * The explicit modules plus, when {@code discover} is set, those on the class path; sorted by
   * order, then name.
   *
   * @throws ConfigurationException when two modules share a name or one cannot be loaded
   */
  public static List<ObservabilityModule> discover(
      List<ObservabilityModule> explicit, boolean discover) {
    List<ObservabilityModule> all = new ArrayList<>(explicit);
    List<String> problems = new ArrayList<>();
    if (discover) {
      ServiceLoader<ObservabilityModule> loader =
          ServiceLoader.load(ObservabilityModule.class, ModuleStarter.class.getClassLoader());
      var iterator = loader.iterator();
      while (true) {
        try {
          if (!iterator.hasNext()) {
            break;
          }
          all.add(iterator.next());
        } catch (ServiceConfigurationError e) {
          problems.add("a module on the class path cannot be loaded: " + e.getMessage());
        }
      }
    }
    Map<String, ObservabilityModule> byName = new LinkedHashMap<>();
    for (ObservabilityModule module : all) {
      ObservabilityModule previous = byName.putIfAbsent(module.name(), module);
      if (previous != null && previous.getClass() != module.getClass()) {
        problems.add(
            "two modules are named '"
                + module.name()
                + "': "
                + previous.getClass().getName()
                + " and "
                + module.getClass().getName());
      }
    }
    if (!problems.isEmpty()) {
      throw new ConfigurationException(problems);
    }
    List<ObservabilityModule> sorted = new ArrayList<>(byName.values());
    sorted.sort(
        Comparator.comparingInt(ObservabilityModule::order)
            .thenComparing(ObservabilityModule::name));
    return sorted;
  }

  /**
   * The names of the SDK's own modules. Naming one of them in {@code modules.disabled} is accepted
   * when it is not on the class path (there is nothing to disable), so that one setting can serve
   * services built with different sets of modules; any other name that matches no module is a typo.
   */
  public static final List<String> SDK_MODULES =
      List.of("logging", "metrics", "tracing", "errors", "health", "servlet");

  /**
   * The modules to start, and the names in {@code modules.disabled} that match no module: neither
   * one of {@code candidates} nor one of {@link #SDK_MODULES}.
   *
   * @param modules the modules to start, in start order
   * @param unknownNames names to report, as written
   */
  public record Selection(List<ObservabilityModule> modules, List<String> unknownNames) {}

  /**
   * Drops the modules named in {@code modules.disabled} (compared ignoring case), and collects the
   * names that match no module.
   */
  public static Selection select(List<ObservabilityModule> modules, ObservabilityConfig config) {
    List<String> names;
    try {
      names = config.get(CoreConfig.MODULES_DISABLED);
    } catch (ConfigurationException e) {
      names = List.of(); // reported with the other key problems
    }
    Set<String> disabled = new LinkedHashSet<>();
    for (String name : names) {
      disabled.add(name.trim().toLowerCase(Locale.ROOT));
    }
    List<ObservabilityModule> selected = new ArrayList<>();
    Set<String> present = new LinkedHashSet<>();
    for (ObservabilityModule module : modules) {
      String name = module.name().toLowerCase(Locale.ROOT);
      present.add(name);
      if (!disabled.contains(name)) {
        selected.add(module);
      }
    }
    List<String> unknown = new ArrayList<>();
    for (String name : names) {
      String normalised = name.trim().toLowerCase(Locale.ROOT);
      if (!present.contains(normalised) && !SDK_MODULES.contains(normalised)) {
        unknown.add(name.trim());
      }
    }
    return new Selection(List.copyOf(selected), List.copyOf(unknown));
  }

  /**
   * Runs every module's cross-key validation.
   *
   * @param known problems already reported; a module that reads an invalid key fails with that
   *     key's problem, which is then not repeated
   * @return every problem of every module, each prefixed with the module's name
   */
  public static List<String> validate(
      List<ObservabilityModule> modules, ObservabilityConfig config, Collection<String> known) {
    List<String> problems = new ArrayList<>();
    for (ObservabilityModule module : modules) {
      try {
        for (String problem : module.validate(config)) {
          problems.add(module.name() + ": " + problem);
        }
      } catch (ConfigurationException e) {
        for (String problem : e.problems()) {
          if (!known.contains(problem)) {
            problems.add(module.name() + ": " + problem);
          }
        }
      } catch (RuntimeException | LinkageError e) {
        problems.add(
            module.name()
                + ": its configuration check failed: "
                + e.getClass().getName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
      }
    }
    return problems;
  }

  /**
   * Adds the registries the modules contribute to {@code composite}, before anything registers a
   * meter in it.
   *
   * @throws IllegalStateException naming the module that failed
   */
  public static void addMeterRegistries(
      List<ObservabilityModule> modules,
      ObservabilityConfig config,
      CompositeMeterRegistry composite) {
    for (ObservabilityModule module : modules) {
      long begin = System.nanoTime();
      try {
        module.meterRegistries(config).forEach(composite::add);
      } catch (RuntimeException | LinkageError e) {
        throw new IllegalStateException(
            "observability module '" + module.name() + "' failed to start: " + e.getMessage(), e);
      }
      long nanos = System.nanoTime() - begin;
      if (logger.isDebugEnabled() && nanos >= TimeUnit.MILLISECONDS.toNanos(1)) {
        logger.debug(
            "observability module '{}' created its meter registries in {} ms",
            module.name(),
            TimeUnit.NANOSECONDS.toMillis(nanos));
      }
    }
  }

  /**
   * Starts {@code modules} in order.
   *
   * @throws IllegalStateException naming the module that failed; the ones started before are closed
   */
  public static Started start(
      List<ObservabilityModule> modules,
      ObservabilityConfig config,
      ServiceInfo service,
      CompositeMeterRegistry meterRegistry,
      FirstMeterRead firstMeterRead,
      ObservationRegistry observationRegistry,
      Scrubber scrubber,
      InternalErrors internalErrors,
      Shutdown shutdown) {
    Context context =
        new Context(
            config,
            service,
            meterRegistry,
            firstMeterRead,
            observationRegistry,
            scrubber,
            internalErrors,
            shutdown);
    List<String> names = new ArrayList<>();
    for (ObservabilityModule module : modules) {
      context.current = module.name();
      context.currentHandlerOrder = module.handlerOrder();
      long begin = System.nanoTime();
      try {
        module.start(context);
      } catch (Exception | LinkageError e) {
        shutdown.run();
        throw new IllegalStateException(
            "observability module '" + module.name() + "' failed to start: " + e.getMessage(), e);
      }
      if (logger.isDebugEnabled()) {
        logger.debug(
            "observability module '{}' started in {} ms",
            module.name(),
            TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
      }
      names.add(module.name());
    }
    context.current = "core";
    context.registerHandlers();
    if (context.registryAdded) {
      firstMeterRead.run();
    }
    StartupReport.log(modules, config, service);
    return new Started(List.copyOf(names), Map.copyOf(context.features), context.openTelemetry);
  }

  private record PendingHandler(
      int order, int seq, SafeObservationHandler<Observation.Context> handler) {}

  private static final class Context implements ModuleContext {
    private final ObservabilityConfig config;
    private final ServiceInfo service;
    private final CompositeMeterRegistry meterRegistry;
    private final FirstMeterRead firstMeterRead;
    private boolean registryAdded;
    private final ObservationRegistry observationRegistry;
    private final Scrubber scrubber;
    private final InternalErrors internalErrors;
    private final Shutdown shutdown;
    private final Map<Class<?>, Object> features = new LinkedHashMap<>();
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();
    private boolean openTelemetrySet;
    private String current = "core";
    private int currentHandlerOrder;
    private final List<PendingHandler> handlers = new ArrayList<>();

    Context(
        ObservabilityConfig config,
        ServiceInfo service,
        CompositeMeterRegistry meterRegistry,
        FirstMeterRead firstMeterRead,
        ObservationRegistry observationRegistry,
        Scrubber scrubber,
        InternalErrors internalErrors,
        Shutdown shutdown) {
      this.config = config;
      this.service = service;
      this.meterRegistry = meterRegistry;
      this.firstMeterRead = firstMeterRead;
      this.observationRegistry = observationRegistry;
      this.scrubber = scrubber;
      this.internalErrors = internalErrors;
      this.shutdown = shutdown;
    }

    @Override
    public String moduleName() {
      return current;
    }

    @Override
    public ObservabilityConfig config() {
      return config;
    }

    @Override
    public ServiceInfo service() {
      return service;
    }

    @Override
    public MeterRegistry meterRegistry() {
      return meterRegistry;
    }

    @Override
    public void addMeterRegistry(MeterRegistry registry) {
      meterRegistry.add(Objects.requireNonNull(registry, "registry"));
      registryAdded = true;
    }

    @Override
    public Runnable onFirstMeterRead(Runnable action) {
      Objects.requireNonNull(action, "action");
      String module = current;
      firstMeterRead.add(
          () -> {
            try {
              action.run();
            } catch (RuntimeException | LinkageError e) {
              internalErrors.record(module, e);
            }
          });
      return firstMeterRead;
    }

    @Override
    public ObservationRegistry observationRegistry() {
      return observationRegistry;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public void addObservationHandler(ObservationHandler<?> handler) {
      Objects.requireNonNull(handler, "handler");
      handlers.add(
          new PendingHandler(
              currentHandlerOrder,
              handlers.size(),
              new SafeObservationHandler<Observation.Context>(
                  (ObservationHandler) handler, current, internalErrors)));
    }

    /** Registers every module's handlers, by handler order, then by the order they were added. */
    void registerHandlers() {
      handlers.sort(
          Comparator.comparingInt(PendingHandler::order).thenComparingInt(PendingHandler::seq));
      for (PendingHandler pending : handlers) {
        observationRegistry.observationConfig().observationHandler(pending.handler());
      }
      handlers.clear();
    }

    @Override
    public Scrubber scrubber() {
      return scrubber;
    }

    @Override
    public OpenTelemetry openTelemetry() {
      return openTelemetry;
    }

    @Override
    public void setOpenTelemetry(OpenTelemetry openTelemetry) {
      if (openTelemetrySet) {
        throw new IllegalStateException("OpenTelemetry was already set by another module");
      }
      this.openTelemetry = Objects.requireNonNull(openTelemetry, "openTelemetry");
      this.openTelemetrySet = true;
    }

    @Override
    public <T> void provide(Class<T> type, T implementation) {
      Objects.requireNonNull(type, "type");
      Objects.requireNonNull(implementation, "implementation");
      if (features.putIfAbsent(type, type.cast(implementation)) != null) {
        throw new IllegalStateException(type.getName() + " is already provided by another module");
      }
    }

    @Override
    public <T> Optional<T> find(Class<T> type) {
      return Optional.ofNullable(type.cast(features.get(type)));
    }

    @Override
    public void onClose(AutoCloseable closeable) {
      shutdown.add(Objects.requireNonNull(closeable, "closeable"));
    }

    @Override
    public void reportInternalError(String component, Throwable error) {
      internalErrors.record(component, error);
    }
  }
}
