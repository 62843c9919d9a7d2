package dev.observability.tracing.internal;

import dev.observability.tracing.SamplingPolicy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.internal.AttributeUtil;
import io.opentelemetry.sdk.common.internal.AttributesMap;
import io.opentelemetry.sdk.common.internal.InstrumentationScopeUtil;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.ExceptionEventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A span of the tracing module's handler, started by {@link LightTracer}: it records what the
 * OpenTelemetry SDK's span records, with the SDK's rules (attribute, event and link limits; the
 * last value of an attribute wins; no change after the end; a status set to OK is final; a
 * description only with ERROR), in one object with its attributes in two small arrays (the keys'
 * array shared by the spans of one kind while they set the same keys in the same order), and
 * becomes {@link SpanData} only when {@link #toSpanData()} is called, which the tail sampler does
 * for kept fragments only.
 *
 * <p>To code that finds it current ({@code Span.current()}) it is an ordinary recording span, also
 * a {@link ReadWriteSpan}. Thread-safe: every method may be called from any thread; after {@link
 * #end()} it is immutable.
 */
public final class LightSpan implements ReadWriteSpan {

  private final LightTracer tracer;
  private final SpanContext context;
  private final SpanContext parent;
  private final SpanKind kind;

  /**
   * The trace's clock anchor, as the SDK keeps it per local root: epoch nanos are the clock's
   * {@code nanoTime()} plus this offset (the anchor's epoch nanos minus its {@code nanoTime()}).
   */
  private final long anchorOffsetNanos;

  private final long startEpochNanos;

  /**
   * The trace id's halves as the tail sampler's decision cache keys them ({@link
   * DecisionCache#high}, {@link DecisionCache#low}): read from the id once per trace in this
   * process, where its local root starts, instead of at each of the cache's look-ups as the span
   * ends.
   */
  private final long traceHigh;

  private final long traceLow;

  // Guarded by this.
  private String name;

  /**
   * The attribute keys: while {@link #sharedKeys}, a layout shared by every span of one kind (never
   * written; the keys set so far are its first {@link #size} but for holes, in its order), else
   * this span's own.
   */
  private AttributeKey<?>[] keys;

  /**
   * The attribute values; empty until the first attribute is set. A null value is a hole: a slot of
   * the shared layout whose key was not set before a later key of the layout was; it is skipped,
   * and its key, when set afterwards, goes after the others as in the SDK's map.
   */
  private Object[] values = NO_VALUES;

  /** Slots in use, holes included (a hole is always followed by a value). */
  private int size;

  private int totalAttributes;
  private @Nullable List<EventData> events;
  private int totalEvents;
  private @Nullable List<LinkData> links;
  private int totalLinks;
  private StatusData status = StatusData.unset();
  private boolean exceptionRecorded;
  private long endEpochNanos;
  private boolean ended;

  /**
   * Bit 0: a callee of this span kept the trace (set under the lock before the end). Bits 1 and up:
   * the ordinal + 1 of the policy that kept this span's fragment, when this span is a kept local
   * root (written by the tail sampler on the thread that ends the span, after the end, and read by
   * the handler on that thread after {@link #end()} returns). One byte, so that the span is no
   * larger than before these two facts were kept.
   */
  private byte outcome;

  /** Whether {@link #keys} is the shared layout, to be copied before the first write it differs. */
  private boolean sharedKeys;

  /**
   * This span's local root, when that is a light span of the same tracer and this span is not the
   * root itself: the tail sampler may leave this span with it once ended ({@link #hold}).
   */
  private final @Nullable LightSpan localRoot;

  /**
   * On a local root, the tail sampler's slot for one ended, clean span of its fragment, held here
   * until the root ends instead of in the sampler's buffer: null while free, then the span held,
   * then {@link #BUFFERED} once the fragment's spans go to the buffer, or {@link #ROOT_ENDED}.
   * Written through {@link #HELD} only.
   */
  @SuppressWarnings("unused")
  private volatile @Nullable Object held;

  private static final Object BUFFERED = new Object();
  private static final Object ROOT_ENDED = new Object();
  private static final VarHandle HELD;

  static {
    try {
      HELD = MethodHandles.lookup().findVarHandle(LightSpan.class, "held", Object.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final SamplingPolicy[] POLICIES = SamplingPolicy.values();

  private static final Object[] NO_VALUES = {};

  LightSpan(
      LightTracer tracer,
      SpanContext context,
      SpanContext parent,
      SpanKind kind,
      String name,
      long anchorOffsetNanos,
      long startEpochNanos,
      long traceHigh,
      long traceLow,
      AttributeKey<?>[] layout,
      @Nullable LightSpan localRoot) {
    this.tracer = tracer;
    this.context = context;
    this.parent = parent;
    this.kind = kind;
    this.name = name;
    this.anchorOffsetNanos = anchorOffsetNanos;
    this.startEpochNanos = startEpochNanos;
    this.traceHigh = traceHigh;
    this.traceLow = traceLow;
    this.keys = layout;
    this.sharedKeys = true;
    this.localRoot = localRoot;
  }

  long anchorOffsetNanos() {
    return anchorOffsetNanos;
  }

  /** The upper half of the trace id, as {@link DecisionCache#high} reads it. */
  long traceHigh() {
    return traceHigh;
  }

  /** The lower half of the trace id, as {@link DecisionCache#low} reads it. */
  long traceLow() {
    return traceLow;
  }

  /** The local root whose slot this span may be held in, or null (see {@link #localRoot}). */
  @Nullable LightSpan localRoot() {
    return localRoot;
  }

  /**
   * The local root to give a span that {@code childTracer} starts with this span as its parent:
   * this span when it is a local root (no parent, or a remote one), else its own local root; null
   * when the child's tracer is another one.
   */
  @Nullable LightSpan localRootOfChild(LightTracer childTracer) {
    if (childTracer != tracer) {
      return null;
    }
    return !parent.isValid() || parent.isRemote() ? this : localRoot;
  }

  /**
   * On a local root: holds {@code child}, an ended span of its fragment, until this root ends.
   *
   * @return false when the slot is taken, or closed ({@link #release}, {@link #takeHeld})
   */
  boolean hold(LightSpan child) {
    return HELD.compareAndSet(this, null, child);
  }

  /**
   * On a local root: closes its slot, so that the fragment's spans go to the sampler's buffer from
   * now on, and answers the span it held, which goes there first.
   *
   * @return the span held, or null
   */
  @Nullable LightSpan release() {
    for (; ; ) {
      Object h = held;
      if (h == BUFFERED || h == ROOT_ENDED) {
        return null;
      }
      if (HELD.compareAndSet(this, h, BUFFERED)) {
        return (LightSpan) h;
      }
    }
  }

  /**
   * On a local root that ends: closes its slot for good and answers the span it held.
   *
   * @return the span held, or null
   */
  @Nullable LightSpan takeHeld() {
    Object h = HELD.getAndSet(this, ROOT_ENDED);
    return h instanceof LightSpan span ? span : null;
  }

  /**
   * Sets an attribute while the span is not yet visible to any other thread (right after {@link
   * LightTracer#start}), without taking its lock.
   */
  public <T> LightSpan initAttribute(AttributeKey<T> key, @Nullable T value) {
    put(key, value);
    return this;
  }

  /** Puts as the SDK's attributes map does; the caller holds the lock or owns the span alone. */
  private void put(AttributeKey<?> key, @Nullable Object value) {
    if (key == null || key.getKey().isEmpty() || value == null) {
      return;
    }
    // A key the layout expects at the next slot or further on (the keys before it were not set: a
    // request without a user agent; those slots stay holes, and the layout stays shared). The
    // layout's names are distinct and every slot before `size` holds its own key or a hole, so such
    // a key is not set yet: no need to compare it with the others by name.
    int at = sharedKeys ? layoutSlot(key) : -1;
    if (at < 0) {
      String keyName = key.getKey();
      for (int i = 0; i < size; i++) {
        if (values[i] != null && keys[i].getKey().equals(keyName)) {
          setKey(i, key);
          values[i] = limited(value);
          return;
        }
      }
      at = size;
    }
    totalAttributes++;
    SpanLimits limits = tracer.limits();
    int max = limits.getMaxNumberOfAttributes();
    if (size >= max && size - holes() >= max) {
      return;
    }
    if (at >= values.length) {
      int length;
      if (values.length == 0) {
        length = Math.max(Math.max(2, keys.length), at + 1);
      } else {
        int grown = Math.min(at * 2, Math.max(at, max));
        length = Math.max(grown, at + 1);
      }
      values = Arrays.copyOf(values, length);
      if (keys.length < length) {
        keys = Arrays.copyOf(keys, length);
        sharedKeys = false;
      }
    }
    setKey(at, key);
    values[at] = limited(value);
    size = at + 1;
  }

  /** The slot from {@link #size} on where the shared layout holds {@code key}, else -1. */
  private int layoutSlot(AttributeKey<?> key) {
    AttributeKey<?>[] layout = keys;
    for (int i = size; i < layout.length; i++) {
      if (layout[i] == key) {
        return i;
      }
    }
    return -1;
  }

  /** The holes among the slots in use; counted only near the limit, where it matters. */
  private int holes() {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (values[i] == null) {
        n++;
      }
    }
    return n;
  }

  /** Stores {@code key} at {@code i}, copying the shared layout first when it holds another. */
  private void setKey(int i, AttributeKey<?> key) {
    if (sharedKeys) {
      if (keys[i] == key) {
        return;
      }
      keys = keys.clone();
      sharedKeys = false;
    }
    keys[i] = key;
  }

  private Object limited(Object value) {
    return AttributeUtil.applyAttributeLengthLimit(
        value, tracer.limits().getMaxAttributeValueLength());
  }

  @Override
  public <T> ReadWriteSpan setAttribute(AttributeKey<T> key, @Nullable T value) {
    synchronized (this) {
      if (!ended) {
        put(key, value);
      }
    }
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String name, Attributes attributes) {
    if (name == null) {
      return this;
    }
    Attributes given = attributes == null ? Attributes.empty() : attributes;
    addTimedEvent(
        EventData.create(
            now(), name, limitedAttributes(given, eventAttributeLimit()), given.size()));
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
    if (name == null || unit == null) {
      return this;
    }
    Attributes given = attributes == null ? Attributes.empty() : attributes;
    addTimedEvent(
        EventData.create(
            unit.toNanos(timestamp),
            name,
            limitedAttributes(given, eventAttributeLimit()),
            given.size()));
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String name) {
    if (name == null) {
      return this;
    }
    addTimedEvent(EventData.create(now(), name, Attributes.empty(), 0));
    return this;
  }

  @Override
  public ReadWriteSpan addEvent(String name, long timestamp, TimeUnit unit) {
    if (name == null || unit == null) {
      return this;
    }
    addTimedEvent(EventData.create(unit.toNanos(timestamp), name, Attributes.empty(), 0));
    return this;
  }

  private int eventAttributeLimit() {
    return tracer.limits().getMaxNumberOfAttributesPerEvent();
  }

  private Attributes limitedAttributes(Attributes attributes, int maxCount) {
    return AttributeUtil.applyAttributesLimit(
        attributes, maxCount, tracer.limits().getMaxAttributeValueLength());
  }

  private void addTimedEvent(EventData event) {
    synchronized (this) {
      if (ended) {
        return;
      }
      if (events == null) {
        events = new ArrayList<>();
      }
      if (events.size() < tracer.limits().getMaxNumberOfEvents()) {
        events.add(event);
      }
      totalEvents++;
      if (event instanceof ExceptionEventData) {
        exceptionRecorded = true;
      }
    }
  }

  @Override
  public ReadWriteSpan setStatus(StatusCode statusCode, @Nullable String description) {
    if (statusCode == null) {
      return this;
    }
    synchronized (this) {
      if (ended || status.getStatusCode() == StatusCode.OK || statusCode == StatusCode.UNSET) {
        return this;
      }
      status = StatusData.create(statusCode, statusCode == StatusCode.ERROR ? description : null);
    }
    return this;
  }

  @Override
  public ReadWriteSpan recordException(Throwable exception, Attributes additionalAttributes) {
    if (exception == null) {
      return this;
    }
    SpanLimits limits = tracer.limits();
    AttributesMap attributes =
        AttributesMap.create(
            limits.getMaxNumberOfAttributes(), limits.getMaxAttributeValueLength());
    tracer
        .exceptions()
        .setExceptionAttributes(
            attributes::putIfCapacity, exception, limits.getMaxAttributeValueLength());
    (additionalAttributes == null ? Attributes.empty() : additionalAttributes)
        .forEach(attributes::put);
    addTimedEvent(
        ExceptionEventData.create(now(), exception, attributes, attributes.getTotalAddedValues()));
    return this;
  }

  @Override
  public ReadWriteSpan updateName(String name) {
    if (name == null) {
      return this;
    }
    synchronized (this) {
      if (!ended) {
        this.name = name;
      }
    }
    return this;
  }

  @Override
  public Span addLink(SpanContext spanContext, Attributes attributes) {
    if (spanContext == null) {
      return this;
    }
    Attributes given = attributes == null ? Attributes.empty() : attributes;
    if (!spanContext.isValid() && given.isEmpty() && spanContext.getTraceState().isEmpty()) {
      return this;
    }
    SpanLimits limits = tracer.limits();
    LinkData link =
        LinkData.create(
            spanContext,
            limitedAttributes(given, limits.getMaxNumberOfAttributesPerLink()),
            given.size());
    synchronized (this) {
      if (ended) {
        return this;
      }
      if (links == null) {
        links = new ArrayList<>();
      }
      if (links.size() < limits.getMaxNumberOfLinks()) {
        links.add(link);
      }
      totalLinks++;
    }
    return this;
  }

  @Override
  public void end() {
    endAt(now());
  }

  @Override
  public void end(long timestamp, TimeUnit unit) {
    TimeUnit u = unit == null ? TimeUnit.NANOSECONDS : unit;
    endAt(timestamp == 0 ? now() : u.toNanos(timestamp));
  }

  /**
   * Ends the span at {@code endNanoTime}, a {@link System#nanoTime()} reading taken a moment before
   * (the stop stamp of the observation the span is for, at which the other handlers stop timing it
   * too). With a clock other than the system's, ends it now on that clock, as {@link #end()} does.
   */
  public void endAtNanoTime(long endNanoTime) {
    endAt(tracer.systemClock() ? anchorOffsetNanos + endNanoTime : now());
  }

  private void endAt(long epochNanos) {
    synchronized (this) {
      if (ended) {
        return;
      }
      endEpochNanos = epochNanos;
      ended = true;
    }
    tracer.ended(this);
  }

  private long now() {
    return tracer.now(anchorOffsetNanos);
  }

  @Override
  public SpanContext getSpanContext() {
    return context;
  }

  @Override
  public SpanContext getParentSpanContext() {
    return parent;
  }

  @Override
  public boolean isRecording() {
    synchronized (this) {
      return !ended;
    }
  }

  @Override
  public String getName() {
    synchronized (this) {
      return name;
    }
  }

  @Override
  public SpanKind getKind() {
    return kind;
  }

  @Override
  public boolean hasEnded() {
    synchronized (this) {
      return ended;
    }
  }

  @Override
  public long getLatencyNanos() {
    synchronized (this) {
      return (ended ? endEpochNanos : now()) - startEpochNanos;
    }
  }

  @Override
  public <T> @Nullable T getAttribute(AttributeKey<T> key) {
    synchronized (this) {
      return attribute(key);
    }
  }

  @SuppressWarnings("unchecked")
  private <T> @Nullable T attribute(AttributeKey<T> key) {
    for (int i = 0; i < size; i++) {
      if (values[i] != null && keys[i].getKey().equals(key.getKey())) {
        // As the SDK's map: a value stored under the same name with another type is not it.
        return keys[i].getType() == key.getType() ? (T) values[i] : null;
      }
    }
    return null;
  }

  @Override
  public Attributes getAttributes() {
    synchronized (this) {
      return attributes();
    }
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return tracer.scope();
  }

  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationScopeUtil.toInstrumentationLibraryInfo(tracer.scope());
  }

  /** Whether the span ended with status ERROR or recorded an exception event. Ended spans only. */
  boolean isError() {
    synchronized (this) {
      return endedError();
    }
  }

  // What the span recorded, read without its lock by a thread that has called end(): end() takes
  // the lock, so it sees every change made before the span ended, on any thread, and no change
  // follows the end (each change checks, under the lock, that the span has not ended). The tail
  // sampler decides the span on the thread that ended it, and the handler reads it after calling
  // end(); each lock left out is an atomic operation saved.

  /** {@link #isError()}, on a thread that has called {@link #end()}. */
  boolean endedError() {
    return status.getStatusCode() == StatusCode.ERROR || exceptionRecorded || hasExceptionEvent();
  }

  /** {@link #isDownstreamKept()}, on a thread that has called {@link #end()}. */
  boolean endedDownstreamKept() {
    return (outcome & 1) != 0;
  }

  /** {@link #longAttribute}, on a thread that has called {@link #end()}. */
  @Nullable Long endedLongAttribute(AttributeKey<Long> key) {
    return attribute(key);
  }

  /** {@link #endEpochNanos()}, on a thread that has called {@link #end()}. */
  long endedEpochNanos() {
    return endEpochNanos;
  }

  private boolean hasExceptionEvent() {
    List<EventData> list = events;
    if (list == null) {
      return false;
    }
    for (int i = 0; i < list.size(); i++) {
      if (TailSamplingSpanProcessor.EXCEPTION_EVENT.equals(list.get(i).getName())) {
        return true;
      }
    }
    return false;
  }

  /**
   * Notes that a callee of this span (a client span, or a span an outbound call was made in) kept
   * the trace, so that the tail sampler keeps this span's fragment with {@link
   * SamplingPolicy#DOWNSTREAM}.
   *
   * @return false when the span had ended already (the note has no effect then)
   */
  public boolean keepDownstream() {
    synchronized (this) {
      if (ended) {
        return false;
      }
      outcome |= 1;
      return true;
    }
  }

  /** Whether {@link #keepDownstream()} was called before the end. */
  boolean isDownstreamKept() {
    synchronized (this) {
      return (outcome & 1) != 0;
    }
  }

  /** Records the policy that kept this local root; called by the tail sampler after the end. */
  void kept(SamplingPolicy policy) {
    synchronized (this) {
      outcome = (byte) ((outcome & 1) | ((policy.ordinal() + 1) << 1));
    }
  }

  /**
   * The policy that kept this local root's fragment, or null when it was dropped, is not a root, or
   * nothing is exported. Meaningful on the thread that ended the span, after {@link #end()}.
   */
  @Nullable SamplingPolicy keptPolicy() {
    int policy = (outcome >> 1) & 0x7f;
    return policy == 0 ? null : POLICIES[policy - 1];
  }

  /** The value of a long attribute, or null; for the sampler's look at the status code. */
  @Nullable Long longAttribute(AttributeKey<Long> key) {
    return getAttribute(key);
  }

  long startEpochNanos() {
    return startEpochNanos;
  }

  long endEpochNanos() {
    synchronized (this) {
      return endEpochNanos;
    }
  }

  /** The attributes in the order they were first set, as the SDK's map gives them. */
  private Attributes attributes() {
    if (size == 0) {
      return Attributes.empty();
    }
    SpanLimits limits = tracer.limits();
    AttributesMap map =
        AttributesMap.create(
            limits.getMaxNumberOfAttributes(), limits.getMaxAttributeValueLength());
    for (int i = 0; i < size; i++) {
      Object value = values[i];
      if (value != null) {
        map.put(keys[i], value);
      }
    }
    return map;
  }

  @Override
  public SpanData toSpanData() {
    synchronized (this) {
      return new Data(
          this,
          name,
          attributes(),
          totalAttributes,
          events == null
              ? Collections.emptyList()
              : Collections.unmodifiableList(new ArrayList<>(events)),
          totalEvents,
          links == null
              ? Collections.emptyList()
              : Collections.unmodifiableList(new ArrayList<>(links)),
          totalLinks,
          status,
          endEpochNanos,
          ended);
    }
  }

  @Override
  public String toString() {
    synchronized (this) {
      return "LightSpan{traceId="
          + context.getTraceId()
          + ", spanId="
          + context.getSpanId()
          + ", parentSpanContext="
          + parent
          + ", name="
          + name
          + ", kind="
          + kind
          + ", status="
          + status
          + ", startEpochNanos="
          + startEpochNanos
          + ", endEpochNanos="
          + endEpochNanos
          + "}";
    }
  }

  /** The span as exported. Immutable. */
  private static final class Data implements SpanData {
    private final LightSpan span;
    private final String name;
    private final Attributes attributes;
    private final int totalAttributes;
    private final List<EventData> events;
    private final int totalEvents;
    private final List<LinkData> links;
    private final int totalLinks;
    private final StatusData status;
    private final long endEpochNanos;
    private final boolean ended;

    Data(
        LightSpan span,
        String name,
        Attributes attributes,
        int totalAttributes,
        List<EventData> events,
        int totalEvents,
        List<LinkData> links,
        int totalLinks,
        StatusData status,
        long endEpochNanos,
        boolean ended) {
      this.span = span;
      this.name = name;
      this.attributes = attributes;
      this.totalAttributes = totalAttributes;
      this.events = events;
      this.totalEvents = totalEvents;
      this.links = links;
      this.totalLinks = totalLinks;
      this.status = status;
      this.endEpochNanos = endEpochNanos;
      this.ended = ended;
    }

    @Override
    public String getName() {
      return name;
    }

    @Override
    public SpanKind getKind() {
      return span.kind;
    }

    @Override
    public SpanContext getSpanContext() {
      return span.context;
    }

    @Override
    public SpanContext getParentSpanContext() {
      return span.parent;
    }

    @Override
    public StatusData getStatus() {
      return status;
    }

    @Override
    public long getStartEpochNanos() {
      return span.startEpochNanos;
    }

    @Override
    public Attributes getAttributes() {
      return attributes;
    }

    @Override
    public List<EventData> getEvents() {
      return events;
    }

    @Override
    public List<LinkData> getLinks() {
      return links;
    }

    @Override
    public long getEndEpochNanos() {
      return endEpochNanos;
    }

    @Override
    public boolean hasEnded() {
      return ended;
    }

    @Override
    public int getTotalRecordedEvents() {
      return totalEvents;
    }

    @Override
    public int getTotalRecordedLinks() {
      return totalLinks;
    }

    @Override
    public int getTotalAttributeCount() {
      return totalAttributes;
    }

    @Override
    @Deprecated
    public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
      return InstrumentationScopeUtil.toInstrumentationLibraryInfo(span.tracer.scope());
    }

    @Override
    public InstrumentationScopeInfo getInstrumentationScopeInfo() {
      return span.tracer.scope();
    }

    @Override
    public Resource getResource() {
      return span.tracer.resource();
    }

    @Override
    public String toString() {
      return "SpanData{name="
          + name
          + ", spanContext="
          + span.context
          + ", parentSpanContext="
          + span.parent
          + ", kind="
          + span.kind
          + ", status="
          + status
          + ", attributes="
          + attributes
          + ", events="
          + events
          + "}";
    }
  }
}
