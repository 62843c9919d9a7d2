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

  /**
   * Per entry of {@link #ids}, the {@link #tag} of the id stored there: a lookup compares it first
   * and reads the stored string (two more cache misses on a large cache) only when it matches.
   * Written after the id; a reader that sees the two out of step treats the entry as absent.
   */
  private final int[] tags;

  private final @Nullable String[] errors;
  private final @Nullable String[] decidedErrors;
  private final @Nullable String[] downstream;
  private final int mask;

  /** A cache of at least {@code size} slots (rounded up to a power of two). */
  public DecisionCache(int size) {
    int slots = Math.max(16, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
    this.ids = new String[slots * 2];
    this.tags = new int[slots * 2];
    this.errors = new String[slots];
    this.decidedErrors = new String[slots];
    this.downstream = new String[slots];
    this.mask = slots - 1;
  }

  /** Number of slots. */
  public int capacity() {
    return errors.length;
  }

  /** Records the decision for {@code traceId}. */
  public void record(String traceId, boolean keep) {
    int tag = tag(traceId);
    int kept = slot(tag) << 1;
    int dropped = kept + 1;
    if (keep) {
      ids[kept] = traceId;
      tags[kept] = tag;
      if (matches(dropped, traceId, tag)) {
        ids[dropped] = null;
      }
    } else {
      ids[dropped] = traceId;
      tags[dropped] = tag;
      if (matches(kept, traceId, tag)) {
        ids[kept] = null;
      }
    }
  }

  /** {@link #KEPT}, {@link #DROPPED} or {@link #UNKNOWN}. */
  public int lookup(String traceId) {
    int tag = tag(traceId);
    int kept = slot(tag) << 1;
    if (matches(kept, traceId, tag)) {
      return KEPT;
    }
    if (matches(kept + 1, traceId, tag)) {
      return DROPPED;
    }
    return UNKNOWN;
  }

  private boolean matches(int entry, String traceId, int tag) {
    return tags[entry] == tag && traceId.equals(ids[entry]);
  }

  /**
   * Marks a trace that has an error span which could not be buffered (a cap was hit), so that its
   * local root, when it ends, is kept under the error policy.
   */
  public void markError(String traceId) {
    errors[slot(tag(traceId))] = traceId;
  }

  /** Whether {@link #markError(String)} was called for {@code traceId} (and not overwritten). */
  public boolean hasErrorMark(String traceId) {
    return traceId.equals(errors[slot(tag(traceId))]);
  }

  /**
   * Marks a trace whose fragment, decided by one local root, held an error: another local root of
   * the trace in this process (its spans are buffered by trace id alike) is kept as an error when
   * it ends. Kept apart from {@link #markError} so that these marks never overwrite those.
   */
  public void markDecidedError(String traceId) {
    decidedErrors[slot(tag(traceId))] = traceId;
  }

  /** Whether {@link #markDecidedError(String)} was called for {@code traceId} (not overwritten). */
  public boolean hasDecidedErrorMark(String traceId) {
    return traceId.equals(decidedErrors[slot(tag(traceId))]);
  }

  /**
   * Marks a trace whose callee kept it while its local root in this process has not decided yet (or
   * decided already, for another local root of the same trace), so that the root, when it ends, is
   * kept under the downstream policy.
   */
  public void markDownstream(String traceId) {
    downstream[slot(tag(traceId))] = traceId;
  }

  /**
   * Whether {@link #markDownstream(String)} was called for {@code traceId} (and not overwritten).
   */
  public boolean hasDownstreamMark(String traceId) {
    return traceId.equals(downstream[slot(tag(traceId))]);
  }

  /**
   * The tag: the trace id's last 8 hex digits, which are random (W3C ids are random in their lower
   * part), so no hashing over all 32 characters is needed on the recording path.
   */
  private static int tag(String traceId) {
    int length = traceId.length();
    if (length < 8) {
      return traceId.hashCode();
    }
    int value = 0;
    for (int i = length - 8; i < length; i++) {
      value = (value << 4) | (TraceIdRatio.hexDigit(traceId.charAt(i)) & 0x0f);
    }
    return value;
  }

  /** The slot of a tag. */
  private int slot(int tag) {
    return (tag ^ (tag >>> 16)) & mask;
  }
}
