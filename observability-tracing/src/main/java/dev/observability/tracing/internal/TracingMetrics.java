package dev.observability.tracing.internal;

import dev.observability.tracing.SamplingPolicy;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The tracing module's own meters, all registered up front so that recording is a counter
 * increment. Prometheus names:
 *
 * <ul>
 *   <li>{@code observability_traces_decided_total{decision,policy}}: kept with policy {@code
 *       error|latency|downstream|parent|ratio}; dropped with policy {@code ratio} (outside the
 *       sample) or {@code expired} (the root never ended within the TTL);
 *   <li>{@code observability_spans_dropped_total{reason}}: {@code buffer_full}, {@code expired},
 *       {@code export_queue_full}, {@code export_failed};
 *   <li>{@code observability_spans_exported_total}: spans the exporter accepted;
 *   <li>{@code observability_spans_buffered}, {@code observability_traces_buffered}: gauges of the
 *       tail-sampling buffer; {@code observability_spans_queued}: kept spans waiting for export.
 * </ul>
 *
 * <p>Thread-safe.
 */
public final class TracingMetrics {

  /** Meter name of the decision counter. */
  public static final String TRACES_DECIDED = "observability.traces.decided";

  /** Meter name of the dropped-spans counter. */
  public static final String SPANS_DROPPED = "observability.spans.dropped";

  /** Meter name of the exported-spans counter. */
  public static final String SPANS_EXPORTED = "observability.spans.exported";

  /** Meter name of the buffered-spans gauge. */
  public static final String SPANS_BUFFERED = "observability.spans.buffered";

  /** Meter name of the buffered-fragments gauge. */
  public static final String TRACES_BUFFERED = "observability.traces.buffered";

  /** Meter name of the export-queue gauge. */
  public static final String SPANS_QUEUED = "observability.spans.queued";

  /** Why spans were dropped: the {@code reason} tag. */
  public enum DropReason {
    /** A buffer cap was hit and the span, decided alone, was neither an error nor in the ratio. */
    BUFFER_FULL("buffer_full"),
    /** The fragment's root never ended within the TTL (or before close) and it was not kept. */
    EXPIRED("expired"),
    /** The export queue was full. */
    EXPORT_QUEUE_FULL("export_queue_full"),
    /** The exporter failed (collector down, timeout, rejected). */
    EXPORT_FAILED("export_failed");

    private final String tag;

    DropReason(String tag) {
      this.tag = tag;
    }

    /** The tag value. */
    public String tag() {
      return tag;
    }
  }

  // Recording adds to a LongAdder; the registry reads it when it publishes (FunctionCounter), so
  // the thread that ends a span never walks a composite registry's children.
  private final Map<SamplingPolicy, LongAdder> kept = new EnumMap<>(SamplingPolicy.class);
  private final LongAdder droppedByRatio = new LongAdder();
  private final LongAdder droppedExpired = new LongAdder();
  private final Map<DropReason, LongAdder> dropped = new EnumMap<>(DropReason.class);
  private final LongAdder exported = new LongAdder();

  /** Registers the meters in {@code registry}. */
  public TracingMetrics(MeterRegistry registry) {
    for (SamplingPolicy policy : SamplingPolicy.values()) {
      LongAdder adder = new LongAdder();
      kept.put(policy, adder);
      decided(registry, "kept", policy.value(), adder);
    }
    decided(registry, "dropped", "ratio", droppedByRatio);
    decided(registry, "dropped", "expired", droppedExpired);
    for (DropReason reason : DropReason.values()) {
      LongAdder adder = new LongAdder();
      dropped.put(reason, adder);
      FunctionCounter.builder(SPANS_DROPPED, adder, LongAdder::doubleValue)
          .description("Spans the SDK meant to export but dropped, by reason")
          .tag("reason", reason.tag())
          .register(registry);
    }
    FunctionCounter.builder(SPANS_EXPORTED, exported, LongAdder::doubleValue)
        .description("Spans accepted by the span exporter")
        .register(registry);
  }

  private static void decided(
      MeterRegistry registry, String decision, String policy, LongAdder adder) {
    FunctionCounter.builder(TRACES_DECIDED, adder, LongAdder::doubleValue)
        .description("Trace fragments decided by the tail sampler, by decision and policy")
        .tag("decision", decision)
        .tag("policy", policy)
        .register(registry);
  }

  /** Registers the buffer gauges, reading {@code spans}, {@code traces} and {@code queued}. */
  public static void registerBufferGauges(
      MeterRegistry registry,
      Supplier<Number> spans,
      Supplier<Number> traces,
      Supplier<Number> queued) {
    Gauge.builder(SPANS_BUFFERED, spans)
        .description("Spans buffered by the tail sampler, waiting for their trace's decision")
        .register(registry);
    Gauge.builder(TRACES_BUFFERED, traces)
        .description("Trace fragments buffered by the tail sampler")
        .register(registry);
    Gauge.builder(SPANS_QUEUED, queued)
        .description("Kept spans waiting in the export queue")
        .register(registry);
  }

  /** Counts a kept fragment. */
  public void kept(SamplingPolicy policy) {
    kept.get(policy).increment();
  }

  /** Counts a fragment dropped because it fell outside the ratio. */
  public void droppedByRatio() {
    droppedByRatio.increment();
  }

  /** Counts a fragment that expired and was not kept. */
  public void droppedExpired() {
    droppedExpired.increment();
  }

  /** Counts {@code count} spans dropped for {@code reason}. */
  public void spansDropped(DropReason reason, long count) {
    if (count > 0) {
      dropped.get(reason).add(count);
    }
  }

  /** Counts {@code count} spans accepted by the exporter. */
  public void spansExported(long count) {
    if (count > 0) {
      exported.add(count);
    }
  }
}
