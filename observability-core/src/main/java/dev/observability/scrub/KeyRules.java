package dev.observability.scrub;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether a key names sensitive data, without allocating and without regular expressions.
 *
 * <p>A key is normalised on the fly: ASCII letters lower-cased, digits kept, every other character
 * (separators such as {@code - _ .} and spaces, anything non-ASCII) skipped, so that {@code
 * apiKey}, {@code api_key}, {@code API-KEY} and {@code x-api-key} all contain {@code apikey}. Four
 * kinds of rule apply to the normalised key, in this order:
 *
 * <ol>
 *   <li>allow list (exact or contains): never sensitive; wins over everything below;
 *   <li>exact: the whole normalised key equals a rule ({@code pin}, {@code key}, {@code ssn});
 *   <li>contains: the normalised key contains a rule ({@code token}, {@code password});
 *   <li>word: one word of the key, split at separators and camel-case humps, equals a rule ({@code
 *       auth} in {@code x-auth-user} or {@code authHeader}, but not in {@code author}).
 * </ol>
 *
 * <p>Contains-rules run as one Aho-Corasick automaton, so a check is one pass over the key whatever
 * the number of rules. Immutable and thread-safe.
 */
final class KeyRules {

  /** Contained anywhere in the normalised key. */
  static final List<String> DEFAULT_CONTAINS =
      List.of(
          "password",
          "passwd",
          "passphrase",
          "passcode",
          "pwd",
          "secret",
          "token",
          "credential",
          "session",
          "sessid",
          "cookie",
          "authorization",
          "apikey",
          "accesskey",
          "accountkey",
          "privatekey",
          "privkey",
          "signingkey",
          "encryptionkey",
          "masterkey",
          "creditcard",
          "cardnumber",
          "cvv",
          "cvc",
          "securitycode",
          "csrf",
          "xsrf",
          "jwt",
          "bearer",
          "signature",
          "socialsecurity");

  /** Equal to the whole normalised key. */
  static final List<String> DEFAULT_EXACT =
      List.of(
          "key",
          "pass",
          "pw",
          "pin",
          "pincode",
          "ssn",
          "sid",
          "connectsid",
          "sig",
          "otp",
          "auth",
          "ccnum",
          "ccnumber",
          "cardno");

  /** Equal to one word of the key. */
  static final List<String> DEFAULT_WORDS = List.of("auth", "ssn", "pin", "otp");

  private static final int SYMBOLS = 36;

  private final Automaton contains;
  private final Automaton allowContains;
  private final String[] exactTable;
  private final boolean[] exactAllowed;
  private final int exactMask;
  private final char[][] words;

  private KeyRules(
      List<String> containsRules,
      List<String> exactRules,
      List<String> wordRules,
      List<String> allowExact,
      List<String> allowContainsRules) {
    this.contains = Automaton.of(containsRules);
    this.allowContains = Automaton.of(allowContainsRules);
    int size = Integer.highestOneBit(Math.max(4, (exactRules.size() + allowExact.size()) * 4));
    this.exactTable = new String[size];
    this.exactAllowed = new boolean[size];
    this.exactMask = size - 1;
    for (String rule : exactRules) {
      put(rule, false);
    }
    for (String rule : allowExact) {
      put(rule, true);
    }
    this.words = new char[wordRules.size()][];
    for (int k = 0; k < wordRules.size(); k++) {
      words[k] = wordRules.get(k).toCharArray();
    }
  }

  /**
   * Builds the rules: the defaults plus user entries. User entries are {@code name} (exact) or
   * {@code *name*} (contains), compared after normalisation.
   *
   * @throws IllegalArgumentException naming an entry that is neither form or that has no letter or
   *     digit
   */
  static KeyRules create(List<String> extraSensitive, List<String> allowed) {
    Set<String> containsRules = new LinkedHashSet<>(DEFAULT_CONTAINS);
    Set<String> exactRules = new LinkedHashSet<>(DEFAULT_EXACT);
    Set<String> allowExact = new LinkedHashSet<>();
    Set<String> allowContains = new LinkedHashSet<>();
    for (String entry : extraSensitive) {
      add(entry, exactRules, containsRules, "sensitive key");
    }
    for (String entry : allowed) {
      add(entry, allowExact, allowContains, "allowed key");
    }
    exactRules.removeAll(allowExact);
    return new KeyRules(
        List.copyOf(containsRules),
        List.copyOf(exactRules),
        DEFAULT_WORDS,
        List.copyOf(allowExact),
        List.copyOf(allowContains));
  }

  /**
   * Checks one user entry (exact {@code name} or {@code *name*}).
   *
   * @throws IllegalArgumentException saying what is wrong with it
   */
  static void check(String entry, String what) {
    add(entry, new LinkedHashSet<>(), new LinkedHashSet<>(), what);
  }

  private static void add(String entry, Set<String> exact, Set<String> contains, String what) {
    String trimmed = entry.trim();
    boolean starStart = trimmed.startsWith("*");
    boolean starEnd = trimmed.length() > 1 && trimmed.endsWith("*");
    String body = trimmed.substring(starStart ? 1 : 0, trimmed.length() - (starEnd ? 1 : 0));
    if (starStart != starEnd || body.indexOf('*') >= 0) {
      throw new IllegalArgumentException(
          what
              + " '"
              + entry
              + "' must be an exact name (api_key) or *name* for names containing it (*token*)");
    }
    String normalised = normalise(body);
    if (normalised.isEmpty()) {
      throw new IllegalArgumentException(what + " '" + entry + "' has no letter or digit");
    }
    (starStart ? contains : exact).add(normalised);
  }

  /** Lower-case ASCII letters and digits of {@code key}, everything else dropped. */
  static String normalise(CharSequence key) {
    StringBuilder sb = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (Chars.isAlnum(c)) {
        sb.append(Chars.lower(c));
      }
    }
    return sb.toString();
  }

  private void put(String normalised, boolean allowed) {
    int slot = hash(normalised, 0, normalised.length()) & exactMask;
    while (exactTable[slot] != null && !exactTable[slot].equals(normalised)) {
      slot = (slot + 1) & exactMask;
    }
    exactTable[slot] = normalised;
    exactAllowed[slot] = allowed;
  }

  private static int symbol(char c) {
    if (c >= 'a' && c <= 'z') {
      return c - 'a';
    }
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= '0' && c <= '9') {
      return 26 + (c - '0');
    }
    return -1;
  }

  private static int hash(CharSequence s, int from, int to) {
    int h = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (Chars.isAlnum(c)) {
        h = 31 * h + Chars.lower(c);
      }
    }
    return mix(h);
  }

  private static int mix(int h) {
    return h ^ (h >>> 16);
  }

  /** Whether {@code key[from, to)} is sensitive. Allocates nothing. */
  boolean isSensitive(CharSequence key, int from, int to) {
    int state = 0;
    int allowState = 0;
    boolean containsHit = false;
    boolean allowHit = false;
    int h = 0;
    int length = 0;
    for (int i = from; i < to; i++) {
      char c = key.charAt(i);
      int sym = symbol(c);
      if (sym < 0) {
        continue;
      }
      h = 31 * h + Chars.lower(c);
      length++;
      state = contains.next(state, sym);
      containsHit |= contains.accepts(state);
      allowState = allowContains.next(allowState, sym);
      allowHit |= allowContains.accepts(allowState);
    }
    if (length == 0 || allowHit) {
      return false;
    }
    int slot = mix(h) & exactMask;
    String candidate;
    while ((candidate = exactTable[slot]) != null) {
      if (candidate.length() == length && normalisedEquals(key, from, to, candidate)) {
        return !exactAllowed[slot];
      }
      slot = (slot + 1) & exactMask;
    }
    return containsHit || hasWord(key, from, to);
  }

  /** Whether the normalised {@code key[from, to)} equals {@code normalised}. */
  static boolean normalisedEquals(CharSequence key, int from, int to, String normalised) {
    int k = 0;
    int n = normalised.length();
    for (int i = from; i < to; i++) {
      char c = key.charAt(i);
      if (!Chars.isAlnum(c)) {
        continue;
      }
      if (k == n || Chars.lower(c) != normalised.charAt(k)) {
        return false;
      }
      k++;
    }
    return k == n;
  }

  /** Whether {@code key[from, to)} is the Cookie or Set-Cookie header, whose value is the line. */
  static boolean isCookieHeader(CharSequence key, int from, int to) {
    return normalisedEquals(key, from, to, "cookie")
        || normalisedEquals(key, from, to, "setcookie");
  }

  private boolean hasWord(CharSequence key, int from, int to) {
    if (words.length == 0) {
      return false;
    }
    int start = -1;
    for (int i = from; i <= to; i++) {
      char c = i < to ? key.charAt(i) : ' ';
      boolean alnum = Chars.isAlnum(c);
      boolean boundary = !alnum;
      if (alnum && start >= 0 && Chars.isUpper(c)) {
        char prev = key.charAt(i - 1);
        boolean nextLower = i + 1 < to && Chars.isLower(key.charAt(i + 1));
        // camelCase hump (userPin) or the end of an acronym (SSNNumber -> SSN, Number).
        boundary = !Chars.isUpper(prev) || nextLower;
      }
      if (boundary && start >= 0) {
        if (matchesWord(key, start, i)) {
          return true;
        }
        start = -1;
      }
      if (alnum && start < 0) {
        start = i;
      }
    }
    return false;
  }

  private boolean matchesWord(CharSequence key, int from, int to) {
    int length = to - from;
    for (char[] word : words) {
      if (word.length != length) {
        continue;
      }
      int k = 0;
      while (k < length && Chars.lower(key.charAt(from + k)) == word[k]) {
        k++;
      }
      if (k == length) {
        return true;
      }
    }
    return false;
  }

  /** A dense Aho-Corasick automaton over lower-case letters and digits. */
  private static final class Automaton {
    private final int[] delta;
    private final boolean[] accept;

    private Automaton(int[] delta, boolean[] accept) {
      this.delta = delta;
      this.accept = accept;
    }

    static Automaton of(List<String> patterns) {
      int capacity = 1;
      for (String p : patterns) {
        capacity += p.length();
      }
      int[] next = new int[capacity * SYMBOLS];
      Arrays.fill(next, -1);
      boolean[] accept = new boolean[capacity];
      int states = 1;
      for (String p : patterns) {
        int s = 0;
        for (int k = 0; k < p.length(); k++) {
          int sym = symbol(p.charAt(k));
          if (next[s * SYMBOLS + sym] < 0) {
            next[s * SYMBOLS + sym] = states++;
          }
          s = next[s * SYMBOLS + sym];
        }
        accept[s] = true;
      }
      int[] fail = new int[states];
      ArrayDeque<Integer> queue = new ArrayDeque<>();
      for (int sym = 0; sym < SYMBOLS; sym++) {
        int child = next[sym];
        if (child < 0) {
          next[sym] = 0;
        } else {
          fail[child] = 0;
          queue.add(child);
        }
      }
      while (!queue.isEmpty()) {
        int s = queue.poll();
        accept[s] |= accept[fail[s]];
        for (int sym = 0; sym < SYMBOLS; sym++) {
          int child = next[s * SYMBOLS + sym];
          if (child < 0) {
            next[s * SYMBOLS + sym] = next[fail[s] * SYMBOLS + sym];
          } else {
            fail[child] = next[fail[s] * SYMBOLS + sym];
            queue.add(child);
          }
        }
      }
      return new Automaton(Arrays.copyOf(next, states * SYMBOLS), Arrays.copyOf(accept, states));
    }

    int next(int state, int sym) {
      return delta[state * SYMBOLS + sym];
    }

    boolean accepts(int state) {
      return accept[state];
    }
  }
}
