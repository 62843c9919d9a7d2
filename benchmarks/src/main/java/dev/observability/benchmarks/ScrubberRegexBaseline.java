package dev.observability.benchmarks;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The peer of {@code ScrubberBenchmark}: the scrubber's default rules written the usual way, as one
 * precompiled {@link java.util.regex} alternation, with the checks in code that a regular
 * expression cannot make (Luhn on card candidates, user:password inside Basic credentials, the
 * sensitive-key check on a captured key). The matchers are reused ({@link
 * Matcher#reset(CharSequence)}), so an instance is not thread-safe; JMH gives each thread its own.
 */
final class ScrubberRegexBaseline {

  private static final String MASK = "[REDACTED]";

  private static final String CONTAINS =
      "password|passwd|passphrase|passcode|pwd|secret|token|credential|session|sessid|cookie"
          + "|authorization|api[-_.]?key|access[-_.]?key|account[-_.]?key|private[-_.]?key|privkey"
          + "|signing[-_.]?key|encryption[-_.]?key|master[-_.]?key|credit[-_.]?card"
          + "|card[-_.]?number|cvv|cvc|security[-_.]?code|csrf|xsrf|jwt|bearer|signature"
          + "|social[-_.]?security";
  private static final String EXACT =
      "key|pass|pw|pin|pin[-_.]?code|ssn|sid|connect\\.sid|sig|otp|auth|cc[-_.]?num(?:ber)?"
          + "|card[-_.]?no";
  private static final String WORD = "(?:[\\w.-]*[-_.])?(?:auth|ssn|pin|otp)(?:[-_.][\\w.-]*)?";
  private static final String SCHEMES = "bearer|basic|negotiate|ntlm|token|dpop|apikey";

  private static final Pattern SENSITIVE_KEY =
      Pattern.compile("(?i)[\\w.-]*(?:" + CONTAINS + ")[\\w.-]*|(?:" + EXACT + ")|" + WORD);

  private enum Kind {
    PLAIN,
    CARD,
    BASIC,
    KEY_VALUE
  }

  /**
   * One alternative: its regular expression and the check before masking. The masked text is the
   * first of its groups that took part (for {@code KEY_VALUE}, group 1 is the key and the value
   * groups follow).
   */
  private record Rule(String regex, Kind kind) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "(-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z0-9 ]*-----|\\z))",
              Kind.PLAIN),
          new Rule("(?i:(?<![\\w.-])(?:set-)?cookie)[ \\t]*:[ \\t]*([^\\r\\n]+)", Kind.PLAIN),
          new Rule(
              "(?<![\\w.+-])[a-zA-Z][a-zA-Z0-9+.-]*://[^:/?#\\s@\"'<>]*:([^/?#\\s\"'<>\\\\]+)@",
              Kind.PLAIN),
          new Rule("(?<![\\w-])(eyJ[\\w-]{7,}\\.[\\w-]{2,}\\.[\\w-]*(?:\\.[\\w-]+)*)", Kind.PLAIN),
          new Rule("(?<!\\w)((?:AKIA|ASIA)[A-Z0-9]{16})(?!\\w)", Kind.PLAIN),
          new Rule("(?<![\\w-])(AIza[\\w-]{35})(?![\\w-])", Kind.PLAIN),
          new Rule("(?<!\\w)(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_\\w{22,})(?!\\w)", Kind.PLAIN),
          new Rule(
              "(?<![\\w-])(xox[baprsoe]-[A-Za-z0-9-]{10,}|xapp-[A-Za-z0-9-]{10,})(?!\\w)",
              Kind.PLAIN),
          new Rule(
              "(?<!\\w)([sr]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,})(?!\\w)",
              Kind.PLAIN),
          new Rule("(?i:(?<!\\w)bearer) +([\\w.~+/-]{8,}=*)", Kind.PLAIN),
          new Rule("(?i:(?<!\\w)basic) +([A-Za-z0-9+/]{4,}={0,2})(?!\\w)", Kind.BASIC),
          new Rule(
              "(?<![\\w-])((?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4})(?![\\w-])",
              Kind.PLAIN),
          new Rule(
              "(?<![\\w.-])(\\d{13,19}|\\d{4}([ -])\\d{3,6}(?:\\2\\d{3,6}){1,3})(?!\\w)",
              Kind.CARD),
          // Last, so that the rules above win where they start at the same place. Any key followed
          // by a separator, captured possessively, with the value in a look-ahead so that its text
          // is still searched when the key is not sensitive; the key is checked in code against
          // SENSITIVE_KEY. (A [\w.-]*(?:password|...)[\w.-]* alternative here instead backtracks
          // over every word of the text and is several times slower.)
          new Rule(
              "(?<![\\w.-])([\\w.-]{1,128}+)(?=\\\\?[\"']?[ \\t]*(?:=>|[:=])[ \\t]*(?:(?i:"
                  + SCHEMES
                  + ") +)?(?:\\\\?\"((?:[^\"\\\\\\r\\n]|\\\\.)*)|'([^'\\r\\n]*)"
                  + "|([^\\s&,;\"'\\\\]+)))",
              Kind.KEY_VALUE));

  private static final Pattern PATTERN;
  private static final int[] FIRST_TARGET;
  private static final int[] TARGETS;
  private static final Kind[] KINDS;

  static {
    StringBuilder alternation = new StringBuilder();
    List<Integer> firsts = new ArrayList<>();
    List<Integer> targets = new ArrayList<>();
    int group = 1;
    for (Rule rule : RULES) {
      // Back references are renumbered by position in the whole alternation.
      String regex = rule.regex().replace("\\2", "\\" + (group + 1));
      alternation.append(alternation.isEmpty() ? "" : "|").append("(?:").append(regex).append(')');
      int groups = Pattern.compile(rule.regex()).matcher("").groupCount();
      switch (rule.kind()) {
        case CARD -> {
          firsts.add(group);
          targets.add(1);
        }
        case KEY_VALUE -> {
          firsts.add(group + 1);
          targets.add(groups - 1);
        }
        default -> {
          firsts.add(group);
          targets.add(groups);
        }
      }
      group += groups;
    }
    PATTERN = Pattern.compile(alternation.toString());
    FIRST_TARGET = firsts.stream().mapToInt(Integer::intValue).toArray();
    TARGETS = targets.stream().mapToInt(Integer::intValue).toArray();
    KINDS = RULES.stream().map(Rule::kind).toArray(Kind[]::new);
  }

  private final Matcher matcher = PATTERN.matcher("");
  private final Matcher keyMatcher = SENSITIVE_KEY.matcher("");

  /** The value of field {@code key}: the mask when the key is sensitive, else scrubbed. */
  String scrubValue(String key, String value) {
    return keyMatcher.reset(key).matches() ? MASK : scrub(value);
  }

  String scrub(String text) {
    Matcher m = matcher.reset(text);
    StringBuilder sb = null;
    int last = 0;
    while (m.find()) {
      int r = rule(m);
      int g = target(m, r);
      if (r < 0 || g < 0) {
        continue;
      }
      int start = m.start(g);
      int end = m.end(g);
      if (start < last) {
        continue; // inside a value masked already
      }
      boolean valid =
          switch (KINDS[r]) {
            case CARD -> luhn(text, start, end);
            case BASIC -> userColonPassword(text, start, end);
            case KEY_VALUE ->
                end > start
                    && keyMatcher
                        .reset(text)
                        .region(m.start(FIRST_TARGET[r] - 1), m.end(FIRST_TARGET[r] - 1))
                        .matches();
            case PLAIN -> end > start;
          };
      if (valid && !text.startsWith(MASK, start)) {
        if (sb == null) {
          sb = new StringBuilder(text.length() + 16);
        }
        sb.append(text, last, start).append(MASK);
        last = end;
      }
    }
    if (sb == null) {
      return text;
    }
    return sb.append(text, last, text.length()).toString();
  }

  /** The alternative that matched: the one whose first group (or key group) took part. */
  private static int rule(Matcher m) {
    for (int r = 0; r < FIRST_TARGET.length; r++) {
      int first = KINDS[r] == Kind.KEY_VALUE ? FIRST_TARGET[r] - 1 : FIRST_TARGET[r];
      if (m.start(first) >= 0) {
        return r;
      }
    }
    return -1;
  }

  private static int target(Matcher m, int rule) {
    if (rule < 0) {
      return -1;
    }
    for (int k = 0; k < TARGETS[rule]; k++) {
      int g = FIRST_TARGET[rule] + k;
      if (m.start(g) >= 0) {
        return g;
      }
    }
    return -1;
  }

  private static boolean luhn(String t, int from, int to) {
    if (t.charAt(from) == '0') {
      return false;
    }
    int sum = 0;
    boolean twice = false;
    for (int i = to - 1; i >= from; i--) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (twice) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
      twice = !twice;
    }
    return sum % 10 == 0;
  }

  private static boolean userColonPassword(String t, int from, int to) {
    try {
      for (byte b : Base64.getDecoder().decode(t.substring(from, to))) {
        if (b == ':') {
          return true;
        }
      }
      return false;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
