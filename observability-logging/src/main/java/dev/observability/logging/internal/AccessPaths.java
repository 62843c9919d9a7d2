package dev.observability.logging.internal;

import dev.observability.scrub.Scrubber;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** The {@code path} field of access-log lines: path and query string, scrubbed. */
final class AccessPaths {

  private static final int MAX_LENGTH = 2048;

  private AccessPaths() {}

  /**
   * {@code path?query} with the value of every query parameter whose (decoded) name is sensitive
   * replaced by the mask, then the whole passed through the scrubber; at most 2048 characters.
   */
  static String scrubbed(String path, @Nullable String query, SensitiveKeys keys) {
    Scrubber scrubber = keys.scrubber();
    if (query == null || query.isEmpty()) {
      // The common case: no query string, so no copy of the path.
      return scrubber.scrub(path.length() > MAX_LENGTH ? path.substring(0, MAX_LENGTH) : path);
    }
    StringBuilder sb = new StringBuilder(path.length() + query.length() + 1);
    sb.append(path).append('?');
    int start = 0;
    while (start <= query.length()) {
      int amp = query.indexOf('&', start);
      int end = amp < 0 ? query.length() : amp;
      String pair = query.substring(start, end);
      int eq = pair.indexOf('=');
      if (eq > 0 && keys.isSensitive(decode(pair.substring(0, eq)))) {
        sb.append(pair, 0, eq + 1).append(scrubber.mask());
      } else {
        sb.append(pair);
      }
      if (amp < 0) {
        break;
      }
      sb.append('&');
      start = amp + 1;
    }
    String text = sb.length() > MAX_LENGTH ? sb.substring(0, MAX_LENGTH) : sb.toString();
    return scrubber.scrub(text);
  }

  private static String decode(String name) {
    if (name.indexOf('%') < 0 && name.indexOf('+') < 0) {
      return name;
    }
    try {
      return URLDecoder.decode(name, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return name;
    }
  }
}
