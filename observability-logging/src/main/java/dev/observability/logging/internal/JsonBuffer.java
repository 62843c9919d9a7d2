package dev.observability.logging.internal;

import dev.observability.internal.ScratchPool;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * A growable UTF-8 byte buffer that writes JSON string content escaped by construction: quotes,
 * backslashes, every control character below U+0020, U+2028 and U+2029 are escaped; a lone
 * surrogate becomes U+FFFD; everything else is encoded as UTF-8 directly. The output is therefore
 * always valid UTF-8 and never holds a raw line break.
 *
 * <p>Encoders take one from a {@link ScratchPool} (one per platform thread, a few shared by virtual
 * threads) and reuse it; a buffer that grew past {@link #RETAIN_LIMIT} is shrunk after use so that
 * one huge event does not pin memory. Not thread-safe.
 */
public final class JsonBuffer extends ScratchPool.Scratch {

  /** Capacity kept between events; larger buffers are replaced after use. */
  public static final int RETAIN_LIMIT = 64 * 1024;

  private static final int INITIAL = 1024;
  private static final byte[] HEX =
      "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** 0: plain; &gt;0: two-byte escape with this letter; -1: six-byte {@code \\u00XX}. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) {
      ESCAPES[c] = -1;
    }
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
    ESCAPES['\n'] = 'n';
    ESCAPES['\r'] = 'r';
    ESCAPES['\t'] = 't';
    ESCAPES['\b'] = 'b';
    ESCAPES['\f'] = 'f';
  }

  private static final int SEEN_ARRAY = 16;

  byte[] buf = new byte[INITIAL];
  int pos;

  /** The per-event writing state, reused between events. */
  final JsonEventWriter.Pass pass = new JsonEventWriter.Pass(this);

  /** Scratch space for stack traces, reused between events. */
  StringBuilder scratch = new StringBuilder(512);

  private String[] seen = new String[SEEN_ARRAY];
  private int seenCount;
  private @org.jspecify.annotations.Nullable Set<String> seenSet;

  // The escaped bytes of the strings written on most events of this thread (its name, its
  // loggers' names), found by identity: a renamed thread or another logger misses, and is escaped
  // and remembered in place of the oldest. Each slot's array is allocated once.
  private static final int STABLE_SLOTS = 8;
  private static final int STABLE_MAX_BYTES = 192;
  private final String[] stable = new String[STABLE_SLOTS];
  private final byte[][] stableBytes = new byte[STABLE_SLOTS][];
  private final int[] stableLengths = new int[STABLE_SLOTS];
  private int stableNext;

  /** The slot of {@link #writeEscapedRecent} for the trace id. */
  public static final int RECENT_TRACE_ID = 0;

  /** The slot of {@link #writeEscapedRecent} for the span id. */
  public static final int RECENT_SPAN_ID = 1;

  /** The slot of {@link #writeEscapedRecent} for the request id. */
  public static final int RECENT_REQUEST_ID = 2;

  // The escaped bytes of the last string written under each of those slots, found by identity:
  // the service's lines and the access line of one request hold the same id instances.
  private static final int RECENT_SLOTS = 3;
  private static final int RECENT_MAX_BYTES = 64;
  private final String[] recent = new String[RECENT_SLOTS];
  private final byte[] recentBytes = new byte[RECENT_SLOTS * RECENT_MAX_BYTES];
  private final int[] recentLengths = new int[RECENT_SLOTS];

  private long cachedSecond = Long.MIN_VALUE;
  private final byte[] cachedPrefix = new byte[20];

  /** Empties the buffer for a new event. */
  public void reset() {
    pos = 0;
    if (seenSet != null) {
      seenSet = null;
    }
    for (int i = 0; i < seenCount; i++) {
      seen[i] = null;
    }
    seenCount = 0;
  }

  /** Drops storage that grew past {@link #RETAIN_LIMIT}. */
  public void trim() {
    if (buf.length > RETAIN_LIMIT) {
      buf = new byte[INITIAL];
    }
    if (scratch.capacity() > RETAIN_LIMIT) {
      scratch = new StringBuilder(512);
    }
    // Never keep the keys of the last event reachable.
    reset();
    if (seen.length > SEEN_ARRAY) {
      seen = new String[SEEN_ARRAY];
    }
  }

  /** The number of bytes written. */
  public int size() {
    return pos;
  }

  /** Cuts the buffer back to {@code size} bytes (to roll back a field that does not fit). */
  public void truncate(int size) {
    pos = size;
  }

  /** A copy of the bytes written. */
  public byte[] toByteArray() {
    return Arrays.copyOf(buf, pos);
  }

  private void ensure(int extra) {
    if (buf.length - pos < extra) {
      grow(extra);
    }
  }

  private void grow(int extra) {
    long wanted = Math.max((long) buf.length * 2, (long) pos + extra);
    if (wanted > Integer.MAX_VALUE - 16) {
      throw new IllegalStateException("log event too large to encode");
    }
    buf = Arrays.copyOf(buf, (int) wanted);
  }

  /** Writes one ASCII byte. */
  public void write(char c) {
    ensure(1);
    buf[pos++] = (byte) c;
  }

  /** Writes pre-encoded bytes. */
  public void write(byte[] bytes) {
    ensure(bytes.length);
    System.arraycopy(bytes, 0, buf, pos, bytes.length);
    pos += bytes.length;
  }

  /** Writes a decimal integer. */
  public void writeLong(long value) {
    ensure(20);
    if (value == Long.MIN_VALUE) {
      write(Long.toString(value).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return;
    }
    if (value < 0) {
      buf[pos++] = '-';
      value = -value;
    }
    int digits = 1;
    for (long v = value; v >= 10; v /= 10) {
      digits++;
    }
    int end = pos + digits;
    for (int i = end - 1; i >= pos; i--) {
      buf[i] = (byte) ('0' + (value % 10));
      value /= 10;
    }
    pos = end;
  }

  private final StringBuilder number = new StringBuilder(32);

  /** Below this many thousandths, {@link #writeThousandths} prints exactly what Java prints. */
  private static final long MAX_FAST_THOUSANDTHS = 100_000_000L;

  /** Writes a finite double as Java prints it (a valid JSON number), without allocating. */
  public void writeDouble(double value) {
    if (Double.doubleToRawLongBits(value) >= 0 && value < MAX_FAST_THOUSANDTHS / 1_000.0) {
      // Durations in milliseconds rounded to the microsecond (the access line's duration_ms) are
      // written without Java's general conversion, which costs more than the rest of the field.
      long thousandths = Math.round(value * 1_000.0);
      if (thousandths / 1_000.0 == value) {
        writeThousandths(thousandths);
        return;
      }
    }
    number.setLength(0);
    number.append(value);
    writeAscii(number);
  }

  /**
   * Writes {@code thousandths / 1000.0} as {@link Double#toString(double)} does for it: the integer
   * part, a point, and the fraction without trailing zeros (at least one digit). Checked against
   * {@code Double.toString} for every value from 0 to {@link #MAX_FAST_THOUSANDTHS} (JsonBufferTest
   * samples it).
   */
  private void writeThousandths(long thousandths) {
    writeLong(thousandths / 1_000);
    int fraction = (int) (thousandths % 1_000);
    ensure(4);
    buf[pos++] = '.';
    if (fraction == 0) {
      buf[pos++] = '0';
      return;
    }
    int digits = 3;
    while (fraction % 10 == 0) {
      fraction /= 10;
      digits--;
    }
    for (int i = digits - 1; i >= 0; i--) {
      buf[pos + i] = (byte) ('0' + fraction % 10);
      fraction /= 10;
    }
    pos += digits;
  }

  /** Writes a finite float as Java prints it (a valid JSON number), without allocating. */
  public void writeFloat(float value) {
    number.setLength(0);
    number.append(value);
    writeAscii(number);
  }

  private void writeAscii(CharSequence chars) {
    int n = chars.length();
    ensure(n);
    for (int i = 0; i < n; i++) {
      buf[pos++] = (byte) chars.charAt(i);
    }
  }

  /** Writes {@code s} escaped, without a length limit. */
  public void writeEscaped(CharSequence s) {
    writeEscaped(s, Integer.MAX_VALUE);
  }

  /**
   * Writes {@code s} escaped, stopping before the output would exceed {@code maxBytes} bytes (never
   * inside an escape sequence or a UTF-8 sequence).
   *
   * @return whether {@code s} was cut
   */
  public boolean writeEscaped(CharSequence s, int maxBytes) {
    if (s instanceof String str) {
      return writeEscapedString(str, maxBytes);
    }
    return writeEscapedChars(s, 0, maxBytes);
  }

  /**
   * As {@link #writeEscaped(CharSequence, int)}, for a value that the next lines of this thread are
   * likely to repeat, the same instance (a request's trace, span and request ids): the escaped
   * bytes of the last one written under {@code slot} are remembered, and copied rather than escaped
   * when the same instance comes again.
   *
   * @param slot {@link #RECENT_TRACE_ID}, {@link #RECENT_SPAN_ID} or {@link #RECENT_REQUEST_ID}
   * @return whether {@code s} was cut
   */
  public boolean writeEscapedRecent(String s, int slot, int maxBytes) {
    int at = slot * RECENT_MAX_BYTES;
    if (recent[slot] == s) {
      int length = recentLengths[slot];
      if (length <= maxBytes) {
        ensure(length);
        System.arraycopy(recentBytes, at, buf, pos, length);
        pos += length;
        return false;
      }
    }
    int start = pos;
    boolean cut = writeEscapedString(s, maxBytes);
    int length = pos - start;
    if (!cut && length <= RECENT_MAX_BYTES) {
      System.arraycopy(buf, start, recentBytes, at, length);
      recentLengths[slot] = length;
      recent[slot] = s;
    }
    return cut;
  }

  /**
   * As {@link #writeEscaped(CharSequence, int)}, for a string that this thread writes again and
   * again, the same instance each time (a thread's or a logger's name): its escaped bytes are
   * remembered, and copied rather than escaped the next time.
   *
   * @return whether {@code s} was cut
   */
  public boolean writeEscapedStable(String s, int maxBytes) {
    String[] strings = stable;
    for (int i = 0; i < STABLE_SLOTS; i++) {
      if (strings[i] == s) {
        int length = stableLengths[i];
        if (length > maxBytes) {
          break;
        }
        ensure(length);
        System.arraycopy(stableBytes[i], 0, buf, pos, length);
        pos += length;
        return false;
      }
    }
    int start = pos;
    boolean cut = writeEscapedString(s, maxBytes);
    int length = pos - start;
    if (!cut && length <= STABLE_MAX_BYTES) {
      int slot = stableNext;
      stableNext = (slot + 1) % STABLE_SLOTS;
      byte[] bytes = stableBytes[slot];
      if (bytes == null) {
        bytes = new byte[STABLE_MAX_BYTES];
        stableBytes[slot] = bytes;
      }
      System.arraycopy(buf, start, bytes, 0, length);
      stableLengths[slot] = length;
      strings[slot] = s;
    }
    return cut;
  }

  /**
   * Copies runs of ASCII characters that need no escaping in bulk, and hands the rest to the
   * per-character path.
   */
  @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): copies the low byte of
  // each char without allocating, exactly right for a run of ASCII characters
  private boolean writeEscapedString(String s, int maxBytes) {
    int len = s.length();
    long stop = (long) pos + Math.max(0, maxBytes);
    int i = 0;
    while (i < len) {
      int j = i;
      while (j < len) {
        char c = s.charAt(j);
        if (c >= 0x80 || ESCAPES[c] != 0) {
          break;
        }
        j++;
      }
      if (j > i) {
        int run = j - i;
        long room = stop - pos;
        if (run > room) {
          int fit = (int) room;
          ensure(fit);
          s.getBytes(i, i + fit, buf, pos);
          pos += fit;
          return true;
        }
        ensure(run);
        s.getBytes(i, j, buf, pos);
        pos += run;
      }
      if (j == len) {
        return false;
      }
      // A character to escape or encode: let the general path take it from here.
      return writeEscapedChars(s, j, (int) Math.min(Integer.MAX_VALUE, stop - pos));
    }
    return false;
  }

  private boolean writeEscapedChars(CharSequence s, int from, int maxBytes) {
    int len = s.length();
    long stop = (long) pos + Math.max(0, maxBytes);
    byte[] b = buf;
    int p = pos;
    for (int i = from; i < len; i++) {
      if (b.length - p < 8) {
        pos = p;
        grow(Math.min(len - i, 1 << 16) + 8);
        b = buf;
      }
      char c = s.charAt(i);
      if (c < 0x80) {
        byte esc = ESCAPES[c];
        if (esc == 0) {
          if (p + 1 > stop) {
            pos = p;
            return true;
          }
          b[p++] = (byte) c;
        } else if (esc > 0) {
          if (p + 2 > stop) {
            pos = p;
            return true;
          }
          b[p++] = '\\';
          b[p++] = esc;
        } else {
          if (p + 6 > stop) {
            pos = p;
            return true;
          }
          p = unicodeEscape(b, p, c);
        }
      } else if (c < 0x800) {
        if (p + 2 > stop) {
          pos = p;
          return true;
        }
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < len
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          if (p + 4 > stop) {
            pos = p;
            return true;
          }
          int cp = Character.toCodePoint(c, s.charAt(++i));
          b[p++] = (byte) (0xF0 | (cp >> 18));
          b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
          b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
          b[p++] = (byte) (0x80 | (cp & 0x3F));
        } else {
          // A lone surrogate cannot be encoded as UTF-8: replace it with U+FFFD.
          if (p + 3 > stop) {
            pos = p;
            return true;
          }
          b[p++] = (byte) 0xEF;
          b[p++] = (byte) 0xBF;
          b[p++] = (byte) 0xBD;
        }
      } else if (c == '\u2028' || c == '\u2029') {
        // Valid in JSON, but line terminators for JavaScript and some log shippers.
        if (p + 6 > stop) {
          pos = p;
          return true;
        }
        p = unicodeEscape(b, p, c);
      } else {
        if (p + 3 > stop) {
          pos = p;
          return true;
        }
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    pos = p;
    return false;
  }

  private static int unicodeEscape(byte[] b, int p, char c) {
    b[p++] = '\\';
    b[p++] = 'u';
    b[p++] = HEX[(c >> 12) & 0xF];
    b[p++] = HEX[(c >> 8) & 0xF];
    b[p++] = HEX[(c >> 4) & 0xF];
    b[p++] = HEX[c & 0xF];
    return p;
  }

  /**
   * Writes {@code epochMillis} as ISO-8601 UTC with millisecond precision ({@code
   * 2026-11-26T07:33:00.123Z}). The date-time part is cached per second.
   */
  public void writeTimestamp(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000L);
    int millis = (int) Math.floorMod(epochMillis, 1000L);
    if (second != cachedSecond) {
      if (!fillPrefix(second)) {
        write(
            java.time.Instant.ofEpochMilli(epochMillis)
                .toString()
                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        return;
      }
      cachedSecond = second;
    }
    ensure(24);
    System.arraycopy(cachedPrefix, 0, buf, pos, 20);
    pos += 20;
    buf[pos++] = (byte) ('0' + millis / 100);
    buf[pos++] = (byte) ('0' + (millis / 10) % 10);
    buf[pos++] = (byte) ('0' + millis % 10);
    buf[pos++] = 'Z';
  }

  private boolean fillPrefix(long epochSecond) {
    long days = Math.floorDiv(epochSecond, 86_400L);
    int secOfDay = (int) Math.floorMod(epochSecond, 86_400L);
    // Civil date from days since the epoch (H. Hinnant's algorithm).
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long year = yoe + era * 400;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    if (month <= 2) {
      year++;
    }
    if (year < 0 || year > 9999) {
      return false;
    }
    byte[] b = cachedPrefix;
    int y = (int) year;
    b[0] = (byte) ('0' + y / 1000);
    b[1] = (byte) ('0' + (y / 100) % 10);
    b[2] = (byte) ('0' + (y / 10) % 10);
    b[3] = (byte) ('0' + y % 10);
    b[4] = '-';
    b[5] = (byte) ('0' + month / 10);
    b[6] = (byte) ('0' + month % 10);
    b[7] = '-';
    b[8] = (byte) ('0' + day / 10);
    b[9] = (byte) ('0' + day % 10);
    b[10] = 'T';
    int h = secOfDay / 3600;
    int m = (secOfDay / 60) % 60;
    int s = secOfDay % 60;
    b[11] = (byte) ('0' + h / 10);
    b[12] = (byte) ('0' + h % 10);
    b[13] = ':';
    b[14] = (byte) ('0' + m / 10);
    b[15] = (byte) ('0' + m % 10);
    b[16] = ':';
    b[17] = (byte) ('0' + s / 10);
    b[18] = (byte) ('0' + s % 10);
    b[19] = '.';
    return true;
  }

  /** Whether {@code key} was already written as a field name of the current event. */
  boolean seen(String key) {
    if (seenSet != null) {
      return seenSet.contains(key);
    }
    for (int i = 0; i < seenCount; i++) {
      if (seen[i].equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** Records that {@code key} was written as a field name of the current event. */
  void markSeen(String key) {
    if (seenSet != null) {
      seenSet.add(key);
      return;
    }
    if (seenCount == seen.length) {
      if (seenCount >= 64) {
        Set<String> set = new HashSet<>(Arrays.asList(seen).subList(0, seenCount));
        set.add(key);
        seenSet = set;
        return;
      }
      seen = Arrays.copyOf(seen, seenCount * 2);
    }
    seen[seenCount++] = key;
  }
}
