package dev.observability.health.internal;

/**
 * Masks the values of secret-named {@code key=value} properties in free text, as JDBC URLs, driver
 * messages and SQL text carry them ({@code jdbc:h2:mem:db;USER=sa;PASSWORD=s3cret}, {@code
 * ?user=app&password=s3cret}, {@code secret: s3cret}). A pass the health module runs before the
 * instance's scrubber, which knows URLs with credentials, tokens and card numbers but not every
 * driver's property syntax.
 *
 * <p>Runs in one pass, linear in the input; returns the same instance when nothing matched;
 * idempotent (a masked value is left alone). Stateless and thread-safe.
 */
public final class SecretText {

  /** Key parts that name a secret, matched anywhere in the key, ignoring case. */
  private static final String[] SECRET_PARTS = {
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "credential",
    "private_key",
    "privatekey",
    "access_key",
    "accesskey"
  };

  /** Keys that name a secret only when they are the whole key, ignoring case. */
  private static final String[] SECRET_KEYS = {"pwd", "pass", "pw"};

  private SecretText() {}

  /** Returns {@code text} with each secret-named property's value replaced by {@code mask}. */
  public static String maskProperties(String text, String mask) {
    int n = text.length();
    StringBuilder out = null;
    int copied = 0;
    int i = 0;
    while (i < n) {
      if (!isKeyChar(text.charAt(i))) {
        i++;
        continue;
      }
      int keyStart = i;
      while (i < n && isKeyChar(text.charAt(i))) {
        i++;
      }
      int keyEnd = i;
      int j = keyEnd;
      if (j < n && (text.charAt(j) == '"' || text.charAt(j) == '\'')) {
        j++;
      }
      while (j < n && text.charAt(j) == ' ') {
        j++;
      }
      if (j >= n || (text.charAt(j) != '=' && text.charAt(j) != ':')) {
        continue;
      }
      if (!isSecretKey(text, keyStart, keyEnd)) {
        continue;
      }
      j++;
      while (j < n && text.charAt(j) == ' ') {
        j++;
      }
      char quote = 0;
      if (j < n && (text.charAt(j) == '"' || text.charAt(j) == '\'')) {
        quote = text.charAt(j);
        j++;
      }
      int valueStart = j;
      if (text.startsWith(mask, valueStart)) {
        i = valueStart + mask.length();
        continue;
      }
      while (j < n && !endsValue(text.charAt(j), quote)) {
        j++;
      }
      if (j > valueStart) {
        if (out == null) {
          out = new StringBuilder(n + mask.length());
        }
        out.append(text, copied, valueStart).append(mask);
        copied = j;
      }
      i = j;
    }
    return out == null ? text : out.append(text, copied, n).toString();
  }

  private static boolean isKeyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-'
        || c == '.';
  }

  private static boolean endsValue(char c, char quote) {
    if (quote != 0) {
      return c == quote || c == '\n' || c == '\r';
    }
    return c == ';'
        || c == '&'
        || c == ','
        || c == '"'
        || c == '\''
        || c == ')'
        || c == '}'
        || c == '>'
        || Character.isWhitespace(c);
  }

  private static boolean isSecretKey(String text, int start, int end) {
    int length = end - start;
    for (String key : SECRET_KEYS) {
      if (length == key.length() && text.regionMatches(true, start, key, 0, length)) {
        return true;
      }
    }
    for (String part : SECRET_PARTS) {
      for (int at = start; at + part.length() <= end; at++) {
        if (text.regionMatches(true, at, part, 0, part.length())) {
          return true;
        }
      }
    }
    return false;
  }
}
