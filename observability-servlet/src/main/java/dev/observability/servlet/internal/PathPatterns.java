package dev.observability.servlet.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Exact paths and {@code /prefix/*} patterns, matched the way servlet URL patterns are ({@code
 * /health/*} matches {@code /health} and everything below it). Immutable and thread-safe.
 */
public final class PathPatterns {

  private final String[] exact;
  private final String[] prefixes;

  private PathPatterns(String[] exact, String[] prefixes) {
    this.exact = exact;
    this.prefixes = prefixes;
  }

  /** Compiles {@code patterns} (validated by the configuration key). */
  public static PathPatterns of(List<String> patterns) {
    List<String> exact = new ArrayList<>();
    List<String> prefixes = new ArrayList<>();
    for (String pattern : patterns) {
      if (pattern.endsWith("/*")) {
        prefixes.add(pattern.substring(0, pattern.length() - 2));
      } else {
        exact.add(pattern);
      }
    }
    return new PathPatterns(exact.toArray(new String[0]), prefixes.toArray(new String[0]));
  }

  /** Whether {@code path} (within the web application) matches one of the patterns. */
  public boolean matches(String path) {
    for (String e : exact) {
      if (e.equals(path)) {
        return true;
      }
    }
    for (String prefix : prefixes) {
      if (path.startsWith(prefix)
          && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/')) {
        return true;
      }
    }
    return false;
  }
}
