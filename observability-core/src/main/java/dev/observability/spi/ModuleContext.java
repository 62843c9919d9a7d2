package dev.observability.spi;

import dev.observability.ObservabilityConfig;
import dev.observability.ServiceInfo;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;

/**
 * What a module receives when it starts: the validated configuration, the shared parts, and the
 * ways to plug into the instance.
 *
 * <p>The methods that change the instance ({@link #addObservationHandler}, {@link
 * #addMeterRegistry}, {@link #setOpenTelemetry}, {@link #provide}, {@link #onClose}) may be called
 * only during {@link ObservabilityModule#start}, on the thread that runs it. The getters and {@link
 * #reportInternalError} are thread-safe and may be kept and used by the module's recording and
 * background threads for the life of the instance.
 */
public interface ModuleContext {

  /**
   * The starting module's name.
   *
   * @return the module's name
   */
  String moduleName();

  /**
   * The validated configuration.
   *
   * @return the configuration
   */
  ObservabilityConfig config();

  /**
   * The service's name, environment and version.
   *
   * @return the service's identity
   */
  ServiceInfo service();

  /**
   * The instance's meter registry (a composite that every added registry joins).
   *
   * @return the meter registry
   */
  MeterRegistry meterRegistry();

  /**
   * Adds a registry to the instance's composite, such as the Prometheus registry. Such a registry
   * may read its meters on a schedule of its own (a push registry), so with one the actions given
   * to {@link #onFirstMeterRead} run at the end of start.
   *
   * @param registry the registry to add
   */
  void addMeterRegistry(MeterRegistry registry);

  /**
   * Defers {@code action} (typically binding meters to {@link #meterRegistry()}) until meters are
   * first read, instead of paying for it during start: the first listing of the instance's registry
   * ({@code getMeters}, {@code forEachMeter}, {@code find}, {@code get}), the first call of a
   * trigger returned here, or the end of start when the composite holds a registry that reads its
   * meters on its own (one given to the builder or to {@link #addMeterRegistry}). Every module's
   * actions run together, once, on the thread that reads first; a reader that arrives meanwhile
   * waits for them. Something {@code action} throws is counted as an internal error of the module.
   *
   * <p>The trigger is for read paths that do not list the instance's registry, such as a scrape of
   * a registry the module contributed: call it before reading. It is thread-safe and cheap once the
   * actions ran.
   *
   * @param action the work to defer
   * @return the trigger
   */
  default Runnable onFirstMeterRead(Runnable action) {
    action.run();
    return () -> {};
  }

  /**
   * The instance's observation registry.
   *
   * @return the observation registry
   */
  ObservationRegistry observationRegistry();

  /**
   * Adds a handler to the spine. It is wrapped so that anything it throws is caught, counted in
   * {@code observability_internal_errors_total{component=<module name>}} and logged once. Handlers
   * take effect when every module has started, ordered by {@link
   * ObservabilityModule#handlerOrder()}.
   *
   * @param handler the handler
   */
  void addObservationHandler(ObservationHandler<?> handler);

  /**
   * The instance's scrubber: the one policy every output must pass.
   *
   * @return the scrubber
   */
  Scrubber scrubber();

  /**
   * The OpenTelemetry instance: a no-op one until the tracing module sets its SDK.
   *
   * @return the OpenTelemetry instance
   */
  OpenTelemetry openTelemetry();

  /**
   * Sets the instance's OpenTelemetry; allowed once.
   *
   * @param openTelemetry the tracing module's OpenTelemetry
   */
  void setOpenTelemetry(OpenTelemetry openTelemetry);

  /**
   * Offers a feature to users of the facade ({@code observability.require(type)}) and to modules
   * that start later. A type can be provided once.
   *
   * @param <T> the feature's type
   * @param type the feature's type
   * @param implementation the feature
   */
  <T> void provide(Class<T> type, T implementation);

  /**
   * A feature provided by a module started earlier (or by core).
   *
   * @param <T> the feature's type
   * @param type the feature's type
   * @return the feature, or empty when none was provided
   */
  <T> Optional<T> find(Class<T> type);

  /**
   * Registers something to close when the instance closes; closed in reverse order.
   *
   * @param closeable what to close
   */
  void onClose(AutoCloseable closeable);

  /**
   * Reports a failure on a recording path: counted, logged once per component, then at debug.
   *
   * @param component the component, usually the module's name
   * @param error the failure
   */
  void reportInternalError(String component, Throwable error);
}
