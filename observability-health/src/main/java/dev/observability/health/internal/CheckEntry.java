package dev.observability.health.internal;

import dev.observability.health.HealthCheck;
import dev.observability.health.HealthCheckOptions;
import dev.observability.health.HealthGroup;
import dev.observability.health.HealthReport;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * One registered check and its state: the run in progress (at most one: callers that arrive while
 * it runs share it), the last result, and its meters.
 *
 * <p>Thread-safe: {@link #begin} and {@link #await} run on request threads, {@link Execution#run}
 * on the pool, {@link #refreshTick} on the scheduler.
 */
final class CheckEntry {

  /** Longest error text shown, after scrubbing. */
  static final int MAX_ERROR_CHARS = 2_000;

  /** Longest detail value shown, after scrubbing. */
  static final int MAX_DETAIL_CHARS = 1_000;

  /** Longest text that is scrubbed at all; the rest is cut off first. */
  private static final int MAX_RAW_CHARS = 16_384;

  final String name;
  final HealthCheck check;
  final HealthCheckOptions options;
  private final HealthAggregator owner;
  private final long timeoutNanos;
  private final String timeoutText;
  private final long ttlNanos;
  private final long refreshNanos;
  private final long staleNanos;
  private final AtomicReference<@Nullable Execution> running = new AtomicReference<>();
  private final AtomicReference<@Nullable Stored> latest = new AtomicReference<>();
  private final AtomicLong executionIds = new AtomicLong();
  private volatile boolean removed;
  private volatile @Nullable ScheduledFuture<?> refresh;
  private final Timer duration;
  private final Counter timeouts;
  private final Counter rejected;
  private final Gauge status;

  CheckEntry(String name, HealthCheck check, HealthCheckOptions options, HealthAggregator owner) {
    this.name = name;
    this.check = check;
    this.options = options;
    this.owner = owner;
    this.timeoutNanos = options.timeout().toNanos();
    this.timeoutText = "timed out after " + options.timeout().toMillis() + " ms";
    this.ttlNanos = options.cacheTtl().toNanos();
    this.refreshNanos = options.refreshPeriod().map(p -> p.toNanos()).orElse(0L);
    // A background result older than this means refreshing fell behind: run on request instead.
    this.staleNanos = 2 * refreshNanos + timeoutNanos;
    this.status =
        Gauge.builder(HealthMeters.CHECK_STATUS, this, CheckEntry::statusValue)
            .description("Last result of a health check: 1 up, 0 down")
            .tag(HealthMeters.CHECK_TAG, name)
            .strongReference(true)
            .register(owner.meterRegistry());
    this.duration =
        Timer.builder(HealthMeters.CHECK_DURATION)
            .description("Run time of a health check, recorded when a run ends")
            .tag(HealthMeters.CHECK_TAG, name)
            .register(owner.meterRegistry());
    this.timeouts =
        Counter.builder(HealthMeters.CHECK_TIMEOUTS)
            .description("Health check runs that outlived their timeout")
            .tag(HealthMeters.CHECK_TAG, name)
            .register(owner.meterRegistry());
    this.rejected =
        Counter.builder(HealthMeters.CHECK_REJECTED)
            .description("Health check runs not started because the check executor was saturated")
            .tag(HealthMeters.CHECK_TAG, name)
            .register(owner.meterRegistry());
  }

  boolean inGroup(HealthGroup group) {
    return options.groups().contains(group);
  }

  /** The last result, or null before the first. */
  HealthReport.@Nullable Check latest() {
    Stored stored = latest.get();
    return stored == null ? null : stored.check;
  }

  void startRefresh(ScheduledFuture<?> future) {
    this.refresh = future;
  }

  long refreshNanos() {
    return refreshNanos;
  }

  /** Stops refreshing and removes the meters; a run in progress ends on its own. */
  void remove() {
    removed = true;
    ScheduledFuture<?> scheduled = refresh;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
    for (Meter meter : List.of(status, duration, timeouts, rejected)) {
      owner.removeMeter(meter);
    }
  }

  /**
   * Starts the part of a request that must not wait: answers from the cache, joins the run in
   * progress, or starts a run. Never blocks.
   */
  Pending begin(long now) {
    if (owner.isClosed()) {
      return Pending.of(notRun("not run: health checks are closed"));
    }
    if (refreshNanos > 0) {
      Execution current = running.get();
      if (current != null && !current.future.isDone() && now - current.deadlineNanos >= 0) {
        return Pending.of(timedOut(current, now));
      }
    }
    Stored cached = latest.get();
    if (isFresh(cached, now)) {
      return Pending.of(cached.check);
    }
    while (true) {
      Execution current = running.get();
      if (current != null && !current.future.isDone()) {
        return Pending.of(current);
      }
      // The run that just ended stored its result before completing: reuse it if still fresh.
      Stored again = latest.get();
      if (again != cached && isFresh(again, now)) {
        return Pending.of(again.check);
      }
      Execution next = new Execution(executionIds.incrementAndGet(), System.nanoTime());
      if (running.compareAndSet(current, next)) {
        submit(next);
        return Pending.of(next);
      }
    }
  }

  /** Waits for {@code pending} until its run's deadline, at the latest. */
  HealthReport.Check await(Pending pending) {
    if (pending.result != null) {
      return pending.result;
    }
    Execution execution = pending.execution;
    if (execution == null) {
      return notRun("not run");
    }
    long remaining = execution.deadlineNanos - System.nanoTime();
    try {
      if (remaining > 0) {
        return execution.future.get(remaining, TimeUnit.NANOSECONDS);
      }
      HealthReport.Check done = execution.future.getNow(null);
      if (done != null) {
        return done;
      }
    } catch (TimeoutException e) {
      // Past the deadline: reported below; the run keeps going and is not restarted meanwhile.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return notRun("not awaited: the request was interrupted");
    } catch (ExecutionException | RuntimeException e) {
      owner.reportInternalError(e);
      return notRun("not run: internal error");
    }
    return timedOut(execution, System.nanoTime());
  }

  /** Starts a background run unless one is in progress; marks a hung run as timed out. */
  void refreshTick() {
    try {
      if (removed || owner.isClosed()) {
        return;
      }
      long now = System.nanoTime();
      Execution current = running.get();
      if (current != null && !current.future.isDone()) {
        if (now - current.deadlineNanos >= 0) {
          timedOut(current, now);
        }
        return;
      }
      Execution next = new Execution(executionIds.incrementAndGet(), now);
      if (running.compareAndSet(current, next)) {
        submit(next);
      }
    } catch (RuntimeException | LinkageError e) {
      // A scheduled task that throws is never run again: keep refreshing.
      owner.reportInternalError(e);
    }
  }

  private boolean isFresh(@Nullable Stored stored, long now) {
    if (stored == null) {
      return false;
    }
    if (refreshNanos > 0) {
      return now - stored.nanoTime < staleNanos;
    }
    return ttlNanos > 0 && now - stored.nanoTime < ttlNanos;
  }

  private void submit(Execution execution) {
    try {
      owner.execute(execution);
    } catch (RejectedExecutionException e) {
      rejected.increment();
      execution.complete(
          notRun(
              owner.isClosed()
                  ? "not run: health checks are closed"
                  : "not run: executor saturated"));
    }
  }

  private HealthReport.Check timedOut(Execution execution, long now) {
    HealthReport.Check result =
        new HealthReport.Check(
            HealthCheck.Status.DOWN,
            options.isCritical(),
            Math.max(0, now - execution.startNanos),
            Instant.now(),
            timeoutText,
            Map.of());
    if (execution.timeoutCounted.compareAndSet(false, true)) {
      timeouts.increment();
    }
    store(new Stored(result, execution.id, false, now));
    return result;
  }

  private HealthReport.Check notRun(String why) {
    return new HealthReport.Check(
        HealthCheck.Status.DOWN, options.isCritical(), 0, Instant.now(), why, Map.of());
  }

  private void store(Stored next) {
    while (true) {
      Stored current = latest.get();
      if (current != null
          && (current.executionId > next.executionId
              || (current.executionId == next.executionId && current.complete))) {
        return;
      }
      if (latest.compareAndSet(current, next)) {
        return;
      }
    }
  }

  private double statusValue() {
    Stored stored = latest.get();
    if (stored == null) {
      return Double.NaN;
    }
    return stored.check.status() == HealthCheck.Status.UP ? 1.0 : 0.0;
  }

  private HealthReport.Check shown(HealthCheck.@Nullable Result result, long nanos) {
    if (result == null) {
      return new HealthReport.Check(
          HealthCheck.Status.DOWN,
          options.isCritical(),
          nanos,
          Instant.now(),
          "check returned no result",
          Map.of());
    }
    String error = result.error();
    Map<String, Object> details = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : result.details().entrySet()) {
      String key = owner.scrubber().scrub(e.getKey());
      Object value = e.getValue();
      if (value instanceof String text) {
        details.put(key, owner.scrubber().scrubValue(e.getKey(), scrub(text, MAX_DETAIL_CHARS)));
      } else {
        details.put(
            key, owner.scrubber().isSensitiveKey(e.getKey()) ? owner.scrubber().mask() : value);
      }
    }
    return new HealthReport.Check(
        result.status(),
        options.isCritical(),
        nanos,
        Instant.now(),
        error == null ? null : scrub(error, MAX_ERROR_CHARS),
        details);
  }

  private String scrub(String text, int max) {
    String raw = text.length() > MAX_RAW_CHARS ? text.substring(0, MAX_RAW_CHARS) : text;
    String masked = SecretText.maskProperties(raw, owner.scrubber().mask());
    String scrubbed = owner.scrubber().scrub(masked);
    return scrubbed.length() > max ? scrubbed.substring(0, max - 3) + "..." : scrubbed;
  }

  /** A cached result with what it came from. */
  private record Stored(
      HealthReport.Check check, long executionId, boolean complete, long nanoTime) {}

  /** What {@link #begin} hands to {@link #await}: a result now, or a run to wait for. */
  static final class Pending {
    final HealthReport.@Nullable Check result;
    final @Nullable Execution execution;

    private Pending(HealthReport.@Nullable Check result, @Nullable Execution execution) {
      this.result = result;
      this.execution = execution;
    }

    static Pending of(HealthReport.Check result) {
      return new Pending(result, null);
    }

    static Pending of(Execution execution) {
      return new Pending(null, execution);
    }
  }

  /** One run of the check; the task the pool executes. */
  final class Execution implements Runnable {
    final long id;
    final long startNanos;
    final long deadlineNanos;
    final CompletableFuture<HealthReport.Check> future = new CompletableFuture<>();
    final AtomicBoolean timeoutCounted = new AtomicBoolean();

    Execution(long id, long startNanos) {
      this.id = id;
      this.startNanos = startNanos;
      this.deadlineNanos = startNanos + timeoutNanos;
    }

    @Override
    public void run() {
      long start = System.nanoTime();
      HealthCheck.@Nullable Result result;
      try {
        result = check.check();
      } catch (Throwable t) {
        // Anything the check throws, errors included, is its DOWN; the pool thread lives on.
        result = HealthCheck.Result.down(t);
      }
      long nanos = System.nanoTime() - start;
      try {
        duration.record(nanos, TimeUnit.NANOSECONDS);
        HealthReport.Check shown = shown(result, nanos);
        store(new Stored(shown, id, true, System.nanoTime()));
        future.complete(shown);
      } catch (RuntimeException | LinkageError e) {
        owner.reportInternalError(e);
      } finally {
        if (!future.isDone()) {
          future.complete(notRun("not run: internal error"));
        }
      }
    }

    /** Completes the run with {@code result} unless it already has a result. */
    void complete(HealthReport.Check result) {
      future.complete(result);
    }

    /** Completes a run that never started because the pool shut down. */
    void abandon() {
      complete(notRun("not run: health checks are closed"));
    }
  }
}
