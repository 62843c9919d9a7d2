package dev.observability.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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

  /** Creates an instance that counts in {@code registry}. */
  public InternalErrors(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Records one failure of {@code component}. */
  public void record(String component, Throwable error) {
    try {
      String key =
          counters.size() >= MAX_COMPONENTS && !counters.containsKey(component)
              ? "other"
              : component;
      boolean[] first = {false};
      Counter counter =
          counters.computeIfAbsent(
              key,
              c -> {
                first[0] = true;
                return Counter.builder(METER)
                    .description("Failures inside the observability SDK, caught and dropped")
                    .tag("component", c)
                    .register(registry);
              });
      counter.increment();
      if (first[0]) {
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
