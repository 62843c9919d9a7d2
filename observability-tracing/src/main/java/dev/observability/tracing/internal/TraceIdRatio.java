package dev.observability.tracing.internal;

/**
 * The ratio decision from the trace id alone, computed exactly as OpenTelemetry's {@code
 * TraceIdRatioBasedSampler} does (the trace id's lower 8 bytes, as a signed long, against {@code
 * ratio * Long.MAX_VALUE}), so that every service of a trace, ours or any OpenTelemetry SDK with
 * the same ratio, keeps or drops it alike.
 *
 * <p>Immutable and thread-safe; allocation-free.
 */
public final class TraceIdRatio {

  /** What {@link #half} answers for an id that is not 32 hex digits. */
  static final long NOT_HEX = -1L;

  private final double ratio;
  private final long idUpperBound;

  /** A decision that keeps {@code ratio} (in [0, 1]) of trace ids. */
  public TraceIdRatio(double ratio) {
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("ratio must be between 0 and 1: " + ratio);
    }
    this.ratio = ratio;
    if (ratio == 0.0) {
      this.idUpperBound = Long.MIN_VALUE;
    } else if (ratio == 1.0) {
      this.idUpperBound = Long.MAX_VALUE;
    } else {
      this.idUpperBound = (long) (ratio * Long.MAX_VALUE);
    }
  }

  /** The configured ratio. */
  public double ratio() {
    return ratio;
  }

  /** Whether a trace with this (32 lower-case hex digits) id falls within the ratio. */
  public boolean keeps(String traceId) {
    return keepsLow(half(traceId, 16));
  }

  /**
   * As {@link #keeps(String)}, from the id's lower half as {@link #half} reads it ({@link #NOT_HEX}
   * for an id that is not 32 hex digits).
   */
  boolean keepsLow(long low) {
    // An id that is not 32 hex digits reads as -1: kept at every ratio from about 2.2e-19 up.
    return Math.abs(low) < idUpperBound;
  }

  /**
   * Sixteen hex digits of a 32-digit trace id as a long: {@code from} 0 gives the upper half, 16
   * the lower, random half (the one the ratio reads). {@link #NOT_HEX} for an id that is not 32 hex
   * digits; a valid half of sixteen {@code f}s is the same value.
   */
  static long half(String traceId, int from) {
    if (traceId.length() != 32) {
      return NOT_HEX;
    }
    long value = 0;
    int bad = 0;
    for (int i = from; i < from + 16; i++) {
      int digit = hexDigit(traceId.charAt(i));
      bad |= digit;
      value = (value << 4) | (digit & 0x0f);
    }
    return bad < 0 ? NOT_HEX : value;
  }

  // A table rather than comparisons: trace ids are random, so branching on digit-or-letter
  // would mispredict about every other character.
  private static final byte[] HEX = new byte[128];

  static {
    java.util.Arrays.fill(HEX, (byte) -1);
    for (int i = 0; i < 10; i++) {
      HEX['0' + i] = (byte) i;
    }
    for (int i = 0; i < 6; i++) {
      HEX['a' + i] = (byte) (10 + i);
      HEX['A' + i] = (byte) (10 + i);
    }
  }

  /** The value of one hex digit, or -1. */
  static int hexDigit(char c) {
    return c < 128 ? HEX[c] : -1;
  }
}
