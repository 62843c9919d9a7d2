package dev.observability.scrub;

/** ASCII character classes and allocation-free comparisons shared by the detectors. */
final class Chars {

  private static final int WORD = 1;
  private static final int DIGIT = 2;
  private static final int ALNUM = 4;
  private static final int B64URL = 8;
  private static final int KEY = 16;
  private static final int BASE64 = 32;
  private static final int BEARER = 64;
  private static final int LOCAL = 128;

  private static final int[] FLAGS = new int[128];

  static {
    for (char c = 'a'; c <= 'z'; c++) {
      set(c, WORD | ALNUM | B64URL | KEY | BASE64 | BEARER | LOCAL);
      set(Character.toUpperCase(c), WORD | ALNUM | B64URL | KEY | BASE64 | BEARER | LOCAL);
    }
    for (char c = '0'; c <= '9'; c++) {
      set(c, WORD | DIGIT | ALNUM | B64URL | KEY | BASE64 | BEARER | LOCAL);
    }
    set('_', WORD | B64URL | KEY | LOCAL);
    set('-', B64URL | KEY | BEARER | LOCAL);
    set('.', KEY | BEARER | LOCAL);
    set('+', BASE64 | BEARER | LOCAL);
    set('/', BASE64 | BEARER);
    set('~', BEARER);
    set('%', LOCAL);
  }

  private static void set(char c, int flags) {
    FLAGS[c] |= flags;
  }

  private Chars() {}

  private static boolean has(char c, int flag) {
    return c < 128 && (FLAGS[c] & flag) != 0;
  }

  /** A letter, digit or underscore; non-ASCII letters and digits count too. */
  static boolean isWord(char c) {
    return c < 128 ? (FLAGS[c] & WORD) != 0 : Character.isLetterOrDigit(c);
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  static boolean isAlnum(char c) {
    return has(c, ALNUM);
  }

  static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  static boolean isLower(char c) {
    return c >= 'a' && c <= 'z';
  }

  static boolean isLetter(char c) {
    return isUpper(c) || isLower(c);
  }

  /** The base64url alphabet: letters, digits, {@code -} and {@code _}. */
  static boolean isB64Url(char c) {
    return has(c, B64URL);
  }

  /** The standard base64 alphabet without padding: letters, digits, {@code +} and {@code /}. */
  static boolean isBase64(char c) {
    return has(c, BASE64);
  }

  /** RFC 6750 b64token characters, without the trailing {@code =} padding. */
  static boolean isBearerChar(char c) {
    return has(c, BEARER);
  }

  /** Characters of a key in {@code key=value} text: letters, digits, {@code _ - .}. */
  static boolean isKeyChar(char c) {
    return has(c, KEY);
  }

  /** Characters of the local part of an e-mail address (a practical subset of RFC 5322). */
  static boolean isEmailLocal(char c) {
    return has(c, LOCAL);
  }

  static boolean isSpaceOrTab(char c) {
    return c == ' ' || c == '\t';
  }

  static boolean isLineEnd(char c) {
    return c == '\n' || c == '\r';
  }

  static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  /** Whether {@code text} holds {@code s} at {@code at}, exactly. */
  static boolean startsWith(CharSequence text, int at, String s) {
    int n = s.length();
    if (at < 0 || at + n > text.length()) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (text.charAt(at + k) != s.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code text} holds {@code lowerCase} at {@code at}, ignoring ASCII case. */
  static boolean startsWithIgnoreCase(CharSequence text, int at, String lowerCase) {
    int n = lowerCase.length();
    if (at < 0 || at + n > text.length()) {
      return false;
    }
    for (int k = 0; k < n; k++) {
      if (lower(text.charAt(at + k)) != lowerCase.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The first index of {@code s} in {@code text} within {@code [from, to)}, or -1. */
  static int indexOf(CharSequence text, String s, int from, int to) {
    char first = s.charAt(0);
    int last = to - s.length();
    for (int i = from; i <= last; i++) {
      if (text.charAt(i) == first && startsWith(text, i, s)) {
        return i;
      }
    }
    return -1;
  }

  /** Whether {@code [from, to)} of {@code text} contains {@code s}. */
  static boolean contains(CharSequence text, int from, int to, String s) {
    return indexOf(text, s, from, to) >= 0;
  }
}
