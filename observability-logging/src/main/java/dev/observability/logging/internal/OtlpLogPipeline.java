package dev.observability.logging.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.logs.export.LogRecordExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * Where captured log events wait for OTLP export: a bounded, lock-free queue drained by one daemon
 * thread, which turns each event into a scrubbed log record and hands batches to the exporter.
 *
 * <p>The logging thread only appends to the queue (a CAS) and, once per batch, unparks the export
 * thread; it never waits for the network. When the queue holds {@code maxQueueSize} events, new
 * ones are dropped and counted as {@code queue_full}; events below WARN already are when less than
 * a fifth of it is free, which keeps that room for warnings and errors. Export failures (receiver
 * down, timeout, rejected) are counted as {@code export_failed}; events still queued when {@link
 * #shutdown()} gives up are counted as {@code shutdown}.
 *
 * <p>A batch is sent when {@code maxBatchSize} events wait, when the oldest has waited {@code
 * scheduleDelay}, on {@link #forceFlush()} and at {@link #shutdown()}; the export thread waits at
 * most {@code exportTimeout} for each export.
 *
 * <p>Thread-safe.
 */
final class OtlpLogPipeline {

  private final ConcurrentLinkedQueue<CapturedEvent> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<CompletableResultCode> flushes =
      new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeRequested = new AtomicBoolean();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final CompletableResultCode stopped = new CompletableResultCode();
  private final LogRecordExporter exporter;
  private final OtlpLogRecords records;
  private final OtlpLogMeters meters;
  private final Consumer<Throwable> errors;
  private final int maxQueueSize;
  private final int reserve;
  private final int maxBatchSize;
  private final long scheduleDelayNanos;
  private final long exportTimeoutNanos;
  private final Thread worker;
  private volatile boolean parked;
  private volatile boolean abandon;

  OtlpLogPipeline(
      LogRecordExporter exporter,
      OtlpLogRecords records,
      OtlpLogMeters meters,
      Consumer<Throwable> errors,
      int maxQueueSize,
      int maxBatchSize,
      Duration scheduleDelay,
      Duration exportTimeout) {
    this.exporter = exporter;
    this.records = records;
    this.meters = meters;
    this.errors = errors;
    this.maxQueueSize = maxQueueSize;
    this.reserve = maxQueueSize / 5;
    this.maxBatchSize = Math.max(1, Math.min(maxBatchSize, maxQueueSize));
    this.scheduleDelayNanos = scheduleDelay.toNanos();
    this.exportTimeoutNanos = exportTimeout.toNanos();
    this.worker = new Thread(this::run, "observability-logging-otlp");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues {@code event}, or drops and counts it when the queue is full (for events below WARN:
   * when only the reserve is free).
   */
  void offer(CapturedEvent event, boolean warnOrAbove) {
    if (shutdown.get()) {
      meters.shutdown.increment();
      return;
    }
    int limit = warnOrAbove ? maxQueueSize : maxQueueSize - reserve;
    int size = queued.incrementAndGet();
    if (size > limit) {
      queued.decrementAndGet();
      meters.queueFull.increment();
      return;
    }
    queue.offer(event);
    if (size >= maxBatchSize) {
      wake();
    }
  }

  private void wake() {
    if (parked && wakeRequested.compareAndSet(false, true)) {
      LockSupport.unpark(worker);
    }
  }

  /** Events queued and not yet taken by the export thread. */
  int queued() {
    return queued.get();
  }

  /** Exports what is queued now; the result completes when it was handed to the exporter. */
  CompletableResultCode forceFlush() {
    if (shutdown.get()) {
      return stopped;
    }
    CompletableResultCode result = new CompletableResultCode();
    flushes.add(result);
    wakeRequested.set(true);
    LockSupport.unpark(worker);
    return result;
  }

  /**
   * Exports what is queued, then stops the export thread and shuts the exporter down. Idempotent;
   * the result completes when all that is done.
   */
  CompletableResultCode shutdown() {
    if (shutdown.compareAndSet(false, true)) {
      LockSupport.unpark(worker);
    }
    return stopped;
  }

  /**
   * Stops exporting what is still queued (after {@link #shutdown()} ran out of time): the rest is
   * counted as {@code shutdown}.
   */
  void abandon() {
    abandon = true;
    LockSupport.unpark(worker);
  }

  private void run() {
    List<CapturedEvent> batch = new ArrayList<>(maxBatchSize);
    long nextExport = System.nanoTime() + scheduleDelayNanos;
    try {
      while (true) {
        boolean stopping = shutdown.get();
        List<CompletableResultCode> flushing = takeFlushes();
        boolean due =
            stopping
                || !flushing.isEmpty()
                || queued.get() >= maxBatchSize
                || System.nanoTime() - nextExport >= 0;
        if (!due) {
          parked = true;
          // Re-check after announcing the park, so an event queued meanwhile is not missed.
          if (queued.get() < maxBatchSize && !shutdown.get() && flushes.isEmpty()) {
            LockSupport.parkNanos(this, Math.max(1, nextExport - System.nanoTime()));
          }
          parked = false;
          wakeRequested.set(false);
          continue;
        }
        do {
          drain(batch);
          if (!batch.isEmpty()) {
            send(batch);
            batch.clear();
          }
        } while ((stopping || !flushing.isEmpty()) && queued.get() > 0 && !abandon);
        nextExport = System.nanoTime() + scheduleDelayNanos;
        flushing.forEach(CompletableResultCode::succeed);
        if (stopping) {
          break;
        }
      }
    } catch (RuntimeException | Error e) {
      errors.accept(e);
    } finally {
      int left = queued.getAndSet(0);
      queue.clear();
      if (left > 0) {
        meters.shutdown.add(left);
      }
      takeFlushes().forEach(CompletableResultCode::succeed);
      CompletableResultCode closed;
      try {
        closed = exporter.shutdown();
      } catch (RuntimeException e) {
        errors.accept(e);
        closed = CompletableResultCode.ofFailure();
      }
      CompletableResultCode exporterClosed = closed;
      exporterClosed.whenComplete(
          () -> {
            if (exporterClosed.isSuccess()) {
              stopped.succeed();
            } else {
              stopped.fail();
            }
          });
    }
  }

  private List<CompletableResultCode> takeFlushes() {
    if (flushes.isEmpty()) {
      return List.of();
    }
    List<CompletableResultCode> taken = new ArrayList<>();
    CompletableResultCode next;
    while ((next = flushes.poll()) != null) {
      taken.add(next);
    }
    return taken;
  }

  private void drain(List<CapturedEvent> batch) {
    CapturedEvent next;
    while (batch.size() < maxBatchSize && (next = queue.poll()) != null) {
      batch.add(next);
    }
    queued.addAndGet(-batch.size());
  }

  private void send(List<CapturedEvent> batch) {
    List<LogRecordData> clean = new ArrayList<>(batch.size());
    for (CapturedEvent event : batch) {
      try {
        clean.add(records.map(event));
      } catch (RuntimeException | LinkageError | StackOverflowError e) {
        // Never export a record that could not be scrubbed.
        meters.exportFailed.increment();
        errors.accept(e);
      }
    }
    if (clean.isEmpty()) {
      return;
    }
    int count = clean.size();
    CompletableResultCode result;
    try {
      result = exporter.export(clean);
    } catch (RuntimeException e) {
      meters.exportFailed.add(count);
      errors.accept(e);
      return;
    }
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            meters.exported.add(count);
          } else {
            meters.exportFailed.add(count);
          }
        });
    result.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
  }
}
