package dev.observability.tracing.internal;

import dev.observability.scrub.Scrubber;
import dev.observability.tracing.SamplingPolicy;
import dev.observability.tracing.internal.TracingMetrics.DropReason;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Where kept spans go: a bounded queue in front of OpenTelemetry's {@link BatchSpanProcessor},
 * whose single daemon thread scrubs each span, adds {@code sampling.policy} to kept roots and calls
 * the exporter. The request thread only enqueues.
 *
 * <p>The batch processor drops silently when its queue is full; to count those drops, this class
 * keeps its own count of spans handed over and not yet taken by the exporter, and refuses (counting
 * {@code export_queue_full}) before the batch processor's queue of the same capacity could
 * overflow. Export failures (collector down, timeout, rejected) are counted as {@code
 * export_failed} when the exporter's result completes.
 *
 * <p>Thread-safe.
 */
public final class ExportPipeline {

  private final BatchSpanProcessor batch;
  private final AtomicInteger queued = new AtomicInteger();
  private final int maxQueueSize;
  private final TracingMetrics metrics;

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
    this.maxQueueSize = maxQueueSize;
    this.metrics = metrics;
    this.batch =
        BatchSpanProcessor.builder(new ScrubbingExporter(exporter, scrubber, errors))
            .setExportUnsampledSpans(true)
            .setMaxQueueSize(maxQueueSize)
            .setMaxExportBatchSize(Math.min(maxBatchSize, maxQueueSize))
            .setScheduleDelay(scheduleDelay)
            .setExporterTimeout(exportTimeout)
            .setMeterProvider(MeterProvider::noop)
            .build();
  }

  /** Hands a kept span to the export thread, or drops and counts it when the queue is full. */
  public void export(KeptSpan span) {
    if (queued.incrementAndGet() > maxQueueSize) {
      queued.decrementAndGet();
      metrics.spansDropped(DropReason.EXPORT_QUEUE_FULL, 1);
      return;
    }
    batch.onEnd(span);
  }

  /** Spans handed over and not yet taken by the exporter. */
  public int queued() {
    return queued.get();
  }

  /** Exports what is queued. */
  public CompletableResultCode forceFlush() {
    return batch.forceFlush();
  }

  /** Exports what is queued and stops the export thread and the exporter. */
  public CompletableResultCode shutdown() {
    return batch.shutdown();
  }

  private final class ScrubbingExporter implements SpanExporter {
    private final SpanExporter delegate;
    private final Scrubber scrubber;
    private final Consumer<Throwable> errors;

    ScrubbingExporter(SpanExporter delegate, Scrubber scrubber, Consumer<Throwable> errors) {
      this.delegate = delegate;
      this.scrubber = scrubber;
      this.errors = errors;
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
      queued.addAndGet(-spans.size());
      List<SpanData> clean = new ArrayList<>(spans.size());
      for (SpanData span : spans) {
        try {
          clean.add(prepare(span));
        } catch (RuntimeException e) {
          // Never export a span that could not be scrubbed.
          metrics.spansDropped(DropReason.EXPORT_FAILED, 1);
          errors.accept(e);
        }
      }
      if (clean.isEmpty()) {
        return CompletableResultCode.ofSuccess();
      }
      int count = clean.size();
      CompletableResultCode result;
      try {
        result = delegate.export(clean);
      } catch (RuntimeException e) {
        metrics.spansDropped(DropReason.EXPORT_FAILED, count);
        errors.accept(e);
        return CompletableResultCode.ofFailure();
      }
      result.whenComplete(
          () -> {
            if (result.isSuccess()) {
              metrics.spansExported(count);
            } else {
              metrics.spansDropped(DropReason.EXPORT_FAILED, count);
            }
          });
      return result;
    }

    private SpanData prepare(SpanData span) {
      SpanData data = span;
      @Nullable SamplingPolicy policy = null;
      if (span instanceof KeptSpan kept) {
        data = kept.data();
        policy = kept.policy();
      }
      return new ScrubbedSpanData(data, scrubber, policy);
    }

    @Override
    public CompletableResultCode flush() {
      return delegate.flush();
    }

    @Override
    public CompletableResultCode shutdown() {
      return delegate.shutdown();
    }
  }
}
