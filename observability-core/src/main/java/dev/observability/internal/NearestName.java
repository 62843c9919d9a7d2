package dev.observability.internal;

import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The known name nearest to a misspelt one, for "did you mean" hints in configuration messages.
 *
 * <p>Distance is the optimal string alignment distance (insertions, deletions, substitutions and
 * transpositions of neighbours), ignoring case. Names longer than {@link #MAX_LENGTH} are not
 * compared, so that a hostile name costs nothing. Stateless and thread-safe.
 */
public final class NearestName {

  /** Names longer than this are never matched. */
  static final int MAX_LENGTH = 128;

  private NearestName() {}

  /**
   * The candidate nearest to {@code wanted}, or null when none is within {@code maxDistance}. Ties
   * go to the first candidate in iteration order.
   */
  public static @Nullable String of(String wanted, Collection<String> candidates, int maxDistance) {
    if (wanted.length() > MAX_LENGTH) {
      return null;
    }
    String a = wanted.toLowerCase(Locale.ROOT);
    String best = null;
    int bestDistance = maxDistance + 1;
    for (String candidate : candidates) {
      if (candidate.length() > MAX_LENGTH
          || Math.abs(candidate.length() - wanted.length()) >= bestDistance) {
        continue;
      }
      int d = distance(a, candidate.toLowerCase(Locale.ROOT));
      if (d < bestDistance && !candidate.equals(wanted)) {
        best = candidate;
        bestDistance = d;
      }
    }
    return best;
  }

  /** Optimal string alignment distance between {@code a} and {@code b}. */
  static int distance(String a, String b) {
    int n = a.length();
    int m = b.length();
    int[] before = new int[m + 1];
    int[] previous = new int[m + 1];
    int[] current = new int[m + 1];
    for (int j = 0; j <= m; j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= n; i++) {
      current[0] = i;
      for (int j = 1; j <= m; j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int d = Math.min(Math.min(previous[j] + 1, current[j - 1] + 1), previous[j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d = Math.min(d, before[j - 2] + 1);
        }
        current[j] = d;
      }
      int[] recycled = before;
      before = previous;
      previous = current;
      current = recycled;
    }
    return previous[m];
  }
}
