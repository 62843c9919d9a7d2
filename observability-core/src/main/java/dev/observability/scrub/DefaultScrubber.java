package dev.observability.scrub;

import io.micrometer.core.instrument.Counter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The scrubber: key rules ({@link KeyRules}) and value detectors in one left-to-right pass over the
 * text.
 *
 * <p>The pass looks at each character once through a 128-entry trigger table; only digits, a few
 * letters that start known token formats ({@code e A g x s r w B b}), and {@code = : @ -} wake a
 * detector, and letters and digits only at the start of a word. Each detector reads forward (or
 * back, by a bounded amount) without backtracking and tells the pass where to resume, so the pass
 * is linear in the length of the text. Clean text is returned as the same instance without
 * allocating.
 *
 * <p>{@code %} and {@code +} are noted by the same table: text that holds a percent escape or a
 * {@code +} is also read decoded ({@link #bothReadings}), and what that reading finds is masked in
 * the text as it is. Text without them costs nothing more.
 *
 * <p>Detectors return a {@code long}: a match packs {@code start << 32 | end} (non-negative); a
 * miss is {@code ~resume}, the index at which the pass continues.
 *
 * <p>Thread-safe. Its one mutable part is a bounded memo of the keys {@link #isSensitiveKey} has
 * judged: field, attribute and header names come from code and repeat, while the key rules read a
 * key character by character.
 */
final class DefaultScrubber implements Scrubber {

  private static final int T_DIGIT = 1;
  private static final int T_LETTER = 2;
  private static final int T_EQUALS = 3;
  private static final int T_COLON = 4;
  private static final int T_AT = 5;
  private static final int T_DASH = 6;
  private static final int T_ENCODING = 7;
  private static final byte[] TRIGGERS = new byte[128];

  /** Keys longer than this are judged by their last {@code MAX_KEY} characters. */
  private static final int MAX_KEY = 128;

  /**
   * Keys {@link #isSensitiveKey} remembers at most; further keys (a scanner's random header names,
   * say) are judged on each call. Only keys of at most {@link #MAX_KEY} characters are remembered.
   */
  static final int MAX_KNOWN_KEYS = 4096;

  private static final int MAX_EMAIL_LOCAL = 64;
  private static final int MAX_EMAIL_DOMAIN = 255;

  /** Schemes of the Authorization header whose credentials are one token. */
  private static final List<String> SINGLE_TOKEN_SCHEMES =
      List.of("bearer", "basic", "negotiate", "ntlm", "token", "dpop", "apikey", "privatetoken");

  /** Schemes whose credentials are a parameter list running to the end of the line. */
  private static final List<String> PARAMETER_SCHEMES =
      List.of(
          "digest",
          "hoba",
          "mutual",
          "gnap",
          "oauth",
          "hawk",
          "vapid",
          "aws4-hmac-sha256",
          "scram-sha-1",
          "scram-sha-256",
          "sharedkey",
          "sharedkeylite");

  static {
    for (char c = '0'; c <= '9'; c++) {
      TRIGGERS[c] = T_DIGIT;
    }
    for (char c : "eAgxsrwBb".toCharArray()) {
      TRIGGERS[c] = T_LETTER;
    }
    TRIGGERS['='] = T_EQUALS;
    TRIGGERS[':'] = T_COLON;
    TRIGGERS['@'] = T_AT;
    TRIGGERS['-'] = T_DASH;
    TRIGGERS['%'] = T_ENCODING;
    TRIGGERS['+'] = T_ENCODING;
  }

  /** Longest decoded text whose builder a thread keeps for the next call. */
  static final int SCRATCH_MAX = 2048;

  private static final ThreadLocal<StringBuilder> SCRATCH = new ThreadLocal<>();

  private final String mask;
  private final KeyRules keys;
  private final boolean emails;
  private final Pattern[] patterns;
  private final Counter @Nullable [] counters;
  private final ConcurrentHashMap<String, Boolean> knownKeys = new ConcurrentHashMap<>();

  DefaultScrubber(
      String mask,
      KeyRules keys,
      boolean emails,
      List<Pattern> patterns,
      Counter @Nullable [] counters) {
    this.mask = mask;
    this.keys = keys;
    this.emails = emails;
    this.patterns = patterns.toArray(new Pattern[0]);
    this.counters = counters;
  }

  @Override
  public String scrub(String text) {
    // A null from a host that ignores the annotations passes through rather than throwing.
    if (text == null) {
      return text;
    }
    try {
      String result = text;
      StringBuilder sb = scan(text, null);
      if (sb != null) {
        result = sb.toString();
      }
      return patterns.length == 0 ? result : applyPatterns(result);
    } catch (RuntimeException | StackOverflowError e) {
      // A defect in a detector or a user pattern that overflows the stack must not leak the text
      // nor throw into the host: the whole text is withheld.
      return mask;
    }
  }

  /** {@link #scrub(String)} without the safety net, so that tests see a detector's exception. */
  String scrubUnguarded(String text) {
    StringBuilder sb = scan(text, null);
    String result = sb == null ? text : sb.toString();
    return patterns.length == 0 ? result : applyPatterns(result);
  }

  @Override
  public void scrubTo(CharSequence text, StringBuilder out) {
    if (text == null) {
      return;
    }
    int mark = out.length();
    try {
      if (patterns.length != 0 || text == out) {
        out.append(scrub(text.toString()));
      } else {
        scan(text, out);
      }
    } catch (RuntimeException | StackOverflowError e) {
      out.setLength(mark);
      out.append(mask);
    }
  }

  @Override
  public boolean isSensitiveKey(String key) {
    if (key == null) {
      return false;
    }
    Boolean known = knownKeys.get(key);
    if (known != null) {
      return known;
    }
    boolean sensitive = keys.isSensitive(key, 0, key.length());
    if (key.length() <= MAX_KEY && knownKeys.size() < MAX_KNOWN_KEYS) {
      knownKeys.put(key, sensitive);
    }
    return sensitive;
  }

  /** How many keys {@link #isSensitiveKey} remembers now. */
  int knownKeyCount() {
    return knownKeys.size();
  }

  @Override
  public String scrubValue(String key, String value) {
    if (isSensitiveKey(key)) {
      if (!mask.equals(value)) {
        count(Rule.KEY);
      }
      return mask;
    }
    return scrub(value);
  }

  @Override
  public String mask() {
    return mask;
  }

  @Override
  public String toString() {
    return "DefaultScrubber{mask="
        + mask
        + ", emails="
        + emails
        + ", patterns="
        + patterns.length
        + "}";
  }

  private void count(Rule rule) {
    Counter[] cs = counters;
    if (cs != null) {
      try {
        cs[rule.ordinal()].increment();
      } catch (RuntimeException e) {
        // A failing meter registry must not turn into lost log lines.
      }
    }
  }

  private static long match(int start, int end) {
    return ((long) start << 32) | end;
  }

  private static long resume(int at) {
    return ~(long) at;
  }

  /**
   * Scans {@code t}, appending the scrubbed text to {@code out} when it is given. When it is not,
   * returns null if nothing matched, else a new builder holding the scrubbed text.
   */
  private @Nullable StringBuilder scan(CharSequence t, @Nullable StringBuilder out) {
    return scan(t, out, true);
  }

  /**
   * One pass of every detector over {@code t}, emitting as it goes. When the text holds a percent
   * escape or a {@code +} (which stands for a space in form data), it is read a second way ({@link
   * #bothReadings}), and a result that differs from {@code t} is {@linkplain #settle settled};
   * {@code settle} is false for the rounds that settling runs itself.
   */
  private @Nullable StringBuilder scan(
      CharSequence t, @Nullable StringBuilder out, boolean settle) {
    StringBuilder sb = out;
    int mark = out == null ? 0 : out.length();
    int n = t.length();
    boolean encoded = false;
    // Text before `last` has been emitted (or, while sb is null, is unchanged); maskEnd is the end
    // of the last masked region, so a detector at maskEnd sees the mask before it, as a second pass
    // over the output would.
    int last = 0;
    int maskEnd = -1;
    int i = 0;
    while (i < n) {
      char c = t.charAt(i);
      int trigger = c < 128 ? TRIGGERS[c] : 0;
      if (trigger == 0) {
        i++;
        continue;
      }
      if (trigger == T_ENCODING) {
        // No detector starts at % or +, and a detector that misses resumes past characters of its
        // own kind only (digits, base64url, spaces, a scheme word, "://", "-----BEGIN "), never
        // past a % or +: each one outside a match is seen here. Those inside a match are looked
        // for below, since the decoded reading may need what the mask covers.
        if (!encoded) {
          encoded = c == '+' || Percent.isEscape(t, i, n);
        }
        i++;
        continue;
      }
      if (insideWord(t, i, trigger, maskEnd)) {
        i = wordEnd(t, i + 1, n);
        continue;
      }
      long r = detect(t, i, n, trigger, last);
      if (r >= 0) {
        int start = (int) (r >>> 32);
        int end = (int) r;
        if (sb == null) {
          sb = new StringBuilder(n + mask.length() + 16);
        }
        sb.append(t, last, start).append(mask);
        count(ruleOf(t, i, n, trigger, r));
        encoded = encoded || Percent.hasEncoded(t, i, end);
        last = end;
        maskEnd = end;
        i = end;
      } else {
        int next = (int) ~r;
        i = next > i ? next : i + 1;
      }
    }
    if (sb != null) {
      sb.append(t, last, n);
    }
    if (!encoded) {
      return sb;
    }
    StringBuilder result = bothReadings(t);
    boolean masked = maskEnd >= 0;
    if (result == null && (!masked || !settle)) {
      return sb; // the decoded reading adds nothing to a pass that masked nothing, or is settling
    }
    if (result == null) {
      result =
          out == null ? sb : new StringBuilder(out.length() - mark).append(out, mark, out.length());
    }
    if (settle) {
      result = settle(result);
    }
    if (out == null) {
      return result;
    }
    out.setLength(mark);
    return out.append(result);
  }

  /**
   * Whether {@code trigger} at {@code i} is a letter or digit that cannot start a token, being
   * inside a word. Every further word character up to the word's end then cannot either (the one
   * before it is a word character, and a mask ends at most at {@code i}), and no other detector
   * starts at a word character: the scan skips to the word's end, instead of waking a detector at
   * each {@code e}, {@code s} or digit only to be told the same.
   */
  private static boolean insideWord(CharSequence t, int i, int trigger, int maskEnd) {
    return (trigger == T_DIGIT || trigger == T_LETTER) && !boundaryBefore(t, i, maskEnd);
  }

  /** The first index from {@code k} that does not hold a word character. */
  private static int wordEnd(CharSequence t, int k, int n) {
    while (k < n && Chars.isWord(t.charAt(k))) {
      k++;
    }
    return k;
  }

  /**
   * The detector that {@code trigger} wakes at {@code i}: a match ({@code start << 32 | end}) or
   * {@code ~resume}. {@code floor} is where look-back stops (the end of the last mask). A letter or
   * digit reaches here only at the start of a word ({@link #insideWord}).
   */
  private long detect(CharSequence t, int i, int n, int trigger, int floor) {
    return switch (trigger) {
      case T_DIGIT -> digits(t, i, n);
      case T_LETTER -> token(t, i, n);
      case T_COLON ->
          isSchemeSeparator(t, i, n) ? urlCredentials(t, i, n, floor) : keyValue(t, i, n, floor);
      case T_EQUALS -> keyValue(t, i, n, floor);
      case T_AT -> emails ? email(t, i, n, floor) : resume(i + 1);
      case T_DASH -> privateKey(t, i, n);
      default -> resume(i + 1);
    };
  }

  /** The rule of match {@code r} that {@code trigger} found at {@code i}, for the counter. */
  private static Rule ruleOf(CharSequence t, int i, int n, int trigger, long r) {
    return switch (trigger) {
      case T_DIGIT -> (int) r - (int) (r >>> 32) == 11 ? Rule.SSN : Rule.CARD;
      case T_LETTER -> tokenRule(t, i, n);
      case T_COLON -> isSchemeSeparator(t, i, n) ? Rule.URL_CREDENTIALS : Rule.KEY_VALUE;
      case T_AT -> Rule.EMAIL;
      case T_DASH -> Rule.PRIVATE_KEY;
      default -> Rule.KEY_VALUE;
    };
  }

  private static boolean isSchemeSeparator(CharSequence t, int i, int n) {
    return i + 2 < n && t.charAt(i + 1) == '/' && t.charAt(i + 2) == '/';
  }

  // ---- percent-encoded text: two readings ----

  /** Most times {@link #settle} scrubs a result again to reach one it would not change. */
  private static final int MAX_SETTLE_ROUNDS = 3;

  /**
   * Text with percent escapes (or {@code +} for a space) is read two ways: as it is, and decoded
   * once ({@code %XX} is the byte XX, {@code +} a space; see {@link Percent}). A secret found in
   * either reading is masked in the text as it is, so {@code password%3Dhunter2} becomes {@code
   * password%3D[REDACTED]}, and {@code password=abc%26def}, whose value is {@code abc&def}, is
   * masked whole. Both readings run over the same text, so that a mask from one never hides from
   * the other the context it needs (the scheme in {@code key=%20Bearer abc...}).
   *
   * <p>Returns null when the decoded reading finds nothing that the first pass has not masked
   * already (whose output then stands), else the text with both readings' matches masked. The first
   * pass counted its own matches; here only what the decoded reading adds is counted.
   */
  private @Nullable StringBuilder bothReadings(CharSequence t) {
    Ranges decoded = collectDecoded(t);
    if (decoded == null) {
      return null;
    }
    Ranges raw = collect(t, t, t.length(), false);
    return merge(t, raw, decoded);
  }

  /**
   * Scrubs {@code result}, the scrubbed form of encoded text, again, at most {@link
   * #MAX_SETTLE_ROUNDS} times, until nothing changes. A mask of one reading can change what the
   * other reads: a token glued to a masked one stands alone afterwards, a quote inside a mask no
   * longer closes a value. Scrubbing the result again would find that; settling here keeps
   * scrubbing idempotent.
   */
  private StringBuilder settle(StringBuilder result) {
    StringBuilder settled = result;
    for (int round = 0; round < MAX_SETTLE_ROUNDS; round++) {
      StringBuilder next = scan(settled, null, false);
      if (next == null) {
        break;
      }
      settled = next;
    }
    return settled;
  }

  /**
   * The matches of every detector over {@code t}, without emitting or counting, or null when there
   * are none. When {@code decoded}, {@code t} is the decoded form of {@code source[0, sourceTo)}
   * and matches are mapped back to the characters of {@code source} they were decoded from; a
   * {@code %} or {@code +} in {@code t} is then a plain character (nothing is decoded twice).
   */
  private @Nullable Ranges collect(
      CharSequence t, CharSequence source, int sourceTo, boolean decoded) {
    Ranges ranges = null;
    int n = t.length();
    int last = 0;
    int maskEnd = -1;
    // (decodedAt, sourceAt): corresponding indices, moved forward only, as matches come in order.
    int decodedAt = 0;
    int sourceAt = 0;
    int i = 0;
    while (i < n) {
      char c = t.charAt(i);
      int trigger = c < 128 ? TRIGGERS[c] : 0;
      if (trigger == 0 || trigger == T_ENCODING) {
        i++;
        continue;
      }
      if (insideWord(t, i, trigger, maskEnd)) {
        i = wordEnd(t, i + 1, n);
        continue;
      }
      long r = detect(t, i, n, trigger, last);
      if (r >= 0) {
        int start = (int) (r >>> 32);
        int end = (int) r;
        int from = start;
        int to = end;
        if (decoded) {
          while (decodedAt < start) {
            sourceAt += Percent.width(source, sourceAt, sourceTo);
            decodedAt++;
          }
          from = sourceAt;
          while (decodedAt < end) {
            sourceAt += Percent.width(source, sourceAt, sourceTo);
            decodedAt++;
          }
          to = sourceAt;
        }
        if (ranges == null) {
          ranges = new Ranges();
        }
        ranges.add(from, to, ruleOf(t, i, n, trigger, r));
        last = end;
        maskEnd = end;
        i = end;
      } else {
        int next = (int) ~r;
        i = next > i ? next : i + 1;
      }
    }
    return ranges;
  }

  /**
   * {@link #collect} over the decoded form of {@code text}. The decoded text is written into a
   * builder kept per thread (for texts up to {@link #SCRATCH_MAX} characters; longer ones get a new
   * one), so that encoded text with nothing to mask allocates nothing once the thread has read
   * encoded text before.
   */
  private @Nullable Ranges collectDecoded(CharSequence text) {
    int length = text.length();
    StringBuilder held = SCRATCH.get();
    StringBuilder decoded;
    if (held != null && length <= SCRATCH_MAX) {
      // Taken out while in use: a nested call on this thread (a meter registry that logs) gets a
      // builder of its own.
      SCRATCH.set(null);
      decoded = held;
    } else {
      decoded = new StringBuilder(Math.max(length, 16));
    }
    try {
      Percent.decode(text, 0, length, decoded);
      return collect(decoded, text, length, true);
    } finally {
      if (length <= SCRATCH_MAX && SCRATCH.get() == null) {
        decoded.setLength(0);
        SCRATCH.set(decoded);
      }
    }
  }

  /**
   * {@code t} with the union of {@code raw} and {@code decoded} masked (overlapping regions become
   * one mask), counting each decoded match that no raw match overlaps; null when every decoded
   * match lies within a raw one, as then the first pass's output stands.
   */
  private @Nullable StringBuilder merge(CharSequence t, @Nullable Ranges raw, Ranges decoded) {
    int rawCount = raw == null ? 0 : raw.size();
    boolean adds = false;
    int k = 0;
    for (int d = 0; d < decoded.size(); d++) {
      int start = decoded.start(d);
      int end = decoded.end(d);
      while (k < rawCount && raw.end(k) <= start) {
        k++;
      }
      boolean overlaps = k < rawCount && raw.start(k) < end;
      if (!overlaps) {
        count(decoded.rule(d));
      }
      if (!overlaps || start < raw.start(k) || end > raw.end(k)) {
        adds = true;
      }
    }
    if (!adds) {
      return null;
    }
    StringBuilder sb = new StringBuilder(t.length() + mask.length() + 16);
    int emitted = 0;
    int a = 0;
    int b = 0;
    while (a < rawCount || b < decoded.size()) {
      boolean takeRaw = b >= decoded.size() || (a < rawCount && raw.start(a) <= decoded.start(b));
      int start = takeRaw ? raw.start(a) : decoded.start(b);
      int end = takeRaw ? raw.end(a++) : decoded.end(b++);
      // Absorb every range that overlaps this one, from either reading.
      while (true) {
        if (a < rawCount && raw.start(a) < end) {
          end = Math.max(end, raw.end(a++));
        } else if (b < decoded.size() && decoded.start(b) < end) {
          end = Math.max(end, decoded.end(b++));
        } else {
          break;
        }
      }
      sb.append(t, emitted, start).append(mask);
      emitted = end;
    }
    return sb.append(t, emitted, t.length());
  }

  /** Matches as (start, end, rule), in order and not overlapping; grows as needed. */
  private static final class Ranges {
    private int[] data = new int[12];
    private int size;

    void add(int start, int end, Rule rule) {
      if (size * 3 == data.length) {
        data = Arrays.copyOf(data, data.length * 2);
      }
      data[size * 3] = start;
      data[size * 3 + 1] = end;
      data[size * 3 + 2] = rule.ordinal();
      size++;
    }

    int size() {
      return size;
    }

    int start(int k) {
      return data[k * 3];
    }

    int end(int k) {
      return data[k * 3 + 1];
    }

    Rule rule(int k) {
      return Rule.all()[data[k * 3 + 2]];
    }
  }

  /**
   * Whether a token may start at {@code i}: not inside a word, and not glued to one by a {@code .}
   * or {@code -} (so that {@code 1.4111...} or {@code ord-4111...} are left whole).
   */
  private static boolean boundaryBefore(CharSequence t, int i, int maskEnd) {
    if (i == 0 || i == maskEnd) {
      return true;
    }
    char p = t.charAt(i - 1);
    if (Chars.isWord(p)) {
      return false;
    }
    if (p == '.' || p == '-') {
      return i - 1 == maskEnd || i < 2 || !Chars.isAlnum(t.charAt(i - 2));
    }
    return true;
  }

  /** Whether a token may end just before {@code e}. */
  private static boolean boundaryAfter(CharSequence t, int e, int n) {
    if (e >= n) {
      return true;
    }
    char c = t.charAt(e);
    if (Chars.isWord(c)) {
      return false;
    }
    return !((c == '.' || c == '-') && e + 1 < n && Chars.isAlnum(t.charAt(e + 1)));
  }

  // ---- numbers: payment cards and US social security numbers ----

  /**
   * A run of digit groups joined by single spaces or dashes, starting at a word boundary. Each
   * group that starts the run or follows a space is tried as the start of a card number or SSN.
   */
  private static long digits(CharSequence t, int i, int n) {
    int g = i;
    while (true) {
      int ge = g;
      while (ge < n && Chars.isDigit(t.charAt(ge))) {
        ge++;
      }
      if (g == i || t.charAt(g - 1) == ' ') {
        long r = numberAt(t, g, ge, n);
        if (r >= 0) {
          return r;
        }
      }
      if (ge + 1 < n
          && (t.charAt(ge) == ' ' || t.charAt(ge) == '-')
          && Chars.isDigit(t.charAt(ge + 1))) {
        g = ge + 1;
      } else {
        return resume(ge);
      }
    }
  }

  private static long numberAt(CharSequence t, int g, int ge, int n) {
    int length = ge - g;
    if (length == 3) {
      return ssn(t, g, n) ? match(g, g + 11) : -1;
    }
    if (length >= 13 && length <= 19) {
      return boundaryAfter(t, ge, n) && isCard(t, g, ge) ? match(g, ge) : -1;
    }
    if (length != 4 || ge >= n || (t.charAt(ge) != ' ' && t.charAt(ge) != '-')) {
      return -1;
    }
    // Grouped: 4 digits, then groups of 3 to 6 digits with the same separator (4-4-4-4,
    // 4-6-5, 4-4-4-4-3); the longest Luhn-valid prefix of 13 to 19 digits wins.
    char sep = t.charAt(ge);
    int total = 4;
    int pos = ge;
    int best = -1;
    for (int k = 0; k < 5; k++) {
      if (pos + 1 >= n || t.charAt(pos) != sep || !Chars.isDigit(t.charAt(pos + 1))) {
        break;
      }
      int s = pos + 1;
      int e = s;
      while (e < n && Chars.isDigit(t.charAt(e)) && e - s <= 6) {
        e++;
      }
      int l = e - s;
      if (l < 3 || l > 6) {
        break;
      }
      total += l;
      if (total > 19) {
        break;
      }
      pos = e;
      if (total >= 13 && boundaryAfter(t, pos, n) && isCard(t, g, pos)) {
        best = pos;
      }
    }
    return best >= 0 ? match(g, best) : -1;
  }

  /** Luhn-valid, and not starting with 0 (zero-padded ids are not cards). */
  private static boolean isCard(CharSequence t, int from, int to) {
    if (t.charAt(from) == '0') {
      return false;
    }
    int sum = 0;
    boolean twice = false;
    for (int i = to - 1; i >= from; i--) {
      char c = t.charAt(i);
      if (!Chars.isDigit(c)) {
        continue;
      }
      int d = c - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  /**
   * {@code ddd-dd-dddd} with the SSA's structural rules: area not 000, 666 or 9xx; group not 00;
   * serial not 0000. Dashes are required: nine bare digits are far more often something else.
   */
  private static boolean ssn(CharSequence t, int g, int n) {
    if (g + 11 > n
        || t.charAt(g + 3) != '-'
        || t.charAt(g + 6) != '-'
        || !digitsAt(t, g + 4, 2)
        || !digitsAt(t, g + 7, 4)
        || !boundaryAfter(t, g + 11, n)) {
      return false;
    }
    int area = number(t, g, 3);
    int group = number(t, g + 4, 2);
    int serial = number(t, g + 7, 4);
    return area != 0 && area != 666 && area < 900 && group != 0 && serial != 0;
  }

  private static boolean digitsAt(CharSequence t, int from, int count) {
    for (int k = 0; k < count; k++) {
      if (!Chars.isDigit(t.charAt(from + k))) {
        return false;
      }
    }
    return true;
  }

  private static int number(CharSequence t, int from, int count) {
    int v = 0;
    for (int k = 0; k < count; k++) {
      v = v * 10 + (t.charAt(from + k) - '0');
    }
    return v;
  }

  // ---- tokens with a known prefix ----

  /**
   * The token of a known format that starts at {@code i} (a word boundary), by its first letter.
   */
  private static long token(CharSequence t, int i, int n) {
    char next = i + 1 < n ? t.charAt(i + 1) : 0;
    return switch (t.charAt(i)) {
      case 'e' -> jwt(t, i, n);
      case 'A' -> next == 'I' ? googleApiKey(t, i, n) : awsKey(t, i, n);
      case 'g' -> github(t, i, n);
      case 'x' -> slack(t, i, n);
      case 'B', 'b' -> next == 'a' || next == 'A' ? basic(t, i, n) : bearer(t, i, n);
      case 's', 'r', 'w' -> stripe(t, i, n);
      default -> resume(i + 1);
    };
  }

  private static Rule tokenRule(CharSequence t, int i, int n) {
    char next = i + 1 < n ? t.charAt(i + 1) : 0;
    return switch (t.charAt(i)) {
      case 'e' -> Rule.JWT;
      case 'A' -> next == 'I' ? Rule.GOOGLE_API_KEY : Rule.AWS_KEY;
      case 'g' -> Rule.GITHUB_TOKEN;
      case 'x' -> Rule.SLACK_TOKEN;
      case 'B', 'b' -> next == 'a' || next == 'A' ? Rule.BASIC : Rule.BEARER;
      default -> Rule.STRIPE_KEY;
    };
  }

  /** {@code eyJ<header>.<payload>.<signature>}, base64url, optionally more segments (JWE). */
  private static long jwt(CharSequence t, int i, int n) {
    if (!Chars.startsWith(t, i, "eyJ")) {
      return resume(i + 1);
    }
    int k = i;
    int dots = 0;
    int header = 0;
    int payload = 0;
    while (true) {
      int s = k;
      while (k < n && Chars.isB64Url(t.charAt(k))) {
        k++;
      }
      if (dots == 0) {
        header = k - s;
      } else if (dots == 1) {
        payload = k - s;
      }
      if (k < n && t.charAt(k) == '.') {
        if (k + 1 < n && Chars.isB64Url(t.charAt(k + 1))) {
          dots++;
          k++;
          continue;
        }
        if (dots == 1) {
          // header.payload. : an unsecured token with an empty signature
          dots++;
          k++;
        }
      }
      break;
    }
    if (dots >= 2 && header >= 10 && payload >= 2 && (k >= n || !Chars.isWord(t.charAt(k)))) {
      return match(i, k);
    }
    return resume(k);
  }

  /** AWS access key ids: {@code AKIA} (long-term) or {@code ASIA} (temporary) + 16 [A-Z0-9]. */
  private static long awsKey(CharSequence t, int i, int n) {
    if (!(Chars.startsWith(t, i, "AKIA") || Chars.startsWith(t, i, "ASIA")) || i + 20 > n) {
      return resume(i + 1);
    }
    for (int k = i + 4; k < i + 20; k++) {
      char c = t.charAt(k);
      if (!(Chars.isUpper(c) || Chars.isDigit(c))) {
        return resume(i + 1);
      }
    }
    return boundaryAfter(t, i + 20, n) ? match(i, i + 20) : resume(i + 1);
  }

  /** Google API keys: {@code AIza} + 35 base64url characters. */
  private static long googleApiKey(CharSequence t, int i, int n) {
    if (!Chars.startsWith(t, i, "AIza") || i + 39 > n) {
      return resume(i + 1);
    }
    for (int k = i + 4; k < i + 39; k++) {
      if (!Chars.isB64Url(t.charAt(k))) {
        return resume(i + 1);
      }
    }
    boolean end = i + 39 == n || !Chars.isB64Url(t.charAt(i + 39));
    return end && boundaryAfter(t, i + 39, n) ? match(i, i + 39) : resume(i + 1);
  }

  /** GitHub tokens: {@code ghp_ gho_ ghu_ ghs_ ghr_} + 30+ alphanumerics, {@code github_pat_}. */
  private static long github(CharSequence t, int i, int n) {
    if (Chars.startsWith(t, i, "github_pat_")) {
      int k = i + 11;
      while (k < n && (Chars.isAlnum(t.charAt(k)) || t.charAt(k) == '_')) {
        k++;
      }
      return k - (i + 11) >= 22 && boundaryAfter(t, k, n) ? match(i, k) : resume(i + 1);
    }
    if (i + 4 > n || t.charAt(i + 1) != 'h' || t.charAt(i + 3) != '_') {
      return resume(i + 1);
    }
    char kind = t.charAt(i + 2);
    if (kind != 'p' && kind != 'o' && kind != 'u' && kind != 's' && kind != 'r') {
      return resume(i + 1);
    }
    return alnumTail(t, i, i + 4, n, 30);
  }

  /**
   * Slack tokens: {@code xoxb- xoxp- xoxa- xoxr- xoxs- xoxo- xoxe-} and app tokens {@code xapp-}.
   */
  private static long slack(CharSequence t, int i, int n) {
    boolean prefix =
        Chars.startsWith(t, i, "xapp-")
            || (Chars.startsWith(t, i, "xox")
                && i + 5 <= n
                && t.charAt(i + 4) == '-'
                && "baprsoe".indexOf(t.charAt(i + 3)) >= 0);
    if (!prefix) {
      return resume(i + 1);
    }
    int k = i + 5;
    while (k < n && (Chars.isAlnum(t.charAt(k)) || t.charAt(k) == '-')) {
      k++;
    }
    return k - (i + 5) >= 10 && boundaryAfter(t, k, n) ? match(i, k) : resume(i + 1);
  }

  /** Stripe secret and restricted keys, live and test, and webhook signing secrets. */
  private static long stripe(CharSequence t, int i, int n) {
    if (Chars.startsWith(t, i, "whsec_")) {
      return alnumTail(t, i, i + 6, n, 20);
    }
    char c = t.charAt(i);
    if ((c == 's' || c == 'r')
        && (Chars.startsWith(t, i + 1, "k_live_") || Chars.startsWith(t, i + 1, "k_test_"))) {
      return alnumTail(t, i, i + 8, n, 10);
    }
    return resume(i + 1);
  }

  private static long alnumTail(CharSequence t, int i, int from, int n, int minimum) {
    int k = from;
    while (k < n && Chars.isAlnum(t.charAt(k))) {
      k++;
    }
    return k - from >= minimum && boundaryAfter(t, k, n) ? match(i, k) : resume(i + 1);
  }

  // ---- credentials after a word ----

  /**
   * {@code Bearer <token>}: the token is masked, the word kept. So that prose ("the bearer token is
   * missing") is left alone, the token must look like one: 8+ characters with a digit or one of
   * {@code -._~+/=}, or 16+ characters of mixed case.
   */
  private static long bearer(CharSequence t, int i, int n) {
    if (!Chars.startsWithIgnoreCase(t, i, "bearer") || i + 7 >= n || t.charAt(i + 6) != ' ') {
      return resume(i + 1);
    }
    int ts = i + 7;
    while (ts < n && t.charAt(ts) == ' ' && ts - i < 12) {
      ts++;
    }
    int k = ts;
    boolean digitOrMark = false;
    boolean upper = false;
    boolean lower = false;
    while (k < n && Chars.isBearerChar(t.charAt(k))) {
      char c = t.charAt(k);
      upper |= Chars.isUpper(c);
      lower |= Chars.isLower(c);
      digitOrMark |= !Chars.isLetter(c);
      k++;
    }
    while (k > ts && t.charAt(k - 1) == '.') {
      k--; // a full stop ending the sentence
    }
    int end = k;
    while (end < n && t.charAt(end) == '=') {
      end++;
      digitOrMark = true;
    }
    int length = end - ts;
    boolean tokenLike = (length >= 8 && digitOrMark) || (length >= 16 && upper && lower);
    if (tokenLike && endsCredential(t, end, n)) {
      return match(ts, end);
    }
    return resume(i + 1);
  }

  /**
   * {@code Basic <base64>}: masked only when the base64 decodes to printable text holding a {@code
   * :} (user:password), so that "basic setup" is left alone.
   */
  private static long basic(CharSequence t, int i, int n) {
    if (!Chars.startsWithIgnoreCase(t, i, "basic") || i + 6 >= n || t.charAt(i + 5) != ' ') {
      return resume(i + 1);
    }
    int ts = i + 6;
    while (ts < n && t.charAt(ts) == ' ' && ts - i < 11) {
      ts++;
    }
    int k = ts;
    while (k < n && Chars.isBase64(t.charAt(k))) {
      k++;
    }
    int data = k;
    while (k < n && t.charAt(k) == '=' && k - data < 2) {
      k++;
    }
    if (data - ts >= 4 && endsCredential(t, k, n) && userColonPassword(t, ts, data)) {
      return match(ts, k);
    }
    return resume(i + 1);
  }

  /**
   * Whether a credential may end just before {@code e}: at a delimiter, a closing bracket or an
   * escaped quote. Stricter than a word boundary because the credential may end in {@code =}, and
   * {@code Bearer a.b=c} is a key=value pair, not a token.
   */
  private static boolean endsCredential(CharSequence t, int e, int n) {
    if (e >= n) {
      return true;
    }
    char c = t.charAt(e);
    return isDelimiter(c) || isClosing(c) || isEscapedQuote(t, e, n);
  }

  private static boolean userColonPassword(CharSequence t, int from, int to) {
    if ((to - from) % 4 == 1) {
      return false;
    }
    int acc = 0;
    int bits = 0;
    boolean colon = false;
    for (int i = from; i < to; i++) {
      acc = (acc << 6) | base64Value(t.charAt(i));
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        int b = (acc >>> bits) & 0xFF;
        acc &= (1 << bits) - 1;
        if (b == ':') {
          colon = true;
        } else if (b < 0x20 || b == 0x7F) {
          return false;
        }
      }
    }
    return colon;
  }

  private static int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' ? 62 : 63;
  }

  /** PEM private-key blocks; a block without its END line is masked to the end of the text. */
  private static long privateKey(CharSequence t, int i, int n) {
    if (!Chars.startsWith(t, i, "-----BEGIN ")) {
      return resume(i + 1);
    }
    int labelStart = i + 11;
    int labelEnd = labelStart;
    while (labelEnd < n && labelEnd - labelStart < 64 && isLabelChar(t.charAt(labelEnd))) {
      labelEnd++;
    }
    if (!Chars.startsWith(t, labelEnd, "-----")
        || !Chars.contains(t, labelStart, labelEnd, "PRIVATE KEY")) {
      return resume(labelStart); // not a private-key header: read on from its label
    }
    int end = Chars.indexOf(t, "-----END ", labelEnd + 5, n);
    if (end < 0) {
      return match(i, n);
    }
    int close = Chars.indexOf(t, "-----", end + 9, Math.min(n, end + 9 + 64));
    return match(i, close < 0 ? n : close + 5);
  }

  private static boolean isLabelChar(char c) {
    return Chars.isUpper(c) || Chars.isDigit(c) || c == ' ';
  }

  // ---- structure: key=value, URLs, e-mail ----

  /**
   * {@code key=value}, {@code key: value}, {@code "key": "value"}, {@code key => value}, {@code
   * user[key]=value}, and JSON escaped inside a string ({@code \"key\":\"value\"}), where the key
   * is sensitive: the value is masked, the key kept.
   */
  private long keyValue(CharSequence t, int p, int n, int floor) {
    char sep = t.charAt(p);
    if (p + 1 < n && t.charAt(p + 1) == sep) {
      return resume(p + 2); // == and ::
    }
    if (sep == '=' && p > floor && "!<>=".indexOf(t.charAt(p - 1)) >= 0) {
      return resume(p + 1);
    }
    int j = p;
    while (j > floor && Chars.isSpaceOrTab(t.charAt(j - 1)) && p - j < 8) {
      j--;
    }
    if (j > floor && (t.charAt(j - 1) == '"' || t.charAt(j - 1) == '\'')) {
      j--;
      if (j > floor && t.charAt(j - 1) == '\\') {
        j--;
      }
    }
    int keyEnd = j;
    if (j > floor && t.charAt(j - 1) == ']') {
      keyEnd = j - 1;
    }
    int keyStart = keyEnd;
    while (keyStart > floor
        && Chars.isKeyChar(t.charAt(keyStart - 1))
        && keyEnd - keyStart < MAX_KEY) {
      keyStart--;
    }
    if (keyEnd != j && (keyStart <= floor || t.charAt(keyStart - 1) != '[')) {
      return resume(p + 1);
    }
    if (keyStart == keyEnd || !keys.isSensitive(t, keyStart, keyEnd)) {
      return resume(p + 1);
    }

    int v = p + 1;
    if (sep == '=' && v < n && t.charAt(v) == '>') {
      v++;
    }
    while (v < n && Chars.isSpaceOrTab(t.charAt(v))) {
      v++;
    }
    if (v >= n) {
      return resume(n);
    }
    char quote = 0;
    boolean escaped = false;
    char c = t.charAt(v);
    if (c == '"' || c == '\'') {
      quote = c;
      v++;
    } else if (c == '\\' && v + 1 < n && (t.charAt(v + 1) == '"' || t.charAt(v + 1) == '\'')) {
      quote = t.charAt(v + 1);
      escaped = true;
      v += 2;
    }
    boolean toLineEnd = sep == ':' && KeyRules.isCookieHeader(t, keyStart, keyEnd);
    int vs = v;
    // Authorization: Bearer x, and also token: Basic x: keep the scheme, mask what follows.
    int w = v;
    while (w < n && (Chars.isAlnum(t.charAt(w)) || t.charAt(w) == '-') && w - v < 32) {
      w++;
    }
    if (w > v && w < n && t.charAt(w) == ' ') {
      boolean single = isScheme(t, v, w, SINGLE_TOKEN_SCHEMES);
      if (single || isScheme(t, v, w, PARAMETER_SCHEMES)) {
        vs = w;
        while (vs < n && t.charAt(vs) == ' ') {
          vs++;
        }
        toLineEnd = !single;
      }
    }
    if (Chars.startsWith(t, vs, mask)) {
      int after = vs + mask.length();
      if (valueEnd(t, after, n, quote, escaped, toLineEnd) == after) {
        return resume(after);
      }
    }
    int ve = valueEnd(t, vs, n, quote, escaped, toLineEnd);
    if (ve <= vs) {
      return resume(Math.max(vs, p + 1));
    }
    if (quote == 0 && !toLineEnd && t.charAt(ve - 1) == ':' && isKeyLike(t, vs, ve - 1)) {
      return resume(p + 1); // pass= api_key: x : the value is missing, the next key follows
    }
    boolean closed = quote != 0 && ve < n && t.charAt(ve) == (escaped ? '\\' : quote);
    if (closed && isKeyLike(t, vs, ve) && isKeyOfTheNextPair(t, ve + (escaped ? 2 : 1), n)) {
      return resume(p + 1); // {"token": "next_key": ...}: the value is missing
    }
    // A value ends at a space, but a card number written in groups does not.
    if (Chars.isDigit(t.charAt(vs))) {
      long card = digits(t, vs, n);
      if (card >= 0 && (int) (card >>> 32) == vs && (int) card > ve) {
        ve = (int) card;
      }
    }
    // A value ends at its line (or at the space after BEGIN), but a private key that starts in
    // it runs over several lines: the value then goes on from the end of the block to its own end.
    int from = vs;
    int pem;
    while ((pem = Chars.indexOf(t, "-----BEGIN ", from, Math.min(n, ve + 10))) >= 0) {
      long block = privateKey(t, pem, n);
      if (block < 0) {
        from = pem + 1;
        continue;
      }
      int blockEnd = (int) block;
      if (blockEnd > ve) {
        ve = Math.max(blockEnd, valueEnd(t, blockEnd, n, quote, escaped, toLineEnd));
      }
      from = blockEnd;
    }
    return match(vs, ve);
  }

  private static boolean isKeyLike(CharSequence t, int from, int to) {
    for (int k = from; k < to; k++) {
      if (!Chars.isKeyChar(t.charAt(k))) {
        return false;
      }
    }
    return to > from;
  }

  private static boolean isKeyOfTheNextPair(CharSequence t, int afterQuote, int n) {
    return afterQuote < n && (t.charAt(afterQuote) == ':' || t.charAt(afterQuote) == '=');
  }

  private static boolean isScheme(CharSequence t, int from, int to, List<String> schemes) {
    for (String scheme : schemes) {
      if (scheme.length() == to - from && Chars.startsWithIgnoreCase(t, from, scheme)) {
        return true;
      }
    }
    return false;
  }

  private static int valueEnd(
      CharSequence t, int vs, int n, char quote, boolean escaped, boolean toLineEnd) {
    if (quote != 0) {
      for (int e = vs; e < n; e++) {
        char c = t.charAt(e);
        if (Chars.isLineEnd(c)) {
          return e;
        }
        if (c == '\\') {
          if (escaped && e + 1 < n && t.charAt(e + 1) == quote) {
            return e;
          }
          e++;
        } else if (c == quote && !escaped) {
          return e;
        }
      }
      return n;
    }
    if (!toLineEnd && vs < n && (t.charAt(vs) == '[' || t.charAt(vs) == '{')) {
      int close = balancedEnd(t, vs, n);
      if (close >= 0) {
        return close;
      }
      toLineEnd = true; // unbalanced: mask the rest of the line rather than guess
    }
    int e = vs;
    if (toLineEnd) {
      while (e < n && !Chars.isLineEnd(t.charAt(e))) {
        e++;
      }
      return e;
    }
    while (e < n && !isDelimiter(t.charAt(e)) && !isEscapedQuote(t, e, n)) {
      e++;
    }
    while (e > vs && isClosing(t.charAt(e - 1))) {
      e--; // the value of the last entry in {a=b} or [a=b] does not own the bracket
    }
    return e;
  }

  /** The index after the bracket closing the JSON-like array or object at {@code vs}, or -1. */
  private static int balancedEnd(CharSequence t, int vs, int n) {
    int depth = 0;
    boolean inString = false;
    for (int e = vs; e < n; e++) {
      char c = t.charAt(e);
      if (Chars.isLineEnd(c)) {
        return -1;
      }
      if (inString) {
        if (c == '\\') {
          e++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '[' || c == '{') {
        depth++;
      } else if (c == ']' || c == '}') {
        depth--;
        if (depth == 0) {
          return e + 1;
        }
      }
    }
    return -1;
  }

  private static boolean isEscapedQuote(CharSequence t, int e, int n) {
    return t.charAt(e) == '\\' && e + 1 < n && (t.charAt(e + 1) == '"' || t.charAt(e + 1) == '\'');
  }

  private static boolean isDelimiter(char c) {
    return c <= ' ' || c == '&' || c == ',' || c == ';' || c == '"' || c == '\'';
  }

  private static boolean isClosing(char c) {
    return c == ')' || c == ']' || c == '}' || c == '>';
  }

  /** {@code scheme://user:password@host}: the password is masked. */
  private long urlCredentials(CharSequence t, int p, int n, int floor) {
    int s = p;
    while (s > floor && p - s < 32 && isSchemeChar(t.charAt(s - 1))) {
      s--;
    }
    while (s < p && !Chars.isLetter(t.charAt(s))) {
      s++;
    }
    if (s == p) {
      return resume(p + 1);
    }
    int colon = -1;
    int at = -1;
    int e = p + 3;
    for (; e < n; e++) {
      char c = t.charAt(e);
      if (c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '<'
          || c == '>' || c == '\\') {
        break;
      }
      if (c == '@') {
        at = e;
      } else if (c == ':' && colon < 0) {
        colon = e;
      }
    }
    if (at < 0 || colon < 0 || colon > at || colon + 1 == at) {
      return resume(p + 3);
    }
    int vs = colon + 1;
    int afterMask = vs + mask.length();
    if (Chars.startsWith(t, vs, mask) && afterMask < n && t.charAt(afterMask) == '@') {
      return resume(afterMask); // masked by an earlier pass
    }
    if (Chars.indexOf(t, mask, p + 3, at) >= 0) {
      // A mask elsewhere in the user info comes from an earlier pass whose masks swallowed the
      // '/' that ended the authority then; that pass read on from here.
      return resume(p + 3);
    }
    long user = token(t, p + 3, n);
    if (user >= 0 && (int) user == colon) {
      return match(p + 3, at); // https://ghp_...:x-oauth-basic@github.com: the user is a token
    }
    return match(vs, at);
  }

  private static boolean isSchemeChar(char c) {
    return Chars.isAlnum(c) || c == '+' || c == '.' || c == '-';
  }

  /** {@code local@domain.tld}: the whole address is masked. */
  private static long email(CharSequence t, int p, int n, int floor) {
    int s = p;
    while (s > floor && Chars.isEmailLocal(t.charAt(s - 1)) && p - s < MAX_EMAIL_LOCAL) {
      s--;
    }
    if (s == p || (s > floor && Chars.isEmailLocal(t.charAt(s - 1))) || t.charAt(s) == '.') {
      return resume(p + 1);
    }
    int end = -1;
    int labels = 0;
    int k = p + 1;
    while (k < n && k - p <= MAX_EMAIL_DOMAIN) {
      int ls = k;
      boolean letters = true;
      while (k < n && (Chars.isAlnum(t.charAt(k)) || t.charAt(k) == '-')) {
        letters &= Chars.isLetter(t.charAt(k));
        k++;
      }
      if (k == ls) {
        break;
      }
      labels++;
      if (labels >= 2 && letters && k - ls >= 2) {
        end = k;
      } else {
        end = -1;
      }
      if (k + 1 < n && t.charAt(k) == '.' && Chars.isAlnum(t.charAt(k + 1))) {
        k++;
      } else {
        break;
      }
    }
    if (end < 0 || !boundaryAfter(t, end, n)) {
      return resume(p + 1);
    }
    return match(s, end);
  }

  // ---- user patterns ----

  /**
   * Masks the matches of the user's patterns, in {@code text} and then in its percent-decoded form
   * (when it has encoded characters), mapped back to the characters they were decoded from.
   */
  private String applyPatterns(String text) {
    String s = text;
    for (Pattern pattern : patterns) {
      s = applyPattern(pattern, s, s, null);
    }
    if (!Percent.hasEncoded(s)) {
      return s;
    }
    for (Pattern pattern : patterns) {
      int[] origin = new int[s.length() + 1];
      String decoded = Percent.decode(s, origin);
      s = applyPattern(pattern, decoded, s, origin);
    }
    return s;
  }

  /**
   * Masks the matches of {@code pattern} in {@code matched}; {@code origin} maps an index of {@code
   * matched} to the index of {@code text} it was decoded from (null when they are one text).
   */
  private String applyPattern(
      Pattern pattern, String matched, String text, int @Nullable [] origin) {
    Matcher m = pattern.matcher(matched);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length() + 16);
    int last = 0;
    do {
      int start = m.start();
      int end = m.end();
      if (m.groupCount() >= 1 && m.start(1) >= 0) {
        start = m.start(1);
        end = m.end(1);
      }
      boolean alreadyMasked = end - start == mask.length() && matched.startsWith(mask, start);
      if (origin != null) {
        start = origin[start];
        end = origin[end];
      }
      if (end > start && start >= last && !alreadyMasked) {
        sb.append(text, last, start).append(mask);
        last = end;
        count(Rule.CUSTOM);
      }
    } while (m.find());
    if (last == 0) {
      return text;
    }
    sb.append(text, last, text.length());
    return sb.toString();
  }
}
