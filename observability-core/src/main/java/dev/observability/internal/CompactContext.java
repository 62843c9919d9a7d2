package dev.observability.internal;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * An {@link Observation.Context} that keeps its first eight entries ({@link #put}, {@link
 * #computeIfAbsent}) in one small array (room for four at first, then for eight) instead of
 * Micrometer's concurrent hash map, whose table and nodes the modules' handlers would otherwise
 * allocate on every observation (each handler keeps one or two entries of state per observation).
 * Further entries go to the map. Behaves as the map does: null values are refused, {@code
 * computeIfAbsent} inserts nothing for a null result, and every method is safe from any thread
 * (reads take no lock; writes are serialised on the context).
 *
 * <p>The SDK's own observation stamps the context with its start time ({@link #startNanos()})
 * before the handlers' {@code onStart}, and with its stop time ({@link #stopNanos()}) before their
 * {@code onStop}, so that the handlers that time it (the span, the access line, the request and
 * operation timers) share one reading of the clock at each end instead of taking one each, and
 * report the same duration.
 *
 * <p>The base of the SDK's contexts ({@code HttpServerObservationContext}, {@code
 * HttpClientObservationContext}, {@code MethodObservationContext}) and of those {@code
 * Observability.observe(...)} creates. Not public API: subclass the public contexts instead.
 */
public class CompactContext extends Observation.Context {

  private static final int SLOTS = 8;

  /**
   * Slots of the first array: an observation holds two or three entries (the span and its state,
   * and a request's in-flight mark), four when its trace is kept; failures add more, and the array
   * grows once, to eight.
   */
  private static final int FIRST_SLOTS = 4;

  private static final Object REMOVED = new Object();
  private static final VarHandle VALUES = MethodHandles.arrayElementVarHandle(Object[].class);

  /** Bits of {@link #stamps}: the SDK's observation started the context, and stopped it. */
  private static final byte STARTED = 1;

  private static final byte STOPPED = 2;

  /** Keys at even indexes, values at odd ones; written under the lock, read without it. */
  private volatile Object @Nullable [] entries;

  /**
   * Entries published in {@link #entries}, at most {@link #SLOTS}; written after their key and
   * value. A byte, as the flags below, to keep the context small.
   */
  private volatile byte count;

  /** Whether Micrometer's map may hold entries (once the slots ran out). */
  private volatile boolean overflow;

  /**
   * Whether a key value, of either cardinality, was ever added: until then the getters answer empty
   * without Micrometer's maps, whose views and iterators a reader would allocate on every
   * observation (most carry no key values of their own).
   */
  private volatile boolean hasKeyValues;

  /**
   * {@link System#nanoTime()} when the SDK's observation last started this context; meaningful only
   * while {@link #STARTED} is set. Written on the starting thread before the handlers' {@code
   * onStart}; a stop on another thread reads it through the same hand-off that brings it the
   * context.
   */
  private long startNanos;

  /**
   * {@link System#nanoTime()} when the SDK's observation last stopped this context; meaningful only
   * while {@link #STOPPED} is set. Written on the stopping thread before the handlers' {@code
   * onStop}.
   */
  private long stopNanos;

  /** {@link #STARTED} and {@link #STOPPED}, as the SDK's observation stamped this context. */
  private byte stamps;

  /** Creates an empty context. */
  public CompactContext() {}

  /** Stamps the start of the observation; called by the SDK's observation only. */
  final void markStarted(long nanoTime) {
    startNanos = nanoTime;
    stamps = STARTED;
  }

  /** Stamps the stop of an observation it started; called by the SDK's observation only. */
  final void markStopped(long nanoTime) {
    if ((stamps & STARTED) != 0) {
      stopNanos = nanoTime;
      stamps = STARTED | STOPPED;
    }
  }

  /**
   * Whether the SDK's observation started this context, so that {@link #startNanos()} holds its
   * start time. False for a context started by Micrometer's own observation (a registry the host
   * configured itself): handlers then keep their own start time.
   */
  public final boolean isStarted() {
    return (stamps & STARTED) != 0;
  }

  /**
   * The {@link System#nanoTime()} at which the SDK's observation started this context, read before
   * any handler's {@code onStart}; only meaningful when {@link #isStarted()}.
   */
  public final long startNanos() {
    return startNanos;
  }

  /**
   * Whether the SDK's observation stopped this context after starting it, so that {@link
   * #stopNanos()} holds its stop time. False until the stop, and for a context the SDK's
   * observation did not start.
   */
  public final boolean isStopped() {
    return (stamps & STOPPED) != 0;
  }

  /**
   * The {@link System#nanoTime()} at which the SDK's observation stopped this context, read before
   * any handler's {@code onStop}; only meaningful when {@link #isStopped()}.
   */
  public final long stopNanos() {
    return stopNanos;
  }

  /**
   * {@link #stopNanos()} once the SDK's observation stopped this context, else {@link
   * System#nanoTime()} now: where a handler stops timing it.
   */
  public final long stopNanosOrNow() {
    return isStopped() ? stopNanos : System.nanoTime();
  }

  /**
   * The slot of {@code key} in {@code e} among the first {@code n}, or -1. A reader may pair the
   * array from before a growth with the count after it: only the slots that array has are read.
   */
  private static int slotOf(Object[] e, int n, Object key) {
    int slots = Math.min(n, e.length >> 1);
    // The handlers' keys are constants (string literals, classes): found by identity, without
    // calling equals on every slot passed, a call that sees every key type there is.
    for (int i = 0; i < slots; i++) {
      if (e[i << 1] == key) {
        return i;
      }
    }
    // Then by equality, as Micrometer's map looks a key up (key.equals(stored)). A class equals
    // only itself; a string is compared as one.
    if (key instanceof Class) {
      return -1;
    }
    if (key instanceof String) {
      String name = (String) key;
      for (int i = 0; i < slots; i++) {
        if (name.equals(e[i << 1])) {
          return i;
        }
      }
      return -1;
    }
    for (int i = 0; i < slots; i++) {
      if (key.equals(e[i << 1])) {
        return i;
      }
    }
    return -1;
  }

  /** The value held inline for {@code key}, or null (also when removed, or held in the map). */
  private @Nullable Object inline(Object key) {
    Object[] e = entries;
    if (e == null) {
      return null;
    }
    int slot = slotOf(e, count, key);
    if (slot < 0) {
      return null;
    }
    Object value = VALUES.getVolatile(e, (slot << 1) + 1);
    return value == REMOVED ? null : value;
  }

  /** Whether {@code key} has a slot (live or removed); the map is then not consulted. */
  private boolean hasSlot(Object key) {
    Object[] e = entries;
    return e != null && slotOf(e, count, key) >= 0;
  }

  @Override
  public <T> Observation.Context put(Object key, T object) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(object, "object");
    synchronized (this) {
      if (putInline(key, object)) {
        return this;
      }
    }
    return super.put(key, object);
  }

  /** Stores inline when the key has a slot or one is free; false when the map must take it. */
  private boolean putInline(Object key, Object value) {
    Object[] e = entries;
    int n = count;
    if (e != null) {
      int slot = slotOf(e, n, key);
      if (slot >= 0) {
        VALUES.setVolatile(e, (slot << 1) + 1, value);
        return true;
      }
    }
    if (overflow || n == SLOTS) {
      overflow = true;
      return false;
    }
    if (e == null) {
      e = new Object[FIRST_SLOTS << 1];
      entries = e;
    } else if (n << 1 == e.length) {
      // Copied whole, then published: a reader sees either array with the same first entries.
      e = Arrays.copyOf(e, SLOTS << 1);
      entries = e;
    }
    e[n << 1] = key;
    VALUES.setVolatile(e, (n << 1) + 1, value);
    count = (byte) (n + 1);
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T get(Object key) {
    Object value = inline(key);
    if (value != null) {
      return (T) value;
    }
    return overflow && !hasSlot(key) ? super.get(key) : null;
  }

  @Override
  public @Nullable Object remove(Object key) {
    synchronized (this) {
      Object[] e = entries;
      if (e != null) {
        int slot = slotOf(e, count, key);
        if (slot >= 0) {
          Object old = VALUES.getVolatile(e, (slot << 1) + 1);
          VALUES.setVolatile(e, (slot << 1) + 1, REMOVED);
          return old == REMOVED ? null : old;
        }
      }
    }
    return overflow ? super.remove(key) : null;
  }

  @Override
  public <T> T getRequired(Object key) {
    T value = get(key);
    if (value == null) {
      throw new IllegalArgumentException("Context does not have an entry for key [" + key + "]");
    }
    return value;
  }

  @Override
  public boolean containsKey(Object key) {
    if (inline(key) != null) {
      return true;
    }
    return overflow && !hasSlot(key) && super.containsKey(key);
  }

  @Override
  public <T> T getOrDefault(Object key, T defaultObject) {
    T value = get(key);
    return value != null ? value : defaultObject;
  }

  @Override
  @SuppressWarnings("unchecked")
  public <T> @Nullable T computeIfAbsent(
      Object key, Function<Object, ? extends T> mappingFunction) {
    Object present = inline(key);
    if (present != null) {
      return (T) present;
    }
    synchronized (this) {
      present = inline(key);
      if (present != null) {
        return (T) present;
      }
      if (!overflow || hasSlot(key)) {
        T computed = mappingFunction.apply(key);
        if (computed == null) {
          return null;
        }
        if (putInline(key, computed)) {
          return computed;
        }
        super.put(key, computed);
        return computed;
      }
    }
    return super.computeIfAbsent(key, mappingFunction);
  }

  @Override
  public Observation.Context addLowCardinalityKeyValue(KeyValue keyValue) {
    hasKeyValues = true;
    return super.addLowCardinalityKeyValue(keyValue);
  }

  @Override
  public Observation.Context addHighCardinalityKeyValue(KeyValue keyValue) {
    hasKeyValues = true;
    return super.addHighCardinalityKeyValue(keyValue);
  }

  @Override
  public Observation.Context addLowCardinalityKeyValues(KeyValues keyValues) {
    hasKeyValues = true;
    return super.addLowCardinalityKeyValues(keyValues);
  }

  @Override
  public Observation.Context addHighCardinalityKeyValues(KeyValues keyValues) {
    hasKeyValues = true;
    return super.addHighCardinalityKeyValues(keyValues);
  }

  @Override
  public KeyValues getLowCardinalityKeyValues() {
    return hasKeyValues ? super.getLowCardinalityKeyValues() : KeyValues.empty();
  }

  @Override
  public KeyValues getHighCardinalityKeyValues() {
    return hasKeyValues ? super.getHighCardinalityKeyValues() : KeyValues.empty();
  }

  @Override
  public @Nullable KeyValue getLowCardinalityKeyValue(String key) {
    return hasKeyValues ? super.getLowCardinalityKeyValue(key) : null;
  }

  @Override
  public @Nullable KeyValue getHighCardinalityKeyValue(String key) {
    return hasKeyValues ? super.getHighCardinalityKeyValue(key) : null;
  }

  @Override
  public KeyValues getAllKeyValues() {
    return hasKeyValues ? super.getAllKeyValues() : KeyValues.empty();
  }

  @Override
  public void clear() {
    synchronized (this) {
      entries = null;
      count = 0;
      overflow = false;
    }
    super.clear();
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(super.toString());
    Object[] e = entries;
    int n = e == null ? 0 : Math.min(count, e.length >> 1);
    text.append(", entries=[");
    boolean first = true;
    for (int i = 0; e != null && i < n; i++) {
      Object value = VALUES.getVolatile(e, (i << 1) + 1);
      if (value != REMOVED) {
        text.append(first ? "" : ", ").append(e[i << 1]).append("='").append(value).append('\'');
        first = false;
      }
    }
    return text.append(']').toString();
  }
}
