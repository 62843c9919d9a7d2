package dev.observability.tracing.internal;

import org.jspecify.annotations.Nullable;

/**
 * Remembers recent keep/drop decisions by trace id, so that spans ending after their local root
 * follow the decision. Direct-mapped and fixed in size: a trace id lands in one slot (by its hash)
 * and a later decision that lands there replaces it, so memory is bounded and a write costs one
 * array store, without allocation.
 *
 * <p>Thread-safe without locks: slots hold immutable {@code String}s, and a racing reader sees
 * either the old or the new id; a lost or stale entry only means that a late span is decided on its
 * own (by error, else ratio), which is the documented fallback.
 */
public final class DecisionCache {

  /** No decision is remembered for the trace. */
  public static final int UNKNOWN = 0;

  /** The trace was kept. */
  public static final int KEPT = 1;

  /** The trace was dropped. */
  public static final int DROPPED = 2;

  /** Slot {@code s} holds the kept id at {@code 2s} and the dropped id at {@code 2s + 1}. */
  private final @Nullable String[] ids;

  private final @Nullable String[] errors;
  private final int mask;

  /** A cache of at least {@code size} slots (rounded up to a power of two). */
  public DecisionCache(int size) {
    int slots = Math.max(16, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
    this.ids = new String[slots * 2];
    this.errors = new String[slots];
    this.mask = slots - 1;
  }

  /** Number of slots. */
  public int capacity() {
    return errors.length;
  }

  /** Records the decision for {@code traceId}. */
  public void record(String traceId, boolean keep) {
    int kept = slot(traceId) << 1;
    int dropped = kept + 1;
    if (keep) {
      ids[kept] = traceId;
      if (traceId.equals(ids[dropped])) {
        ids[dropped] = null;
      }
    } else {
      ids[dropped] = traceId;
      if (traceId.equals(ids[kept])) {
        ids[kept] = null;
      }
    }
  }

  /** {@link #KEPT}, {@link #DROPPED} or {@link #UNKNOWN}. */
  public int lookup(String traceId) {
    int kept = slot(traceId) << 1;
    if (traceId.equals(ids[kept])) {
      return KEPT;
    }
    if (traceId.equals(ids[kept + 1])) {
      return DROPPED;
    }
    return UNKNOWN;
  }

  /**
   * Marks a trace that has an error span which could not be buffered (a cap was hit), so that its
   * local root, when it ends, is kept under the error policy.
   */
  public void markError(String traceId) {
    errors[slot(traceId)] = traceId;
  }

  /** Whether {@link #markError(String)} was called for {@code traceId} (and not overwritten). */
  public boolean hasErrorMark(String traceId) {
    return traceId.equals(errors[slot(traceId)]);
  }

  /**
   * The slot: the trace id's last 8 hex digits, which are random (W3C ids are random in their lower
   * part), so no hashing over all 32 characters is needed on the recording path.
   */
  private int slot(String traceId) {
    int length = traceId.length();
    if (length < 8) {
      return traceId.hashCode() & mask;
    }
    int value = 0;
    for (int i = length - 8; i < length; i++) {
      value = (value << 4) | (TraceIdRatio.hexDigit(traceId.charAt(i)) & 0x0f);
    }
    return (value ^ (value >>> 16)) & mask;
  }
}
