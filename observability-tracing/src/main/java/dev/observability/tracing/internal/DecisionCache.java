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

  private final @Nullable String[] kept;
  private final @Nullable String[] dropped;
  private final @Nullable String[] errors;
  private final int mask;

  /** A cache of at least {@code size} slots (rounded up to a power of two). */
  public DecisionCache(int size) {
    int slots = Math.max(16, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
    this.kept = new String[slots];
    this.dropped = new String[slots];
    this.errors = new String[slots];
    this.mask = slots - 1;
  }

  /** Number of slots. */
  public int capacity() {
    return kept.length;
  }

  /** Records the decision for {@code traceId}. */
  public void record(String traceId, boolean keep) {
    int slot = slot(traceId);
    if (keep) {
      kept[slot] = traceId;
      if (traceId.equals(dropped[slot])) {
        dropped[slot] = null;
      }
    } else {
      dropped[slot] = traceId;
      if (traceId.equals(kept[slot])) {
        kept[slot] = null;
      }
    }
  }

  /** {@link #KEPT}, {@link #DROPPED} or {@link #UNKNOWN}. */
  public int lookup(String traceId) {
    int slot = slot(traceId);
    if (traceId.equals(kept[slot])) {
      return KEPT;
    }
    if (traceId.equals(dropped[slot])) {
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

  private int slot(String traceId) {
    int h = traceId.hashCode();
    return (h ^ (h >>> 16)) & mask;
  }
}
