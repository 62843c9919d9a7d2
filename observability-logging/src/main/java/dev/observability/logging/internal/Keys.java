package dev.observability.logging.internal;

/** Field-name hygiene shared by the encoders. */
final class Keys {

  private Keys() {}

  /**
   * {@code key} with lone surrogates replaced by U+FFFD, so that two different keys never encode to
   * the same field name; the same instance when there is nothing to replace.
   */
  static String sanitize(String key) {
    int n = key.length();
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(key.charAt(i + 1))) {
          i++;
          continue;
        }
        return replace(key);
      }
    }
    return key;
  }

  private static String replace(String key) {
    StringBuilder sb = new StringBuilder(key.length());
    int n = key.length();
    for (int i = 0; i < n; i++) {
      char c = key.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(key.charAt(i + 1))) {
        sb.append(c).append(key.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
