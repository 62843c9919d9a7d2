package dev.observability.metrics.internal;

import dev.observability.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopDistributionSummary;
import io.micrometer.core.instrument.noop.NoopGauge;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** {@link Metrics} that record nothing. Stateless and thread-safe. */
public final class NoopMetrics implements Metrics {

  /** The instance. */
  public static final NoopMetrics INSTANCE = new NoopMetrics();

  private static final MeterRegistry EMPTY = new CompositeMeterRegistry();

  private NoopMetrics() {}

  static Meter.Id id(String name, Meter.Type type) {
    return new Meter.Id(name, Tags.empty(), null, null, type);
  }

  @Override
  public MeterRegistry registry() {
    return EMPTY;
  }

  @Override
  public Counter counter(String name, String... tags) {
    SdkMetrics.checkTags(tags);
    return new NoopCounter(id(name, Meter.Type.COUNTER));
  }

  @Override
  public Gauge gauge(String name, Supplier<? extends Number> value, String... tags) {
    SdkMetrics.checkTags(tags);
    return new NoopGauge(id(name, Meter.Type.GAUGE));
  }

  @Override
  public DistributionSummary histogram(String name, double[] buckets, String... tags) {
    SdkMetrics.checkTags(tags);
    return new NoopDistributionSummary(id(name, Meter.Type.DISTRIBUTION_SUMMARY));
  }

  @Override
  public Timer timer(String name, String... tags) {
    SdkMetrics.checkTags(tags);
    return new NoopTimer(id(name, Meter.Type.TIMER));
  }

  @Override
  public ExecutorService bindExecutor(ExecutorService executor, String name) {
    return executor;
  }

  @Override
  public void dbPool(String pool, IntSupplier used, IntSupplier max) {}

  @Override
  public Timer dbQuery(String queryType) {
    return new NoopTimer(id("db.query.duration", Meter.Type.TIMER));
  }

  @Override
  public <T> @Nullable T timeQuery(String queryType, Supplier<T> query) {
    return query.get();
  }

  @Override
  public Optional<InetSocketAddress> serverAddress() {
    return Optional.empty();
  }
}
