package dev.observability.metrics.internal;

/**
 * Turns a raw request path into a low-cardinality endpoint value, for requests whose route template
 * is not known: every path segment that looks like an identifier becomes {@code {id}}, and matrix
 * parameters ({@code ;jsessionid=...}) are dropped.
 *
 * <p>A segment is an identifier when it is
 *
 * <ul>
 *   <li>a number, or digits with separators ({@code 42}, {@code 2024-01-31}, {@code 1.5});
 *   <li>a UUID;
 *   <li>hexadecimal of 16 characters or more (hashes, object ids);
 *   <li>token-like: letters and digits mixed, {@value #MIN_TOKEN_LENGTH} characters or more;
 *   <li>longer than {@value #MAX_SEGMENT_LENGTH} characters, or containing {@code @} (e-mail
 *       addresses).
 * </ul>
 *
 * <p>Linear in the path's length; returns the same instance, without allocating, when nothing
 * changes. Stateless and thread-safe.
 */
public final class PathNormalizer {

  /** The value that replaces an identifier segment. */
  public static final String ID = "{id}";

  /** Shortest mixed letters-and-digits segment taken for a token. */
  static final int MIN_TOKEN_LENGTH = 10;

  /** Longest segment kept as it is. */
  static final int MAX_SEGMENT_LENGTH = 48;

  private PathNormalizer() {}

  /** The endpoint value for {@code path}. */
  public static String normalize(String path) {
    if (path.isEmpty()) {
      return "/";
    }
    StringBuilder out = null;
    int length = path.length();
    int segmentStart = 0;
    for (int i = 0; i <= length; i++) {
      if (i < length && path.charAt(i) != '/') {
        continue;
      }
      // path[segmentStart, i) is a segment (possibly empty).
      int segmentEnd = i;
      int semicolon = indexOf(path, ';', segmentStart, segmentEnd);
      int valueEnd = semicolon >= 0 ? semicolon : segmentEnd;
      boolean id = isIdentifier(path, segmentStart, valueEnd);
      if (out == null && (id || semicolon >= 0)) {
        out = new StringBuilder(length);
        out.append(path, 0, segmentStart);
      }
      if (out != null) {
        if (id) {
          out.append(ID);
        } else {
          out.append(path, segmentStart, valueEnd);
        }
        if (i < length) {
          out.append('/');
        }
      }
      segmentStart = i + 1;
    }
    return out == null ? path : out.toString();
  }

  private static int indexOf(String s, char c, int from, int to) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  static boolean isIdentifier(String s, int from, int to) {
    int length = to - from;
    if (length == 0) {
      return false;
    }
    if (length > MAX_SEGMENT_LENGTH) {
      return true;
    }
    int digits = 0;
    int letters = 0;
    int hexLetters = 0;
    int separators = 0;
    int others = 0;
    boolean at = false;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        digits++;
      } else if ((c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')) {
        letters++;
        hexLetters++;
      } else if ((c >= 'g' && c <= 'z') || (c >= 'G' && c <= 'Z')) {
        letters++;
      } else if (c == '-' || c == '_' || c == '.' || c == ':' || c == ',' || c == '+') {
        separators++;
      } else {
        if (c == '@') {
          at = true;
        }
        others++;
      }
    }
    if (at) {
      return true;
    }
    if (others > 0) {
      return false;
    }
    if (digits > 0 && letters == 0) {
      return true; // 42, 2024-01-31, 1.5
    }
    if (isUuid(s, from, to)) {
      return true;
    }
    if (separators == 0 && digits + hexLetters == length && length >= 16) {
      return true; // long hex
    }
    return digits > 0 && letters > 0 && length >= MIN_TOKEN_LENGTH;
  }

  private static boolean isUuid(String s, int from, int to) {
    if (to - from != 36) {
      return false;
    }
    for (int i = 0; i < 36; i++) {
      char c = s.charAt(from + i);
      if (i == 8 || i == 13 || i == 18 || i == 23) {
        if (c != '-') {
          return false;
        }
      } else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
        return false;
      }
    }
    return true;
  }
}
