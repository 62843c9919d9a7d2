package dev.observability.tracing.internal;

/**
 * Remembers recent keep/drop decisions by trace id, so that spans ending after their local root
 * follow the decision. Direct-mapped and fixed in size: a trace id lands in one slot (by its low
 * bits) and a later decision that lands there replaces it, so memory is bounded and a write costs
 * two array stores, without allocation.
 *
 * <p>Ids are held as their 128 bits, two {@code long}s in one primitive array, not as the {@code
 * String}s the spans carry: the cache is written for every trace, and a table of references would
 * keep the last 16,384 traces' id strings alive through young collections (copied at every one, 1.2
 * MB in the overhead benchmark) and dirty the table's cards for the collector to scan. An id that
 * is not 32 hex digits, or is all zeros (both invalid in W3C Trace Context), is never remembered:
 * its lookups answer {@link #UNKNOWN}.
 *
 * <p>Thread-safe without locks. A reader racing a write of the same slot may see one half of the
 * old id and one half of the new; it then matches neither its own id nor anything else unless the
 * two ids share 64 bits, so the race costs at most a lookup that answers {@link #UNKNOWN}. A lost
 * or stale entry only means that a late span is decided on its own (by error, else ratio), which is
 * the documented fallback.
 */
public final class DecisionCache {

  /** No decision is remembered for the trace. */
  public static final int UNKNOWN = 0;

  /** The trace was kept. */
  public static final int KEPT = 1;

  /** The trace was dropped. */
  public static final int DROPPED = 2;

  // Offsets of the entries in a slot of the decisions and of the marks, each entry being an id's
  // high and low 64 bits. An empty entry is zero, an id that is never remembered.
  private static final int KEPT_ENTRY = 0;
  private static final int DROPPED_ENTRY = 2;
  private static final int DECISION_STRIDE = 4;
  private static final int ERROR_MARK = 0;
  private static final int DECIDED_ERROR_MARK = 2;
  private static final int DOWNSTREAM_MARK = 4;
  private static final int MARK_STRIDE = 6;

  /** Per slot: the kept id, then the dropped id. */
  private final long[] decisions;

  /** Per slot: the error mark, the decided-error mark and the downstream mark. */
  private final long[] marks;

  private final int mask;

  /** A cache of at least {@code size} slots (rounded up to a power of two). */
  public DecisionCache(int size) {
    int slots = Math.max(16, Integer.highestOneBit(Math.max(1, size - 1)) << 1);
    this.decisions = new long[slots * DECISION_STRIDE];
    this.marks = new long[slots * MARK_STRIDE];
    this.mask = slots - 1;
  }

  /** Number of slots. */
  public int capacity() {
    return mask + 1;
  }

  /** Records the decision for {@code traceId}. */
  public void record(String traceId, boolean keep) {
    record(high(traceId), low(traceId), keep);
  }

  /** Records the decision for the trace id of these halves ({@link #high}, {@link #low}). */
  public void record(long high, long low, boolean keep) {
    if (!valid(high, low)) {
      return;
    }
    int slot = slot(low) * DECISION_STRIDE;
    int mine = slot + (keep ? KEPT_ENTRY : DROPPED_ENTRY);
    int other = slot + (keep ? DROPPED_ENTRY : KEPT_ENTRY);
    decisions[mine] = high;
    decisions[mine + 1] = low;
    if (holds(decisions, other, high, low)) {
      decisions[other] = 0;
      decisions[other + 1] = 0;
    }
  }

  /** {@link #KEPT}, {@link #DROPPED} or {@link #UNKNOWN}. */
  public int lookup(String traceId) {
    return lookup(high(traceId), low(traceId));
  }

  /** As {@link #lookup(String)}, for the trace id of these halves. */
  public int lookup(long high, long low) {
    if (!valid(high, low)) {
      return UNKNOWN;
    }
    int slot = slot(low) * DECISION_STRIDE;
    if (holds(decisions, slot + KEPT_ENTRY, high, low)) {
      return KEPT;
    }
    if (holds(decisions, slot + DROPPED_ENTRY, high, low)) {
      return DROPPED;
    }
    return UNKNOWN;
  }

  /**
   * Marks a trace that has an error span which could not be buffered (a cap was hit), so that its
   * local root, when it ends, is kept under the error policy.
   */
  public void markError(String traceId) {
    mark(high(traceId), low(traceId), ERROR_MARK);
  }

  /** As {@link #markError(String)}, for the trace id of these halves. */
  public void markError(long high, long low) {
    mark(high, low, ERROR_MARK);
  }

  /** Whether {@link #markError(String)} was called for {@code traceId} (and not overwritten). */
  public boolean hasErrorMark(String traceId) {
    return hasMark(high(traceId), low(traceId), ERROR_MARK);
  }

  /** As {@link #hasErrorMark(String)}, for the trace id of these halves. */
  public boolean hasErrorMark(long high, long low) {
    return hasMark(high, low, ERROR_MARK);
  }

  /**
   * Marks a trace whose fragment, decided by one local root, held an error: another local root of
   * the trace in this process (its spans are buffered by trace id alike) is kept as an error when
   * it ends. Kept apart from {@link #markError} so that these marks never overwrite those.
   */
  public void markDecidedError(String traceId) {
    mark(high(traceId), low(traceId), DECIDED_ERROR_MARK);
  }

  /** As {@link #markDecidedError(String)}, for the trace id of these halves. */
  public void markDecidedError(long high, long low) {
    mark(high, low, DECIDED_ERROR_MARK);
  }

  /** Whether {@link #markDecidedError(String)} was called for {@code traceId} (not overwritten). */
  public boolean hasDecidedErrorMark(String traceId) {
    return hasMark(high(traceId), low(traceId), DECIDED_ERROR_MARK);
  }

  /** As {@link #hasDecidedErrorMark(String)}, for the trace id of these halves. */
  public boolean hasDecidedErrorMark(long high, long low) {
    return hasMark(high, low, DECIDED_ERROR_MARK);
  }

  /**
   * Marks a trace whose callee kept it while its local root in this process has not decided yet (or
   * decided already, for another local root of the same trace), so that the root, when it ends, is
   * kept under the downstream policy.
   */
  public void markDownstream(String traceId) {
    mark(high(traceId), low(traceId), DOWNSTREAM_MARK);
  }

  /** As {@link #markDownstream(String)}, for the trace id of these halves. */
  public void markDownstream(long high, long low) {
    mark(high, low, DOWNSTREAM_MARK);
  }

  /**
   * Whether {@link #markDownstream(String)} was called for {@code traceId} (and not overwritten).
   */
  public boolean hasDownstreamMark(String traceId) {
    return hasMark(high(traceId), low(traceId), DOWNSTREAM_MARK);
  }

  /** As {@link #hasDownstreamMark(String)}, for the trace id of these halves. */
  public boolean hasDownstreamMark(long high, long low) {
    return hasMark(high, low, DOWNSTREAM_MARK);
  }

  private void mark(long high, long low, int which) {
    if (valid(high, low)) {
      int entry = slot(low) * MARK_STRIDE + which;
      marks[entry] = high;
      marks[entry + 1] = low;
    }
  }

  private boolean hasMark(long high, long low, int which) {
    return valid(high, low) && holds(marks, slot(low) * MARK_STRIDE + which, high, low);
  }

  private static boolean holds(long[] table, int entry, long high, long low) {
    return table[entry + 1] == low && table[entry] == high;
  }

  /**
   * Whether the halves make an id that can be remembered: 32 hex digits and not all zeros. A half
   * of sixteen {@code f}s reads as {@link TraceIdRatio#NOT_HEX} too, so an id with one is not
   * remembered: a lookup that answers {@link #UNKNOWN}, the cache's fallback, for one id in 2^64.
   */
  private static boolean valid(long high, long low) {
    return (high | low) != 0 && high != TraceIdRatio.NOT_HEX && low != TraceIdRatio.NOT_HEX;
  }

  /**
   * The upper 64 bits of a trace id as the cache keys it: {@link TraceIdRatio#NOT_HEX} for an id
   * that is not 32 hex digits. A span reads its trace id's halves once and passes them to every
   * operation its end takes, instead of the id.
   */
  public static long high(String traceId) {
    return TraceIdRatio.half(traceId, 0);
  }

  /** The lower 64 bits of a trace id as the cache keys it; see {@link #high}. */
  public static long low(String traceId) {
    return TraceIdRatio.half(traceId, 16);
  }

  /** The slot of an id, from its low bits (W3C ids are random in their lower part). */
  private int slot(long low) {
    int bits = (int) low;
    return (bits ^ (bits >>> 16)) & mask;
  }
}
