package dev.observability.scrub;

/**
 * Percent-encoding as the scrubber reads it: {@code %XX} (two hex digits, either case) is the byte
 * XX, and {@code +} is a space, as in query strings and form bodies ({@code
 * application/x-www-form-urlencoded}). Decoding is done once and never again on its own output.
 *
 * <p>The detectors look for ASCII only, so a byte of 0x80 or more (part of a non-ASCII character,
 * or of invalid UTF-8) decodes to {@link #NON_ASCII}, one placeholder per byte, which is neither a
 * letter, a digit nor a delimiter: invalid UTF-8 is read like any other byte, and a character's
 * width never depends on the bytes after it. A {@code %} not followed by two hex digits is a plain
 * character. Every method reads each character a bounded number of times.
 */
final class Percent {

  /** What a byte of 0x80 or more decodes to. */
  static final char NON_ASCII = '\u0080';

  private Percent() {}

  static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static int hexValue(char c) {
    if (c <= '9') {
      return c - '0';
    }
    return (c | 0x20) - 'a' + 10;
  }

  /** Whether {@code t} holds {@code %XX} at {@code i}, within {@code [i, n)}. */
  static boolean isEscape(CharSequence t, int i, int n) {
    return i + 2 < n && t.charAt(i) == '%' && isHex(t.charAt(i + 1)) && isHex(t.charAt(i + 2));
  }

  /** How many characters of {@code t} the decoded character at {@code i} comes from: 3 or 1. */
  static int width(CharSequence t, int i, int to) {
    return isEscape(t, i, to) ? 3 : 1;
  }

  /**
   * Appends the decoded form of {@code t[from, to)} to {@code out}, one character per {@link
   * #width}.
   */
  static void decode(CharSequence t, int from, int to, StringBuilder out) {
    int i = from;
    while (i < to) {
      char c = t.charAt(i);
      if (c == '%' && isEscape(t, i, to)) {
        int b = (hexValue(t.charAt(i + 1)) << 4) | hexValue(t.charAt(i + 2));
        out.append(b < 0x80 ? (char) b : NON_ASCII);
        i += 3;
      } else {
        out.append(c == '+' ? ' ' : c);
        i++;
      }
    }
  }

  /** Whether {@code t} holds a percent escape or a {@code +}: whether decoding changes it. */
  static boolean hasEncoded(CharSequence t) {
    return hasEncoded(t, 0, t.length());
  }

  /**
   * Whether {@code t[from, to)} holds a {@code +} or the start of a percent escape (read to the end
   * of {@code t}).
   */
  static boolean hasEncoded(CharSequence t, int from, int to) {
    int n = t.length();
    for (int i = from; i < to; i++) {
      char c = t.charAt(i);
      if (c == '+' || (c == '%' && isEscape(t, i, n))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The decoded form of {@code t}; {@code origin[k]} receives the index in {@code t} of decoded
   * character {@code k}, and {@code origin[length]} the length of {@code t}. {@code origin} holds
   * at least {@code t.length() + 1} entries.
   */
  static String decode(CharSequence t, int[] origin) {
    StringBuilder out = new StringBuilder(t.length());
    int n = t.length();
    int i = 0;
    while (i < n) {
      origin[out.length()] = i;
      int w = width(t, i, n);
      decode(t, i, i + w, out);
      i += w;
    }
    origin[out.length()] = n;
    return out.toString();
  }
}
