package dev.observability.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failures of the SDK's own recording paths in {@code
 * observability_internal_errors_total{component}} and logs the first one per component at WARN,
 * later ones at DEBUG. Never throws. Thread-safe.
 */
public final class InternalErrors {

  /** Meter name; Prometheus renders it {@code observability_internal_errors_total}. */
  public static final String METER = "observability.internal.errors";

  private static final Logger logger = LoggerFactory.getLogger(InternalErrors.class);
  private static final int MAX_COMPONENTS = 64;

  private final MeterRegistry registry;
  private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  /** Creates an instance that counts in {@code registry}. */
  public InternalErrors(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * Registers the counter of each of {@code components} now, so that recording a failure later
   * never registers a meter: a failure reported from inside a registry callback (a meter
   * registration that failed) must not re-enter the registry's lock.
   */
  public void preregister(Iterable<String> components) {
    for (String component : components) {
      counters.computeIfAbsent(component, this::register);
    }
  }

  private Counter register(String component) {
    return Counter.builder(METER)
        .description("Failures inside the observability SDK, caught and dropped")
        .tag("component", component)
        .register(registry);
  }

  /** Records one failure of {@code component}. */
  public void record(String component, Throwable error) {
    try {
      String key =
          counters.size() >= MAX_COMPONENTS && !counters.containsKey(component)
              ? "other"
              : component;
      Counter counter = counters.computeIfAbsent(key, this::register);
      counter.increment();
      if (warned.add(key)) {
        logger.warn(
            "observability component '{}' failed; the data point was dropped and counted in"
                + " observability_internal_errors_total (further failures logged at DEBUG)",
            key,
            error);
      } else if (logger.isDebugEnabled()) {
        logger.debug("observability component '{}' failed again", key, error);
      }
    } catch (RuntimeException | LinkageError ignored) {
      // Reporting must never fail the recording path that called it.
    }
  }

  /** The number of failures recorded for {@code component} so far. */
  public double count(String component) {
    Counter counter = counters.get(component);
    return counter == null ? 0 : counter.count();
  }
}
