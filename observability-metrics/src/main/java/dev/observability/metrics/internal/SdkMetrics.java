package dev.observability.metrics.internal;

import dev.observability.metrics.Metrics;
import dev.observability.metrics.MetricsConvention;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.noop.NoopCounter;
import io.micrometer.core.instrument.noop.NoopDistributionSummary;
import io.micrometer.core.instrument.noop.NoopGauge;
import io.micrometer.core.instrument.noop.NoopTimer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The module's {@link Metrics}. Thread-safe. */
public final class SdkMetrics implements Metrics {

  private static final String COMPONENT = "metrics";
  private static final String DB_QUERY_METER = "db_query_duration_seconds";

  /** HELP text of the host's meters, which the helpers take no description for. */
  static final String HOST_DESCRIPTION = "Recorded by the service through its Metrics helpers";

  private final MeterRegistry registry;
  private final Clock clock;
  private final MetricsSettings settings;
  private final CardinalityGuard guard;
  private final BiConsumer<String, Throwable> errors;
  private final Duration[] httpBuckets;
  private final Duration[] dbBuckets;
  private final TagLimiter queryTypes;
  private final ConcurrentHashMap<String, Timer> queryTimers = new ConcurrentHashMap<>();
  private volatile @Nullable Timer overflowQueryTimer;
  private volatile @Nullable InetSocketAddress serverAddress;

  /**
   * Creates the helpers.
   *
   * @param registry where meters are registered (the facade's composite)
   * @param clock the monotonic clock of {@link #timeQuery}
   * @param settings buckets and caps
   * @param guard the guard of tag values
   * @param errors receives registration failures, as (component, error)
   */
  public SdkMetrics(
      MeterRegistry registry,
      Clock clock,
      MetricsSettings settings,
      CardinalityGuard guard,
      BiConsumer<String, Throwable> errors) {
    this.registry = registry;
    this.clock = clock;
    this.settings = settings;
    this.guard = guard;
    this.errors = errors;
    this.httpBuckets = settings.httpBucketArray();
    this.dbBuckets = settings.dbBucketArray();
    this.queryTypes =
        guard.limiter(DB_QUERY_METER, MetricsConvention.TAG_QUERY_TYPE, settings.maxTagValues());
  }

  /** Sets the standalone endpoint's address once it is bound. */
  public void serverAddress(InetSocketAddress address) {
    this.serverAddress = address;
  }

  static void checkTags(String... tags) {
    if (tags.length % 2 != 0) {
      throw new IllegalArgumentException(
          "tags must be keys and values alternating, got an odd number: " + tags.length);
    }
  }

  private Tags guarded(String meter, String... tags) {
    checkTags(tags);
    if (tags.length == 0) {
      return Tags.empty();
    }
    List<Tag> list = new ArrayList<>(tags.length / 2);
    for (int i = 0; i < tags.length; i += 2) {
      String key = tags[i];
      String value = tags[i + 1];
      String raw = value == null ? "unknown" : value;
      list.add(Tag.of(key, guard.limiter(meter, key, settings.maxTagValues()).apply(raw)));
    }
    return Tags.of(list);
  }

  @Override
  public MeterRegistry registry() {
    return registry;
  }

  @Override
  public Counter counter(String name, String... tags) {
    Tags guarded = guarded(name, tags);
    try {
      return Counter.builder(name).description(HOST_DESCRIPTION).tags(guarded).register(registry);
    } catch (RuntimeException e) {
      errors.accept(COMPONENT, e);
      return new NoopCounter(new Meter.Id(name, guarded, null, null, Meter.Type.COUNTER));
    }
  }

  @Override
  public Gauge gauge(String name, Supplier<? extends Number> value, String... tags) {
    Tags guarded = guarded(name, tags);
    try {
      return Gauge.builder(name, value, SdkMetrics::read)
          .description(HOST_DESCRIPTION)
          .tags(guarded)
          .strongReference(true)
          .register(registry);
    } catch (RuntimeException e) {
      errors.accept(COMPONENT, e);
      return new NoopGauge(new Meter.Id(name, guarded, null, null, Meter.Type.GAUGE));
    }
  }

  private static double read(Supplier<? extends Number> supplier) {
    Number number = supplier.get();
    return number == null ? Double.NaN : number.doubleValue();
  }

  @Override
  public DistributionSummary histogram(String name, double[] buckets, String... tags) {
    Tags guarded = guarded(name, tags);
    try {
      return DistributionSummary.builder(name)
          .description(HOST_DESCRIPTION)
          .tags(guarded)
          .serviceLevelObjectives(buckets.clone())
          .register(registry);
    } catch (RuntimeException e) {
      errors.accept(COMPONENT, e);
      return new NoopDistributionSummary(
          new Meter.Id(name, guarded, null, null, Meter.Type.DISTRIBUTION_SUMMARY));
    }
  }

  @Override
  public Timer timer(String name, String... tags) {
    Tags guarded = guarded(name, tags);
    try {
      return Timer.builder(name)
          .description(HOST_DESCRIPTION)
          .tags(guarded)
          .serviceLevelObjectives(httpBuckets)
          .register(registry);
    } catch (RuntimeException e) {
      errors.accept(COMPONENT, e);
      return new NoopTimer(new Meter.Id(name, guarded, null, null, Meter.Type.TIMER));
    }
  }

  @Override
  public ExecutorService bindExecutor(ExecutorService executor, String name) {
    try {
      return ExecutorServiceMetrics.monitor(registry, executor, name);
    } catch (RuntimeException e) {
      errors.accept(COMPONENT, e);
      return executor;
    }
  }

  @Override
  public void dbPool(String pool, IntSupplier used, IntSupplier max) {
    String label = guard.limiter("db_connections_used", MetricsConvention.TAG_POOL).apply(pool);
    try {
      Gauge.builder(MetricsConvention.DB_CONNECTIONS_USED, used, IntSupplier::getAsInt)
          .description("Database connections in use")
          .tag(MetricsConvention.TAG_POOL, label)
          .strongReference(true)
          .register(registry);
      Gauge.builder(MetricsConvention.DB_CONNECTIONS_MAX, max, IntSupplier::getAsInt)
          .description("Database connections the pool allows at most")
          .tag(MetricsConvention.TAG_POOL, label)
          .strongReference(true)
          .register(registry);
    } catch (RuntimeException e) {
      errors.accept(COMPONENT, e);
    }
  }

  @Override
  public Timer dbQuery(String queryType) {
    Timer timer = queryTimers.get(queryType);
    if (timer != null) {
      return timer;
    }
    String label = queryTypes.apply(queryType);
    if (!queryTypes.isKnown(queryType)) {
      Timer overflow = overflowQueryTimer;
      if (overflow == null) {
        overflow = queryTimer(label);
        overflowQueryTimer = overflow;
      }
      return overflow;
    }
    return queryTimers.computeIfAbsent(queryType, q -> queryTimer(label));
  }

  private Timer queryTimer(String label) {
    try {
      return Timer.builder(MetricsConvention.DB_QUERY_DURATION)
          .description("Duration of database queries")
          .tag(MetricsConvention.TAG_QUERY_TYPE, label)
          .serviceLevelObjectives(dbBuckets)
          .register(registry);
    } catch (RuntimeException e) {
      errors.accept(COMPONENT, e);
      return new NoopTimer(
          new Meter.Id(
              MetricsConvention.DB_QUERY_DURATION,
              Tags.of(MetricsConvention.TAG_QUERY_TYPE, label),
              null,
              null,
              Meter.Type.TIMER));
    }
  }

  @Override
  public <T> @Nullable T timeQuery(String queryType, Supplier<T> query) {
    Timer timer = dbQuery(queryType);
    long start = clock.monotonicTime();
    try {
      return query.get();
    } finally {
      timer.record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
    }
  }

  @Override
  public Optional<InetSocketAddress> serverAddress() {
    return Optional.ofNullable(serverAddress);
  }
}
