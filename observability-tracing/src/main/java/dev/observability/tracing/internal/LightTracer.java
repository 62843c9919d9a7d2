package dev.observability.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.internal.ImmutableSpanContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.internal.ExceptionAttributeResolver;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Starts the spans of the tracing module's observation handler as {@link LightSpan}s: spans that
 * behave as the OpenTelemetry SDK's own (same ids, sampler, clock, limits, resource and scope) but
 * are recorded in one small object and handed straight to the {@link TailSamplingSpanProcessor},
 * which turns them into {@code SpanData} only when their fragment is kept.
 *
 * <p>What it shares with the SDK's tracer provider is given at construction, so that a span it
 * starts and a span the SDK starts under the same conditions export the same data (the tests check
 * this field by field). Spans the host starts through the facade's tracer are the SDK's own.
 *
 * <p>Immutable and thread-safe.
 */
public final class LightTracer {

  /** Layouts of no key, by capacity: a span that sets no attribute allocates no array for them. */
  private static final AttributeKey<?>[][] EMPTY_LAYOUTS = new AttributeKey<?>[17][];

  /** OpenTelemetry's random id generator, whose trace ids this tracer makes itself (see start). */
  private static final IdGenerator RANDOM_IDS = IdGenerator.random();

  static {
    for (int i = 0; i < EMPTY_LAYOUTS.length; i++) {
      EMPTY_LAYOUTS[i] = new AttributeKey<?>[i];
    }
  }

  private final Sampler sampler;
  private final IdGenerator ids;
  private final Clock clock;
  private final SpanLimits limits;
  private final Supplier<Resource> resource;
  private final InstrumentationScopeInfo scope;
  private final @Nullable Sink sink;
  private final boolean systemClock;
  private final ExceptionAttributeResolver exceptions = ExceptionAttributeResolver.getDefault();

  /**
   * Creates the tracer.
   *
   * @param sampler the tracer provider's sampler
   * @param ids the tracer provider's id generator
   * @param clock the tracer provider's clock
   * @param limits the tracer provider's span limits
   * @param resource the tracer provider's resource, asked for when a span is materialised
   * @param scope the instrumentation scope of the handler's spans
   * @param sink where ended spans go (the tail sampler), or null when none are exported
   */
  public LightTracer(
      Sampler sampler,
      IdGenerator ids,
      Clock clock,
      SpanLimits limits,
      Supplier<Resource> resource,
      InstrumentationScopeInfo scope,
      @Nullable Sink sink) {
    this.sampler = sampler;
    this.ids = ids;
    this.clock = clock;
    this.systemClock = clock == Clock.getDefault();
    this.limits = limits;
    this.resource = resource;
    this.scope = scope;
    this.sink = sink;
  }

  /**
   * Starts a span, child of the span in {@code parent} (a new trace when it holds none), sampled as
   * the SDK's sampler decides. Attributes may be added with {@link LightSpan#initAttribute} before
   * the span is published.
   *
   * @param attributeCapacity attributes expected; the span grows past it
   */
  public LightSpan start(String name, SpanKind kind, Context parent, int attributeCapacity) {
    return start(name, kind, parent, layout(attributeCapacity), false, 0);
  }

  /**
   * As {@link #start(String, SpanKind, Context, int)}, for a span that starts at {@code
   * startNanoTime}, a {@link System#nanoTime()} reading taken a moment before (the start stamp of
   * the observation the span is for, which the other handlers time it from too). With a clock other
   * than the system's, the reading is not used and the clock is read, as {@code start} does.
   */
  public LightSpan startAt(
      String name, SpanKind kind, Context parent, int attributeCapacity, long startNanoTime) {
    return start(name, kind, parent, layout(attributeCapacity), true, startNanoTime);
  }

  /**
   * As {@link #start(String, SpanKind, Context, int)}, for a span that usually sets the keys of
   * {@code layout} in its order: it shares that array (never written) until it sets another key.
   *
   * @param layout the keys expected, in order, each name at most once (the span relies on it to set
   *     them without comparing names); its length is the capacity expected
   */
  public LightSpan start(String name, SpanKind kind, Context parent, AttributeKey<?>[] layout) {
    return start(name, kind, parent, layout, false, 0);
  }

  /**
   * As {@link #start(String, SpanKind, Context, AttributeKey[])}, for a span that starts at {@code
   * startNanoTime}, as {@link #startAt(String, SpanKind, Context, int, long)} says.
   */
  public LightSpan startAt(
      String name, SpanKind kind, Context parent, AttributeKey<?>[] layout, long startNanoTime) {
    return start(name, kind, parent, layout, true, startNanoTime);
  }

  private LightSpan start(
      String name,
      SpanKind kind,
      Context parent,
      AttributeKey<?>[] layout,
      boolean stamped,
      long startNanoTime) {
    assert distinctNames(layout) : "a layout names a key twice";
    Span parentSpan = Span.fromContext(parent);
    SpanContext parentContext = parentSpan.getSpanContext();
    String spanId = ids.generateSpanId();
    String traceId;
    boolean randomTraceId;
    // The trace id's halves as the tail sampler's decision cache keys them: read once per trace in
    // this process, where its local root starts, instead of at each look-up as its spans end.
    long traceHigh;
    long traceLow;
    if (parentSpan instanceof LightSpan light && parentContext.isValid()) {
      traceId = parentContext.getTraceId();
      randomTraceId = parentContext.getTraceFlags().isTraceIdRandom();
      traceHigh = light.traceHigh();
      traceLow = light.traceLow();
    } else if (parentContext.isValid()) {
      traceId = parentContext.getTraceId();
      randomTraceId = parentContext.getTraceFlags().isTraceIdRandom();
      traceHigh = DecisionCache.high(traceId);
      traceLow = DecisionCache.low(traceId);
    } else if (ids == RANDOM_IDS) {
      // What OpenTelemetry's random generator does, keeping the two numbers it formats.
      ThreadLocalRandom random = ThreadLocalRandom.current();
      traceHigh = random.nextLong();
      do {
        traceLow = random.nextLong();
      } while (traceLow == 0);
      traceId = TraceId.fromLongs(traceHigh, traceLow);
      randomTraceId = true;
    } else {
      traceId = ids.generateTraceId();
      randomTraceId = ids.generatesRandomTraceIds();
      traceHigh = DecisionCache.high(traceId);
      traceLow = DecisionCache.low(traceId);
    }
    SamplingResult sampling =
        sampler instanceof ErrorBiasedSampler errorBiased
            ? errorBiased.shouldSample(parentContext, traceLow)
            : sampler.shouldSample(parent, traceId, name, kind, Attributes.empty(), List.of());
    SamplingDecision decision = sampling.getDecision();
    TraceState traceState = sampling.getUpdatedTraceState(parentContext.getTraceState());
    // As the SDK's span builder: ids from OpenTelemetry's random generator, and a valid parent's
    // trace id, are not checked again as hex (a check of 48 characters per span).
    SpanContext context =
        ImmutableSpanContext.create(
            traceId,
            spanId,
            TraceFlags.builder()
                .setSampled(decision == SamplingDecision.RECORD_AND_SAMPLE)
                .setRandomTraceId(randomTraceId)
                .build(),
            traceState,
            false,
            ids == RANDOM_IDS);
    boolean atStamp = stamped && systemClock;
    long anchorOffsetNanos;
    long startEpochNanos;
    if (parentSpan instanceof LightSpan light) {
      // As the SDK does for a child of its own span: the parent's clock anchor. The SDK's
      // anchorEpoch + (nanoTime - anchorNanoTime) is the same sum, in the same wrapping arithmetic.
      anchorOffsetNanos = light.anchorOffsetNanos();
      startEpochNanos = anchorOffsetNanos + (atStamp ? startNanoTime : clock.nanoTime());
    } else {
      startEpochNanos = clock.now();
      anchorOffsetNanos = startEpochNanos - clock.nanoTime();
      if (atStamp) {
        startEpochNanos = anchorOffsetNanos + startNanoTime;
      }
    }
    return new LightSpan(
        this,
        context,
        parentContext,
        kind,
        name,
        anchorOffsetNanos,
        startEpochNanos,
        traceHigh,
        traceLow,
        layout,
        parentSpan instanceof LightSpan light ? light.localRootOfChild(this) : null);
  }

  private static boolean distinctNames(AttributeKey<?>[] layout) {
    Set<String> names = new HashSet<>();
    for (AttributeKey<?> key : layout) {
      if (key != null && !names.add(key.getKey())) {
        return false;
      }
    }
    return true;
  }

  private static AttributeKey<?>[] layout(int capacity) {
    int n = Math.max(2, capacity);
    return n < EMPTY_LAYOUTS.length ? EMPTY_LAYOUTS[n] : new AttributeKey<?>[n];
  }

  /** The epoch nanos now on a span's anchored clock. */
  long now(long anchorOffsetNanos) {
    return anchorOffsetNanos + clock.nanoTime();
  }

  /** Whether the clock is the system's, whose {@code nanoTime()} is {@link System#nanoTime()}. */
  boolean systemClock() {
    return systemClock;
  }

  SpanLimits limits() {
    return limits;
  }

  Resource resource() {
    return resource.get();
  }

  InstrumentationScopeInfo scope() {
    return scope;
  }

  ExceptionAttributeResolver exceptions() {
    return exceptions;
  }

  /** Whether ended spans go to a sink (the tail sampler of an exporting SDK). */
  boolean exporting() {
    return sink != null;
  }

  /** Hands an ended span to the sink. */
  void ended(LightSpan span) {
    Sink s = sink;
    if (s != null) {
      s.ended(span);
    }
  }

  /** Receives every span as it ends, on the thread that ends it. Must not throw or block. */
  public interface Sink {
    /** One ended span; immutable from now on. */
    void ended(LightSpan span);
  }
}
