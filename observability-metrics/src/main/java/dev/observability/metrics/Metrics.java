package dev.observability.metrics;

import dev.observability.Observability;
import dev.observability.metrics.internal.NoopMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The metrics module's helpers for the host's own meters: business counters, gauges and histograms
 * whose tag values pass the cardinality guard, database pool and query meters, and executor
 * saturation.
 *
 * <pre>{@code
 * Metrics metrics = Metrics.of(observability);
 * metrics.counter("user_registrations_total", "source", source).increment();
 * metrics.gauge("active_users", activeUsers::get);
 * metrics.dbPool("main", pool::getActiveConnections, pool::getMaximumPoolSize);
 * User user = metrics.timeQuery("select_user", () -> repository.find(id));
 * }</pre>
 *
 * <p><b>Names.</b> Pass Prometheus names ({@code user_registrations_total}, {@code active_users})
 * or Micrometer's dotted ones ({@code user.registrations}); the Prometheus registry renders both
 * the same way, adding {@code _total} to counters and {@code _seconds} to timers when missing.
 * Names are meant to be constants; tag values may come from input.
 *
 * <p><b>Guard.</b> Each tag of each meter keeps at most {@code metrics.max-tag-values} (default
 * 100) distinct values; later new values are recorded as {@code OTHER} and counted in {@code
 * observability_cardinality_overflow_total{meter}}. Values are scrubbed and cut to 200 characters.
 *
 * <p>Obtain it with {@link #of(Observability)} or {@code observability.require(Metrics.class)}.
 * Thread-safe. Methods throw only {@link IllegalArgumentException} for an odd number of tag strings
 * (a programming error). A name reused with other tag keys gives separate series; a name reused as
 * another meter type is refused by the Prometheus registry (not exposed) and counted in {@code
 * observability_metrics_registration_failures_total}; any other registration failure is counted in
 * {@code observability_internal_errors_total} and the call returns a no-op meter.
 */
public interface Metrics {

  /**
   * The metrics of {@code observability}: the module's when it runs, else {@link #noop()}. Never
   * null.
   *
   * @param observability the running instance
   * @return the metrics helpers
   */
  static Metrics of(Observability observability) {
    return observability.find(Metrics.class).orElse(noop());
  }

  /**
   * Helpers whose meters record nothing, for when the metrics module does not run.
   *
   * @return the no-op helpers
   */
  static Metrics noop() {
    return NoopMetrics.INSTANCE;
  }

  /**
   * The registry the helpers register in: the facade's composite, which feeds {@code /metrics}.
   *
   * @return the registry
   */
  MeterRegistry registry();

  /**
   * A counter, such as {@code user_registrations_total{source}}.
   *
   * @param tags tag keys and values, alternating ({@code "source", "mobile"}); values are guarded
   * @param name the counter's name
   * @return the counter
   * @throws IllegalArgumentException when {@code tags} has an odd length
   */
  Counter counter(String name, String... tags);

  /**
   * A gauge that reads {@code value} at each scrape, such as {@code active_users}. The gauge holds
   * {@code value} strongly.
   *
   * @param tags tag keys and values, alternating; values are guarded
   * @param name the gauge's name
   * @param value read at each scrape
   * @return the gauge
   * @throws IllegalArgumentException when {@code tags} has an odd length
   */
  Gauge gauge(String name, Supplier<? extends Number> value, String... tags);

  /**
   * A histogram of values (sizes, amounts) with the given bucket upper bounds.
   *
   * @param buckets ascending bucket upper bounds, in the unit of the recorded values
   * @param tags tag keys and values, alternating; values are guarded
   * @param name the histogram's name
   * @return the histogram
   * @throws IllegalArgumentException when {@code tags} has an odd length
   */
  DistributionSummary histogram(String name, double[] buckets, String... tags);

  /**
   * A timer with the HTTP latency buckets ({@code metrics.http.buckets}); Prometheus renders it
   * {@code <name>_seconds}.
   *
   * @param tags tag keys and values, alternating; values are guarded
   * @param name the timer's name, without {@code _seconds}
   * @return the timer
   * @throws IllegalArgumentException when {@code tags} has an odd length
   */
  Timer timer(String name, String... tags);

  /**
   * Binds Micrometer's executor meters ({@code executor_*{name}}: pool size, active and queued
   * tasks, completed tasks, task duration and idle time) and returns the executor wrapped so that
   * its tasks are timed. Submit through the returned executor.
   *
   * @param executor the executor to measure
   * @param name the {@code name} tag value
   * @return the wrapped executor
   */
  ExecutorService bindExecutor(ExecutorService executor, String name);

  /**
   * Registers {@code db_connections_used{pool}} and {@code db_connections_max{pool}}, read from the
   * suppliers at each scrape (the host's pool, for example HikariCP's {@code
   * getActiveConnections}).
   *
   * @param pool the {@code pool} tag value
   * @param used reads the connections in use
   * @param max reads the pool's maximum
   */
  void dbPool(String pool, IntSupplier used, IntSupplier max);

  /**
   * The timer {@code db_query_duration_seconds{query_type}} of one kind of query, with the buckets
   * of {@code metrics.db.buckets}. The {@code query_type} value is guarded.
   *
   * @param queryType the {@code query_type} tag value
   * @return the timer
   */
  Timer dbQuery(String queryType);

  /**
   * Runs {@code query} and records its duration in {@link #dbQuery(String)}, whether it returns or
   * throws; an exception reaches the caller unchanged.
   *
   * @param <T> what {@code query} returns
   * @param queryType the {@code query_type} tag value
   * @param query the query
   * @return what {@code query} returned
   */
  <T> @Nullable T timeQuery(String queryType, Supplier<T> query);

  /**
   * The address of the standalone {@code /metrics} endpoint, when {@code metrics.server.port} runs
   * it.
   *
   * @return the endpoint's address, or empty when it does not run
   */
  Optional<InetSocketAddress> serverAddress();
}
