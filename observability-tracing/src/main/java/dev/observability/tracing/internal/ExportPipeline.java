package dev.observability.tracing.internal;

import dev.observability.scrub.Scrubber;
import dev.observability.tracing.SamplingPolicy;
import dev.observability.tracing.internal.TracingMetrics.DropReason;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where kept spans go: a bounded, lock-free queue drained by one daemon thread, which scrubs each
 * span, adds {@code sampling.policy} to kept roots and hands batches to the exporter.
 *
 * <p>The thread that ends a span only appends to the queue (a CAS) and, once per batch, unparks the
 * export thread; it never takes a lock that the export thread could hold (OpenTelemetry's {@code
 * BatchSpanProcessor} signals its worker through a lock-based queue, which can park a request
 * thread while the worker is descheduled). When {@code maxQueueSize} spans are waiting, new ones
 * are dropped and counted as {@code export_queue_full}; export failures (collector down, timeout,
 * rejected) are counted as {@code export_failed} when the exporter's result completes.
 *
 * <p>The export thread sends a batch when {@code maxBatchSize} spans wait, when the oldest has
 * waited {@code scheduleDelay}, on {@link #forceFlush()} and at {@link #shutdown()}; it waits at
 * most {@code exportTimeout} for each export before moving on.
 *
 * <p>Thread-safe.
 */
public final class ExportPipeline {

  /**
   * A kept span as queued: its end-time {@link SpanData}, or a {@link LightSpan} (immutable once
   * ended) turned into one on the export thread, and on a kept local root the policy.
   */
  record Kept(Object span, @Nullable SamplingPolicy policy) {

    SpanData data() {
      return span instanceof LightSpan light ? light.toSpanData() : (SpanData) span;
    }
  }

  private final ConcurrentLinkedQueue<Kept> queue = new ConcurrentLinkedQueue<>();
  private final AtomicInteger queued = new AtomicInteger();
  private final ConcurrentLinkedQueue<CompletableResultCode> flushes =
      new ConcurrentLinkedQueue<>();
  private final AtomicBoolean wakeRequested = new AtomicBoolean();
  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final CompletableResultCode stopped = new CompletableResultCode();
  private final SpanExporter exporter;
  private final Scrubber scrubber;
  private final TracingMetrics metrics;
  private final Consumer<Throwable> errors;
  private final int maxQueueSize;
  private final int maxBatchSize;
  private final long scheduleDelayNanos;
  private final long exportTimeoutNanos;
  private final Thread worker;
  private volatile boolean parked;

  /**
   * Creates the pipeline and starts its export thread.
   *
   * @param exporter where spans go (OTLP, logging, or a composite)
   * @param scrubber applied to every exported span
   * @param metrics counts drops and exports
   * @param errors receives unexpected failures of the export path
   */
  public ExportPipeline(
      SpanExporter exporter,
      Scrubber scrubber,
      TracingMetrics metrics,
      Consumer<Throwable> errors,
      int maxQueueSize,
      int maxBatchSize,
      Duration scheduleDelay,
      Duration exportTimeout) {
    this.exporter = exporter;
    this.scrubber = scrubber;
    this.metrics = metrics;
    this.errors = errors;
    this.maxQueueSize = maxQueueSize;
    this.maxBatchSize = Math.max(1, Math.min(maxBatchSize, maxQueueSize));
    this.scheduleDelayNanos = scheduleDelay.toNanos();
    this.exportTimeoutNanos = exportTimeout.toNanos();
    this.worker = new Thread(this::run, "observability-tracing-export");
    this.worker.setDaemon(true);
    this.worker.start();
  }

  /**
   * Queues a kept span for export, or drops and counts it when the queue is full.
   *
   * @return whether the span was queued
   */
  boolean export(Object span, @Nullable SamplingPolicy policy) {
    if (shutdown.get()) {
      return false;
    }
    int size = queued.incrementAndGet();
    if (size > maxQueueSize) {
      queued.decrementAndGet();
      metrics.spansDropped(DropReason.EXPORT_QUEUE_FULL, 1);
      return false;
    }
    queue.offer(new Kept(span, policy));
    if (size >= maxBatchSize) {
      wake();
    }
    return true;
  }

  private void wake() {
    if (parked && wakeRequested.compareAndSet(false, true)) {
      LockSupport.unpark(worker);
    }
  }

  /** Spans queued and not yet taken by the export thread. */
  public int queued() {
    return queued.get();
  }

  /** Exports what is queued now; the result completes when it was handed to the exporter. */
  public CompletableResultCode forceFlush() {
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
  public CompletableResultCode shutdown() {
    if (shutdown.compareAndSet(false, true)) {
      LockSupport.unpark(worker);
    }
    return stopped;
  }

  private void run() {
    List<Kept> batch = new ArrayList<>(maxBatchSize);
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
          // Re-check after announcing the park, so a span queued meanwhile is not missed.
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
        } while ((stopping || !flushing.isEmpty()) && queued.get() > 0);
        nextExport = System.nanoTime() + scheduleDelayNanos;
        flushing.forEach(CompletableResultCode::succeed);
        if (stopping) {
          break;
        }
      }
    } catch (RuntimeException | Error e) {
      errors.accept(e);
    } finally {
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

  private void drain(List<Kept> batch) {
    Kept next;
    while (batch.size() < maxBatchSize && (next = queue.poll()) != null) {
      batch.add(next);
    }
    queued.addAndGet(-batch.size());
  }

  private void send(List<Kept> batch) {
    List<SpanData> clean = new ArrayList<>(batch.size());
    for (Kept kept : batch) {
      try {
        clean.add(new ScrubbedSpanData(kept.data(), scrubber, kept.policy()));
      } catch (RuntimeException e) {
        // Never export a span that could not be scrubbed.
        metrics.spansDropped(DropReason.EXPORT_FAILED, 1);
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
      metrics.spansDropped(DropReason.EXPORT_FAILED, count);
      errors.accept(e);
      return;
    }
    result.whenComplete(
        () -> {
          if (result.isSuccess()) {
            metrics.spansExported(count);
          } else {
            metrics.spansDropped(DropReason.EXPORT_FAILED, count);
          }
        });
    result.join(exportTimeoutNanos, TimeUnit.NANOSECONDS);
  }
}
