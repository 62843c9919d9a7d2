package dev.observability.tracing.internal;

import dev.observability.tracing.SamplingPolicy;
import dev.observability.tracing.internal.TracingMetrics.DropReason;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Error-biased tail sampling, in process. Every span is recorded; {@link ErrorBiasedSampler} (which
 * this processor expects on its tracer provider) sets the sampled flag when the trace id falls
 * within the ratio or a sampled caller asks for it.
 *
 * <p><b>Sampled spans</b> are in the sample whatever happens: they are exported as they end, with
 * nothing buffered. Their local root is labelled {@link SamplingPolicy#ERROR} or {@link
 * SamplingPolicy#LATENCY} when the root itself shows it, else {@link SamplingPolicy#PARENT} or
 * {@link SamplingPolicy#RATIO}.
 *
 * <p><b>Other spans</b> are buffered per local trace fragment (keyed by trace id) until the
 * fragment's local root ends (a span without parent, or with a remote parent), which decides:
 *
 * <ol>
 *   <li>{@link SamplingPolicy#ERROR}: a span of the fragment has status ERROR or an {@code
 *       exception} event, or the root has {@code http.response.status_code >= 500};
 *   <li>{@link SamplingPolicy#LATENCY}: the root lasted longer than the latency threshold;
 *   <li>{@link SamplingPolicy#DOWNSTREAM}: a call of the fragment was answered by a callee that
 *       kept the trace ({@link LightSpan#keepDownstream()}, or {@link #keepDownstream(String)} for
 *       the host's own spans); such a call's error status is the callee's and does not count as an
 *       error here;
 *   <li>otherwise the fragment is dropped (counted as a decision, not as dropped spans: it was
 *       never meant to be exported).
 * </ol>
 *
 * <p>A kept fragment goes to the {@link ExportPipeline}; its root carries the policy, and a kept
 * {@link LightSpan} root learns it ({@code keptPolicy()}) on the thread that ended it. The decision
 * is remembered in a bounded {@link DecisionCache}, so spans that end after their root follow it
 * (an error span still exports, and turns the decision to kept). Fragments are buffered by trace
 * id, so a second local root of the trace in this process (a service calling itself) may find its
 * spans decided by the first; an error or downstream keep among them is remembered for the trace so
 * that the second root is kept too.
 *
 * <p><b>Bounds.</b> At most {@code maxBufferedTraces} fragments, {@code maxSpansPerTrace} spans per
 * fragment and {@code maxBufferedSpans} spans in all are buffered. A span that cannot be buffered
 * is decided alone, at once: exported when it is an error (and its fragment or trace is marked so
 * that the root is kept as an error), otherwise dropped and counted as {@code buffer_full}.
 * Buffered fragments are never evicted to make room. A fragment whose root has not ended {@code
 * fragmentTtl} after its first span was buffered expires: kept if it holds an error, else dropped
 * with its spans counted as {@code expired}. At shutdown every fragment is decided that way.
 *
 * <p><b>Held spans.</b> The usual fragment is one clean child {@link LightSpan} (no error, no
 * downstream keep) that ends before its root, itself a running light span. Such a span is not
 * buffered: its root holds it ({@link LightSpan#hold}, one compare-and-set) until the root ends and
 * decides both, without the buffer's map, counts or decision-cache look-ups. A root holds one span
 * at most; the next light span of its fragment to end (or an error, or a downstream keep) closes
 * the slot and goes to the buffer after the held span, so that the fragment's light spans keep the
 * order in which they ended (the host's SDK spans, which do not know their root's slot, are
 * buffered without closing it). Held spans are bounded by the running roots, one each, and stay
 * outside the caps and the TTL: a held span waits as long as its root runs, and is exported
 * complete with it if the root is kept, however late. The buffer's gauges, like its caps, leave
 * them out. A root that ends after {@link #shutdown()} counts the span it held as {@code expired}.
 *
 * <p>It receives two kinds of span: the SDK's own (spans the host starts through the facade's
 * tracer), through {@link #onEnd}, snapshotted once as {@link SpanData}; and the handler's {@link
 * LightSpan}s, through {@link #ended}, which are buffered as they are and turned into {@code
 * SpanData} on the export thread only when kept.
 *
 * <p>A fragment of one clean {@code LightSpan} in the buffer (its root closed its slot, or is not a
 * light span) is buffered as itself, without a {@code Fragment} around it. Such a lone span is
 * immutable in the map and nothing locks it: whoever removes it from the map decides it, and a
 * second span of its fragment replaces it with a {@code Fragment} that holds both. Its age is
 * measured from its end.
 *
 * <p>Thread-safe. Both run on the thread that ends the span: a few atomic operations and, for
 * unsampled spans with a parent, a compare-and-set on their root or one map lookup and a
 * synchronized append; they never block on I/O and never throw (failures go to the error sink).
 */
public final class TailSamplingSpanProcessor implements SpanProcessor, LightTracer.Sink {

  static final String EXCEPTION_EVENT = "exception";

  private final ExportPipeline pipeline;
  private final TracingMetrics metrics;
  private final Consumer<Throwable> errors;
  private final long latencyThresholdNanos;
  private final boolean respectParentSampled;
  private final int maxBufferedTraces;
  private final int maxSpansPerTrace;
  private final int maxBufferedSpans;
  private final long fragmentTtlNanos;
  private final Clock clock;
  private final DecisionCache decisions;

  /** Buffered fragments by trace id: a {@link Fragment}, or a lone clean {@link LightSpan}. */
  private final ConcurrentHashMap<String, Object> fragments = new ConcurrentHashMap<>();

  private final AtomicInteger bufferedTraces = new AtomicInteger();
  private final AtomicInteger bufferedSpans = new AtomicInteger();

  private final AtomicBoolean shutdown = new AtomicBoolean();
  private final @Nullable ScheduledExecutorService sweeper;

  /** Set once an error mark was written, so that roots skip the lookup until then. */
  private volatile boolean errorMarks;

  /** Set once a downstream mark was written, so that roots skip the lookup until then. */
  private volatile boolean downstreamMarks;

  private TailSamplingSpanProcessor(Builder builder) {
    this.pipeline = builder.pipeline;
    this.metrics = builder.metrics;
    this.errors = builder.errors;
    this.latencyThresholdNanos = builder.latencyThreshold.toNanos();
    this.respectParentSampled = builder.respectParentSampled;
    this.maxBufferedTraces = builder.maxBufferedTraces;
    this.maxSpansPerTrace = builder.maxSpansPerTrace;
    this.maxBufferedSpans = builder.maxBufferedSpans;
    this.fragmentTtlNanos = builder.fragmentTtl.toNanos();
    this.clock = builder.clock;
    this.decisions = new DecisionCache(builder.decisionCacheSize);
    if (builder.sweep) {
      ScheduledThreadPoolExecutor executor =
          new ScheduledThreadPoolExecutor(
              1,
              r -> {
                Thread t = new Thread(r, "observability-tracing-sweeper");
                t.setDaemon(true);
                return t;
              });
      executor.setRemoveOnCancelPolicy(true);
      long period =
          Math.max(
              TimeUnit.MILLISECONDS.toNanos(100),
              Math.min(fragmentTtlNanos / 4, TimeUnit.SECONDS.toNanos(5)));
      executor.scheduleWithFixedDelay(this::sweepSafely, period, period, TimeUnit.NANOSECONDS);
      this.sweeper = executor;
    } else {
      this.sweeper = null;
    }
  }

  /** A builder that sends kept spans to {@code pipeline} and counts in {@code metrics}. */
  public static Builder builder(ExportPipeline pipeline, TracingMetrics metrics) {
    return new Builder(pipeline, metrics);
  }

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {}

  @Override
  public boolean isStartRequired() {
    return false;
  }

  @Override
  public boolean isEndRequired() {
    return true;
  }

  /** An SDK span (one the host started through the facade's tracer): snapshot, then decide. */
  @Override
  public void onEnd(ReadableSpan span) {
    if (shutdown.get()) {
      return;
    }
    try {
      SpanData data = span.toSpanData();
      String traceId = data.getSpanContext().getTraceId();
      end(
          data,
          DecisionCache.high(traceId),
          DecisionCache.low(traceId),
          data.getSpanContext(),
          data.getParentSpanContext(),
          hasError(data),
          isServerError(data.getAttributes().get(HttpSemconv.HTTP_RESPONSE_STATUS_CODE)),
          data.getEndEpochNanos() - data.getStartEpochNanos(),
          false);
    } catch (RuntimeException e) {
      errors.accept(e);
    }
  }

  /**
   * A span of the module's handler: decided from what it recorded, and turned into {@link SpanData}
   * only if it is kept, on the export thread.
   */
  @Override
  public void ended(LightSpan span) {
    if (shutdown.get()) {
      // A root that ends after the shutdown: the span it held was buffered when the rest expired.
      if (span.takeHeld() != null) {
        metrics.droppedExpired();
        metrics.spansDropped(DropReason.EXPIRED, 1);
      }
      return;
    }
    try {
      // A call whose callee kept the trace failed, if it did, with the callee's failure: the
      // callee's fragment holds that error, this one is kept for it (downstream), not as its own.
      // On the thread that ended the span (the sink's contract): read without the span's lock.
      boolean downstream = span.endedDownstreamKept();
      end(
          span,
          span.traceHigh(),
          span.traceLow(),
          span.getSpanContext(),
          span.getParentSpanContext(),
          !downstream && span.endedError(),
          isServerError(span.endedLongAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE)),
          span.endedEpochNanos() - span.startEpochNanos(),
          downstream);
    } catch (RuntimeException e) {
      errors.accept(e);
    }
  }

  /**
   * Decides one ended span.
   *
   * @param span the span as buffered and exported: its {@link SpanData}, or a {@link LightSpan}
   * @param high the trace id's upper half, as {@link DecisionCache#high} reads it
   * @param low the trace id's lower half, as {@link DecisionCache#low} reads it
   * @param downstream whether the span's callee kept the trace (a client span)
   */
  private void end(
      Object span,
      long high,
      long low,
      SpanContext context,
      SpanContext parent,
      boolean error,
      boolean serverError,
      long durationNanos,
      boolean downstream) {
    String traceId = context.getTraceId();
    boolean root = !parent.isValid() || parent.isRemote();
    LightSpan held = root && span instanceof LightSpan light ? light.takeHeld() : null;
    if (context.isSampled()) {
      // Already in the sample (ratio or sampled parent): kept whatever happens, nothing to buffer.
      if (root) {
        SamplingPolicy policy =
            Objects.requireNonNull(
                policy(true, high, low, error || serverError, durationNanos, parent, downstream));
        metrics.kept(policy);
        if (held != null) {
          pipeline.export(held, null);
        }
        if (pipeline.export(span, policy)) {
          noteKept(span, policy);
        }
      } else {
        pipeline.export(span, null);
      }
    } else if (root) {
      endRoot(
          span, traceId, high, low, error || serverError, durationNanos, parent, downstream, held);
    } else {
      endChild(span, traceId, high, low, error, downstream);
    }
  }

  /**
   * Decides an unsampled local root's fragment: {@code held}, the span the root held, and what the
   * buffer holds for its trace.
   */
  private void endRoot(
      Object root,
      String traceId,
      long high,
      long low,
      boolean error,
      long durationNanos,
      SpanContext parent,
      boolean downstream,
      @Nullable LightSpan held) {
    Object entry = bufferedTraces.get() == 0 ? null : fragments.remove(traceId);
    SamplingPolicy policy;
    List<Object> children = List.of();
    if (entry instanceof LightSpan lone) {
      // A fragment of one clean span: no error or downstream keep to add, no lock to take.
      bufferedTraces.decrementAndGet();
      bufferedSpans.decrementAndGet();
      policy = policy(false, high, low, error, durationNanos, parent, downstream);
      if (policy != null) {
        children = List.of(lone);
      }
    } else if (entry instanceof Fragment fragment) {
      int count;
      boolean fragmentError;
      boolean fragmentDownstream;
      synchronized (fragment) {
        fragmentError = fragment.error;
        fragmentDownstream = fragment.downstream;
        policy =
            policy(
                false,
                high,
                low,
                error || fragmentError,
                durationNanos,
                parent,
                downstream || fragmentDownstream);
        count = fragment.size();
        children = fragment.decide(policy != null);
      }
      bufferedTraces.decrementAndGet();
      bufferedSpans.addAndGet(-count);
      // Buffered by trace id, the fragment may hold spans of another local root of this trace in
      // this process (a service calling its own endpoint) that has yet to end: it is kept too.
      if (fragmentError) {
        decisions.markDecidedError(high, low);
        errorMarks = true;
      }
      if (fragmentDownstream) {
        markDownstream(high, low);
      }
    } else {
      policy = policy(false, high, low, error, durationNanos, parent, downstream);
    }
    decisions.record(high, low, policy != null);
    if (policy == null) {
      metrics.droppedByRatio();
      return;
    }
    metrics.kept(policy);
    if (held != null) {
      pipeline.export(held, null);
    }
    for (int i = 0; i < children.size(); i++) {
      pipeline.export(children.get(i), null);
    }
    if (pipeline.export(root, policy)) {
      noteKept(root, policy);
    }
  }

  /** Tells a kept light root its policy (for the handler: response headers, exemplars). */
  private static void noteKept(Object root, SamplingPolicy policy) {
    if (root instanceof LightSpan light) {
      light.kept(policy);
    }
  }

  /**
   * The policy that keeps a local root, or null when none does.
   *
   * @param sampled whether the root carries the sampled flag
   * @param high the trace id's upper half
   * @param low the trace id's lower half
   * @param error whether the fragment holds an error, or the root is an HTTP 5xx
   * @param downstream whether a callee of the fragment kept the trace
   */
  private @Nullable SamplingPolicy policy(
      boolean sampled,
      long high,
      long low,
      boolean error,
      long durationNanos,
      SpanContext parent,
      boolean downstream) {
    if (error
        || (!sampled
            && errorMarks
            && (decisions.hasErrorMark(high, low) || decisions.hasDecidedErrorMark(high, low)))) {
      return SamplingPolicy.ERROR;
    }
    if (durationNanos > latencyThresholdNanos) {
      return SamplingPolicy.LATENCY;
    }
    if (downstream || (!sampled && downstreamMarks && decisions.hasDownstreamMark(high, low))) {
      return SamplingPolicy.DOWNSTREAM;
    }
    if (sampled) {
      // The sampler set the flag from the parent or the ratio: name which one.
      return respectParentSampled && parent.isValid() && parent.isRemote() && parent.isSampled()
          ? SamplingPolicy.PARENT
          : SamplingPolicy.RATIO;
    }
    return null;
  }

  /**
   * Keeps the fragment of {@code traceId} in this process with {@link SamplingPolicy#DOWNSTREAM}: a
   * callee kept the trace, as a response told the host's own HTTP client instrumentation (the
   * module's client spans note it on the span instead). The fragment's root, when it ends, is kept;
   * if it already ended and was dropped, only the trace's later spans follow. Never blocks or
   * throws.
   */
  public void keepDownstream(String traceId) {
    if (shutdown.get()) {
      return;
    }
    try {
      // A lone span cannot take the mark: the trace's mark below reaches its root the same way.
      Object entry = bufferedTraces.get() == 0 ? null : fragments.get(traceId);
      if (entry instanceof Fragment fragment) {
        synchronized (fragment) {
          if (!fragment.decided) {
            fragment.downstream = true;
            return;
          }
        }
      }
      long high = DecisionCache.high(traceId);
      long low = DecisionCache.low(traceId);
      markDownstream(high, low);
      if (decisions.lookup(high, low) == DecisionCache.DROPPED) {
        // The root already ended and dropped its fragment: the spans still to come are kept.
        decisions.record(high, low, true);
      }
    } catch (RuntimeException e) {
      errors.accept(e);
    }
  }

  private void markDownstream(long high, long low) {
    decisions.markDownstream(high, low);
    downstreamMarks = true;
  }

  /**
   * An unsampled span with a parent. A clean light span whose local root is running is held by the
   * root, as long as the root holds no other: most requests' one child, with no buffer, count or
   * cache look-up. Any other span closes the root's slot and goes to the buffer, after the span the
   * root held, so that the fragment's spans stay in the order they ended.
   */
  private void endChild(
      Object span, String traceId, long high, long low, boolean error, boolean downstream) {
    if (span instanceof LightSpan light) {
      LightSpan root = light.localRoot();
      if (root != null) {
        if (!error && !downstream && root.hold(light)) {
          return;
        }
        LightSpan first = root.release();
        if (first != null) {
          buffer(first, traceId, high, low, false, false);
        }
      }
    }
    buffer(span, traceId, high, low, error, downstream);
  }

  /** Buffers an unsampled span with a parent in its fragment, or decides it as a late one. */
  private void buffer(
      Object span, String traceId, long high, long low, boolean error, boolean downstream) {
    Fragment fragment;
    boolean created = false;
    for (; ; ) {
      // A buffered fragment means the trace is undecided (or decided under its lock, checked
      // below): only without one can the span be late, and only then is the cache consulted.
      Object entry = bufferedTraces.get() == 0 ? null : fragments.get(traceId);
      if (entry instanceof Fragment buffered) {
        fragment = buffered;
        break;
      }
      if (entry instanceof LightSpan lone) {
        // The fragment's second span: a fragment that holds both takes the lone span's place,
        // unless its root (or the sweeper) took it meanwhile; then look again.
        Fragment upgraded = holding(lone);
        if (fragments.replace(traceId, lone, upgraded)) {
          fragment = upgraded;
          break;
        }
        continue;
      }
      int decided = decisions.lookup(high, low);
      if (decided != DecisionCache.UNKNOWN && downstream) {
        // Another local root of the trace in this process (the callee itself, when a service
        // calls its own endpoint) decided already; this span's own root is still to end.
        markDownstream(high, low);
      }
      if (decided == DecisionCache.KEPT) {
        pipeline.export(span, null);
        return;
      }
      if (decided == DecisionCache.DROPPED) {
        if (error || downstream) {
          decisions.record(high, low, true);
          pipeline.export(span, null);
        }
        return;
      }
      if (bufferedTraces.incrementAndGet() > maxBufferedTraces) {
        bufferedTraces.decrementAndGet();
        overflow(span, high, low, error, downstream, false);
        return;
      }
      if (!error && !downstream && span instanceof LightSpan lone) {
        if (!reserveSpan()) {
          bufferedTraces.decrementAndGet();
          overflow(span, high, low, false, false, false);
          return;
        }
        if (fragments.putIfAbsent(traceId, lone) == null) {
          // A root may have decided between the cache lookup above and the insert.
          int late = decisions.lookup(high, low);
          if (late != DecisionCache.UNKNOWN) {
            resolve(traceId, lone, late == DecisionCache.KEPT);
          }
          return;
        }
        bufferedSpans.decrementAndGet();
        bufferedTraces.decrementAndGet();
        continue;
      }
      Fragment fresh = new Fragment(clock.nanoTime());
      if (fragments.putIfAbsent(traceId, fresh) == null) {
        fragment = fresh;
        created = true;
        break;
      }
      bufferedTraces.decrementAndGet();
    }
    boolean buffered = false;
    boolean follow = false;
    boolean keep = false;
    synchronized (fragment) {
      if (fragment.decided) {
        follow = true;
        keep = fragment.keep || error || downstream;
      } else if (fragment.size() < maxSpansPerTrace && reserveSpan()) {
        fragment.add(span, error, downstream);
        buffered = true;
      } else {
        fragment.error |= error;
        fragment.downstream |= downstream;
      }
    }
    if (follow) {
      if (keep) {
        pipeline.export(span, null);
      }
    } else if (!buffered) {
      overflow(span, high, low, error, downstream, true);
    }
    if (created) {
      // A root may have decided between the cache lookup above and the insert: resolve the new
      // fragment by that decision rather than leave it to expire.
      int late = decisions.lookup(high, low);
      if (late != DecisionCache.UNKNOWN) {
        resolve(traceId, fragment, late == DecisionCache.KEPT);
      }
    }
  }

  /**
   * When a lone span's fragment was buffered, on this processor's clock: at the span's end, its age
   * being the clock's epoch time since then.
   */
  private long loneCreatedNanos(LightSpan lone) {
    return clock.nanoTime() - loneAgeNanos(lone);
  }

  private long loneAgeNanos(LightSpan lone) {
    return Math.max(0, clock.now() - lone.endEpochNanos());
  }

  /** The fragment that {@code entry}, just removed from the map, is: a lone span is wrapped. */
  private Fragment taken(Object entry) {
    return entry instanceof Fragment fragment ? fragment : holding((LightSpan) entry);
  }

  /** A fragment holding {@code lone}, as old as the lone span's fragment. */
  private Fragment holding(LightSpan lone) {
    Fragment fragment = new Fragment(loneCreatedNanos(lone));
    fragment.add(lone, false, false);
    return fragment;
  }

  private boolean reserveSpan() {
    if (bufferedSpans.incrementAndGet() > maxBufferedSpans) {
      bufferedSpans.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * A span that no buffer can hold, decided alone: exported when it is an error or its callee kept
   * the trace, and its trace marked so that the root is kept.
   */
  private void overflow(
      Object span, long high, long low, boolean error, boolean downstream, boolean fragmentMarked) {
    if (error) {
      if (!fragmentMarked) {
        decisions.markError(high, low);
        errorMarks = true;
      }
      pipeline.export(span, null);
    } else if (downstream) {
      if (!fragmentMarked) {
        markDownstream(high, low);
      }
      pipeline.export(span, null);
    } else {
      metrics.spansDropped(DropReason.BUFFER_FULL, 1);
    }
  }

  private void resolve(String traceId, Object entry, boolean keep) {
    if (!fragments.remove(traceId, entry)) {
      return;
    }
    bufferedTraces.decrementAndGet();
    Fragment fragment = taken(entry);
    List<Object> spans;
    int count;
    boolean kept;
    synchronized (fragment) {
      if (fragment.decided) {
        return;
      }
      kept = keep || fragment.error || fragment.downstream;
      count = fragment.size();
      spans = fragment.decide(kept);
    }
    bufferedSpans.addAndGet(-count);
    if (kept) {
      for (int i = 0; i < spans.size(); i++) {
        pipeline.export(spans.get(i), null);
      }
    }
  }

  /**
   * Decides every fragment older than the TTL. Runs on the sweeper thread; public for tests that
   * drive the clock.
   *
   * @return the number of fragments expired
   */
  public int sweep() {
    long now = clock.nanoTime();
    int expired = 0;
    for (Map.Entry<String, Object> entry : fragments.entrySet()) {
      Object value = entry.getValue();
      long age =
          value instanceof Fragment fragment
              ? now - fragment.createdNanos
              : loneAgeNanos((LightSpan) value);
      if (age >= fragmentTtlNanos && expire(entry.getKey(), value)) {
        expired++;
      }
    }
    return expired;
  }

  private void sweepSafely() {
    try {
      sweep();
    } catch (RuntimeException e) {
      errors.accept(e);
    }
  }

  private boolean expire(String traceId, Object entry) {
    if (!fragments.remove(traceId, entry)) {
      return false;
    }
    bufferedTraces.decrementAndGet();
    Fragment fragment = taken(entry);
    List<Object> spans;
    int count;
    SamplingPolicy policy;
    synchronized (fragment) {
      if (fragment.decided) {
        return false;
      }
      if (fragment.error || (errorMarks && decisions.hasErrorMark(traceId))) {
        policy = SamplingPolicy.ERROR;
      } else if (fragment.downstream || (downstreamMarks && decisions.hasDownstreamMark(traceId))) {
        policy = SamplingPolicy.DOWNSTREAM;
      } else {
        policy = null;
      }
      count = fragment.size();
      spans = fragment.decide(policy != null);
    }
    bufferedSpans.addAndGet(-count);
    decisions.record(traceId, policy != null);
    if (policy == null) {
      metrics.droppedExpired();
      metrics.spansDropped(DropReason.EXPIRED, count);
      return true;
    }
    metrics.kept(policy);
    for (int i = 0; i < spans.size(); i++) {
      pipeline.export(spans.get(i), null);
    }
    return true;
  }

  private static boolean hasError(SpanData data) {
    if (data.getStatus().getStatusCode() == StatusCode.ERROR) {
      return true;
    }
    List<EventData> events = data.getEvents();
    for (int i = 0; i < events.size(); i++) {
      if (EXCEPTION_EVENT.equals(events.get(i).getName())) {
        return true;
      }
    }
    return false;
  }

  private static boolean isServerError(@Nullable Long status) {
    return status != null && status >= 500;
  }

  /** Spans buffered now, over all fragments (spans held by their running roots aside). */
  public int bufferedSpans() {
    return bufferedSpans.get();
  }

  /** Fragments buffered now (spans held by their running roots aside). */
  public int bufferedTraces() {
    return bufferedTraces.get();
  }

  /** Exports the kept spans that wait in the export queue (undecided fragments stay). */
  @Override
  public CompletableResultCode forceFlush() {
    return pipeline.forceFlush();
  }

  /**
   * Stops the sweeper, decides every buffered fragment as if it expired, then flushes and stops the
   * export pipeline. Idempotent.
   */
  @Override
  public CompletableResultCode shutdown() {
    if (!shutdown.compareAndSet(false, true)) {
      return CompletableResultCode.ofSuccess();
    }
    if (sweeper != null) {
      sweeper.shutdownNow();
    }
    try {
      for (Map.Entry<String, Object> entry : fragments.entrySet()) {
        expire(entry.getKey(), entry.getValue());
      }
    } catch (RuntimeException e) {
      errors.accept(e);
    }
    return pipeline.shutdown();
  }

  /**
   * The spans of one local trace fragment, guarded by its own monitor. Most fragments hold one or
   * two spans when their root ends (a request with a child or two): the first is kept in a field,
   * and a list is made only for the second.
   */
  private static final class Fragment {
    final long createdNanos;
    private @Nullable Object first;
    private @Nullable ArrayList<Object> more;
    private int size;
    boolean error;
    boolean downstream;
    boolean decided;
    boolean keep;

    Fragment(long createdNanos) {
      this.createdNanos = createdNanos;
    }

    int size() {
      return size;
    }

    void add(Object span, boolean isError, boolean isDownstream) {
      if (decided) {
        throw new IllegalStateException("fragment already decided");
      }
      if (size == 0) {
        first = span;
      } else {
        if (more == null) {
          more = new ArrayList<>(4);
        }
        more.add(span);
      }
      size++;
      error |= isError;
      downstream |= isDownstream;
    }

    /**
     * Decides the fragment and empties it: answers its spans, first one first, when it is kept, and
     * none (nothing copied) when it is dropped.
     */
    List<Object> decide(boolean kept) {
      decided = true;
      keep = kept;
      List<Object> taken;
      if (!kept || size == 0) {
        taken = List.of();
      } else if (more == null) {
        taken = List.of(Objects.requireNonNull(first));
      } else {
        more.add(0, Objects.requireNonNull(first));
        taken = more;
      }
      first = null;
      more = null;
      size = 0;
      return taken;
    }
  }

  /**
   * Configures a {@link TailSamplingSpanProcessor}. Defaults match the module's configuration
   * defaults. Not thread-safe.
   */
  public static final class Builder {
    private final ExportPipeline pipeline;
    private final TracingMetrics metrics;
    private Consumer<Throwable> errors = e -> {};
    private Duration latencyThreshold = Duration.ofSeconds(1);
    private boolean respectParentSampled = true;
    private int maxBufferedTraces = 2048;
    private int maxSpansPerTrace = 1000;
    private int maxBufferedSpans = 10_000;
    private Duration fragmentTtl = Duration.ofSeconds(30);
    private int decisionCacheSize = 16_384;
    private Clock clock = Clock.getDefault();
    private boolean sweep = true;

    private Builder(ExportPipeline pipeline, TracingMetrics metrics) {
      this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
      this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** Receives failures caught on the recording path. */
    public Builder errors(Consumer<Throwable> errors) {
      this.errors = Objects.requireNonNull(errors, "errors");
      return this;
    }

    /** A root that lasts longer than this is kept. */
    public Builder latencyThreshold(Duration threshold) {
      this.latencyThreshold = Objects.requireNonNull(threshold, "threshold");
      return this;
    }

    /** Whether a sampled remote parent keeps the fragment. */
    public Builder respectParentSampled(boolean respect) {
      this.respectParentSampled = respect;
      return this;
    }

    /** Cap on buffered fragments. */
    public Builder maxBufferedTraces(int max) {
      this.maxBufferedTraces = positive(max);
      return this;
    }

    /** Cap on the spans of one fragment. */
    public Builder maxSpansPerTrace(int max) {
      this.maxSpansPerTrace = positive(max);
      return this;
    }

    /** Cap on buffered spans in all. */
    public Builder maxBufferedSpans(int max) {
      this.maxBufferedSpans = positive(max);
      return this;
    }

    /** How long a fragment waits for its root. */
    public Builder fragmentTtl(Duration ttl) {
      this.fragmentTtl = Objects.requireNonNull(ttl, "ttl");
      return this;
    }

    /** Decided trace ids remembered for late spans. */
    public Builder decisionCacheSize(int size) {
      this.decisionCacheSize = positive(size);
      return this;
    }

    /** The clock that stamps fragments, the same the tracer provider uses. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Whether a daemon thread expires fragments (off for tests that call {@link #sweep()}). */
    public Builder sweep(boolean sweep) {
      this.sweep = sweep;
      return this;
    }

    /** Builds the processor and starts its sweeper thread. */
    public TailSamplingSpanProcessor build() {
      return new TailSamplingSpanProcessor(this);
    }

    private static int positive(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("must be positive: " + value);
      }
      return value;
    }
  }
}
