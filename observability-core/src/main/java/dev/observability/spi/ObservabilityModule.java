package dev.observability.spi;

import dev.observability.ConfigKey;
import dev.observability.ObservabilityConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;

/**
 * A module of the SDK, found with {@link java.util.ServiceLoader} when its jar is on the class
 * path.
 *
 * <p>At {@code start()}, core collects every module's {@link #configKeys()}, resolves and validates
 * them together with its own and with each module's {@link #validate(ObservabilityConfig)}, and
 * fails with one {@link dev.observability.ConfigurationException} listing every problem. Then it
 * starts the modules in ascending {@link #order()}; a module whose {@link #start(ModuleContext)}
 * throws fails the whole start, with its name in the message, and the modules started before it are
 * closed.
 *
 * <p>Handlers added through {@link ModuleContext#addObservationHandler} are registered once every
 * module has started, sorted by {@link #handlerOrder()}; they are called in that order when an
 * observation starts or opens a scope, and in reverse order when it stops or closes a scope:
 * tracing (200) opens a span before logging (400) reads its ids, and logging writes the access line
 * before tracing ends the span. Start order and handler order differ only for logging, which starts
 * first (so that the other modules' start-up lines are already structured) and closes last (so that
 * what they log while flushing is still written).
 *
 * <p>Implementations need a public no-argument constructor.
 */
public interface ObservabilityModule {

  /** Order of the metrics module. */
  int ORDER_METRICS = 100;

  /** Order of the tracing module. */
  int ORDER_TRACING = 200;

  /** Order of the errors module. */
  int ORDER_ERRORS = 300;

  /** Start order of the logging module: first, so that it closes last. */
  int ORDER_LOGGING = 50;

  /** Handler order of the logging module: after tracing and errors. */
  int HANDLER_ORDER_LOGGING = 400;

  /** Order of the health module. */
  int ORDER_HEALTH = 500;

  /**
   * The module's short name, as used in {@code modules.disabled} and in error messages.
   *
   * @return the name
   */
  String name();

  /**
   * Start order; lower starts first.
   *
   * @return the start order
   */
  int order();

  /**
   * Position of this module's observation handlers among all modules' handlers; lower runs first on
   * start and scope-open, last on stop and scope-close. Defaults to {@link #order()}.
   *
   * @return the handler order
   */
  default int handlerOrder() {
    return order();
  }

  /**
   * The configuration keys this module reads.
   *
   * @return the keys; empty by default
   */
  default List<ConfigKey<?>> configKeys() {
    return List.of();
  }

  /**
   * Checks rules that span several keys. Called before any module starts.
   *
   * @param config the configuration, each key already valid on its own
   * @return one message per problem; empty when the configuration is valid
   */
  default List<String> validate(ObservabilityConfig config) {
    return List.of();
  }

  /**
   * Meter registries this module adds to the instance's composite registry. Called once, after
   * validation and before any module starts or any meter is registered, so that every meter of
   * every module reaches these registries from its first recording. The module keeps the instances
   * it returns and uses them in {@link #start(ModuleContext)}; they are closed with the composite.
   *
   * @param config the validated configuration
   * @return the registries; empty by default
   */
  default List<MeterRegistry> meterRegistries(ObservabilityConfig config) {
    return List.of();
  }

  /**
   * Starts the module: builds its parts from {@code context.config()}, adds its observation
   * handlers, provides its features and registers what must be closed.
   *
   * @param context what the module starts with
   * @throws Exception when the module cannot start; {@code start()} fails with this as its cause
   */
  void start(ModuleContext context) throws Exception;
}
