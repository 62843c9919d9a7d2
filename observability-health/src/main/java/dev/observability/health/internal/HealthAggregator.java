package dev.observability.health.internal;

import dev.observability.HealthEndpoint;
import dev.observability.health.HealthCheck;
import dev.observability.health.HealthCheckOptions;
import dev.observability.health.HealthGroup;
import dev.observability.health.HealthRegistry;
import dev.observability.health.HealthReport;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The health registry: runs checks in parallel on a bounded pool, one run per check at a time
 * shared by every caller, each bounded by its deadline, and assembles the report.
 *
 * <p>Thread-safe.
 */
public final class HealthAggregator implements HealthRegistry, AutoCloseable {

  private final Scrubber scrubber;
  private final MeterRegistry meterRegistry;
  private final Consumer<Throwable> internalErrors;
  private final ThreadPoolExecutor executor;
  private final ScheduledThreadPoolExecutor scheduler;
  private final Object lock = new Object();
  private final Map<String, CheckEntry> entries = new LinkedHashMap<>();
  private final Gauge aggregate;
  private volatile List<CheckEntry> snapshot = List.of();
  private volatile boolean closed;

  /**
   * Creates a registry.
   *
   * @param threads threads that run checks
   * @param queueSize runs that may wait for a thread
   * @param scrubber the policy for error texts and details
   * @param meterRegistry where the health meters go
   * @param internalErrors receives failures of the registry itself (not of checks)
   */
  public HealthAggregator(
      int threads,
      int queueSize,
      Scrubber scrubber,
      MeterRegistry meterRegistry,
      Consumer<Throwable> internalErrors) {
    this.scrubber = Objects.requireNonNull(scrubber, "scrubber");
    this.meterRegistry = Objects.requireNonNull(meterRegistry, "meterRegistry");
    this.internalErrors = Objects.requireNonNull(internalErrors, "internalErrors");
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(queueSize),
            daemonThreads("observability-health-check-"),
            new ThreadPoolExecutor.AbortPolicy());
    this.executor.allowCoreThreadTimeOut(true);
    this.scheduler =
        new ScheduledThreadPoolExecutor(1, daemonThreads("observability-health-refresh-"));
    this.scheduler.setRemoveOnCancelPolicy(true);
    this.scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.aggregate =
        Gauge.builder(HealthMeters.STATUS, this, HealthAggregator::aggregateValue)
            .description(
                "Overall health from the last result of every check: 1 healthy, 0.5 degraded,"
                    + " 0 unhealthy")
            .strongReference(true)
            .register(meterRegistry);
  }

  @Override
  public void register(String name, HealthCheck check, HealthCheckOptions options) {
    CheckNames.validate(name);
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(options, "options");
    CheckEntry entry;
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(
            "health check '" + name + "' cannot be registered: the registry is closed");
      }
      if (entries.containsKey(name)) {
        throw new IllegalArgumentException(
            "a health check named '" + name + "' is already registered; unregister it first");
      }
      if (entries.size() >= MAX_CHECKS) {
        throw new IllegalStateException(
            "health check '" + name + "' cannot be registered: the registry holds " + MAX_CHECKS);
      }
      entry = new CheckEntry(name, check, options, this);
      entries.put(name, entry);
      snapshot = List.copyOf(entries.values());
      if (entry.refreshNanos() > 0) {
        entry.startRefresh(
            scheduler.scheduleAtFixedRate(
                entry::refreshTick, 0, entry.refreshNanos(), TimeUnit.NANOSECONDS));
      }
    }
  }

  @Override
  public boolean unregister(String name) {
    CheckEntry entry;
    synchronized (lock) {
      entry = entries.remove(name);
      if (entry == null) {
        return false;
      }
      snapshot = List.copyOf(entries.values());
    }
    entry.remove();
    return true;
  }

  @Override
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (CheckEntry entry : snapshot) {
      names.add(entry.name);
    }
    return Collections.unmodifiableSet(names);
  }

  @Override
  public HealthReport report(HealthEndpoint.Group group) {
    Objects.requireNonNull(group, "group");
    List<CheckEntry> selected = select(group);
    long now = System.nanoTime();
    CheckEntry.Pending[] pending = new CheckEntry.Pending[selected.size()];
    // Start (or join) every run before waiting for any: the waits overlap, and the whole report
    // takes as long as the slowest deadline, not their sum.
    for (int i = 0; i < pending.length; i++) {
      pending[i] = selected.get(i).begin(now);
    }
    Map<String, HealthReport.Check> results = new LinkedHashMap<>();
    for (int i = 0; i < pending.length; i++) {
      CheckEntry entry = selected.get(i);
      results.put(entry.name, entry.await(pending[i]));
    }
    return HealthReport.of(Instant.now(), results);
  }

  /** Stops the pool and the refreshes; runs waiting for a thread end as "not run". Idempotent. */
  @Override
  public void close() {
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
    }
    scheduler.shutdownNow();
    for (Runnable neverRun : executor.shutdownNow()) {
      if (neverRun instanceof CheckEntry.Execution execution) {
        execution.abandon();
      }
    }
    removeMeter(aggregate);
  }

  boolean isClosed() {
    return closed;
  }

  Scrubber scrubber() {
    return scrubber;
  }

  MeterRegistry meterRegistry() {
    return meterRegistry;
  }

  void execute(Runnable task) {
    executor.execute(task);
  }

  void reportInternalError(Throwable error) {
    try {
      internalErrors.accept(error);
    } catch (RuntimeException ignored) {
      // Reporting must not fail a health request.
    }
  }

  void removeMeter(Meter meter) {
    meterRegistry.remove(meter);
    if (meterRegistry instanceof CompositeMeterRegistry composite) {
      // A composite's remove() leaves the children's copies in place (their scrapes would keep
      // showing a removed check): remove those by id too.
      for (MeterRegistry child : composite.getRegistries()) {
        child.remove(meter.getId());
      }
    }
  }

  private List<CheckEntry> select(HealthEndpoint.Group group) {
    List<CheckEntry> all = snapshot;
    if (group == HealthEndpoint.Group.ALL) {
      return all;
    }
    HealthGroup wanted =
        group == HealthEndpoint.Group.LIVENESS ? HealthGroup.LIVENESS : HealthGroup.READINESS;
    List<CheckEntry> selected = new ArrayList<>(all.size());
    for (CheckEntry entry : all) {
      if (entry.inGroup(wanted)) {
        selected.add(entry);
      }
    }
    return selected;
  }

  private double aggregateValue() {
    HealthReport.Status status = HealthReport.Status.HEALTHY;
    for (CheckEntry entry : snapshot) {
      HealthReport.Check last = entry.latest();
      if (last != null && last.status() == HealthCheck.Status.DOWN) {
        if (last.critical()) {
          return HealthReport.Status.UNHEALTHY.gaugeValue();
        }
        status = HealthReport.Status.DEGRADED;
      }
    }
    return status.gaugeValue();
  }

  private static ThreadFactory daemonThreads(String prefix) {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, prefix + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}
