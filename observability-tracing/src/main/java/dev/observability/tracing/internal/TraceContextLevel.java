package dev.observability.tracing.internal;

/**
 * The edition of W3C Trace Context whose rules the propagator applies where the editions differ:
 * the {@code tracestate} key grammar, what a repeated key means, and which {@code trace-flags} are
 * sent on.
 *
 * <ul>
 *   <li>{@link #LEVEL_1}, the Recommendation of 2021: a key is a simple key ({@code lcalpha
 *       0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/")}) or a multi-tenant key ({@code tenant-id
 *       "@" system-id}, at most 241 and 14 characters); a list that repeats a key is invalid and
 *       discarded whole ("only one entry per key is allowed"); only the {@code sampled} flag is
 *       defined, every other bit is sent as zero.
 *   <li>{@link #LEVEL_2}, the current draft: a key is {@code (lcalpha / DIGIT) 0*255(keychar)} with
 *       {@code @} allowed anywhere after the first character; a repeated key keeps its first
 *       (left-most) occurrence and drops the others ("vendors MAY also discard duplicate keys");
 *       {@code sampled} and {@code random-trace-id} are defined and sent on.
 * </ul>
 *
 * <p>Both editions discard the whole list when a member is malformed or when it has more than 32
 * members, and both ignore empty members and the spaces and tabs around members.
 */
public enum TraceContextLevel {
  /** W3C Trace Context Level 1 (Recommendation). */
  LEVEL_1((byte) 0x01),
  /** W3C Trace Context Level 2 (current draft). */
  LEVEL_2((byte) 0x03);

  private static final int MAX_KEY_LENGTH = 256;
  private static final int MAX_TENANT_LENGTH = 241;
  private static final int MAX_SYSTEM_LENGTH = 14;

  private final byte flagMask;

  TraceContextLevel(byte flagMask) {
    this.flagMask = flagMask;
  }

  /**
   * The level for its number.
   *
   * @throws IllegalArgumentException unless {@code level} is 1 or 2
   */
  public static TraceContextLevel of(int level) {
    return switch (level) {
      case 1 -> LEVEL_1;
      case 2 -> LEVEL_2;
      default -> throw new IllegalArgumentException("W3C Trace Context level must be 1 or 2");
    };
  }

  /** The {@code trace-flags} bits this level defines; every other bit is sent as zero. */
  byte flagMask() {
    return flagMask;
  }

  /** Whether a {@code tracestate} that repeats a key is invalid as a whole. */
  boolean duplicateKeysInvalidate() {
    return this == LEVEL_1;
  }

  /** Whether {@code text[from, to)} is a {@code tracestate} key under this level's grammar. */
  boolean isValidKey(String text, int from, int to) {
    int length = to - from;
    if (length < 1 || length > MAX_KEY_LENGTH) {
      return false;
    }
    return this == LEVEL_2 ? isDraftKey(text, from, to) : isLevel1Key(text, from, to);
  }

  private static boolean isDraftKey(String text, int from, int to) {
    if (!isLowercaseOrDigit(text.charAt(from))) {
      return false;
    }
    for (int i = from + 1; i < to; i++) {
      char c = text.charAt(i);
      if (!isKeyChar(c) && c != '@') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLevel1Key(String text, int from, int to) {
    int at = -1;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c == '@') {
        if (at >= 0) {
          return false;
        }
        at = i;
      } else if (!isKeyChar(c)) {
        return false;
      }
    }
    if (at < 0) {
      // simple-key = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
      return isLowercase(text.charAt(from));
    }
    // multi-tenant-key = tenant-id "@" system-id
    int tenant = at - from;
    int system = to - at - 1;
    return tenant >= 1
        && tenant <= MAX_TENANT_LENGTH
        && isLowercaseOrDigit(text.charAt(from))
        && system >= 1
        && system <= MAX_SYSTEM_LENGTH
        && isLowercase(text.charAt(at + 1));
  }

  private static boolean isKeyChar(char c) {
    return isLowercaseOrDigit(c) || c == '_' || c == '-' || c == '*' || c == '/';
  }

  private static boolean isLowercaseOrDigit(char c) {
    return isLowercase(c) || (c >= '0' && c <= '9');
  }

  private static boolean isLowercase(char c) {
    return c >= 'a' && c <= 'z';
  }
}
