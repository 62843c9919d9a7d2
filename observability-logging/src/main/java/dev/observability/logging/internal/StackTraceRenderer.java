package dev.observability.logging.internal;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.observability.scrub.Scrubber;
import org.jspecify.annotations.Nullable;

/**
 * Renders a Logback {@link IThrowableProxy} as bounded text, root cause first:
 *
 * <pre>
 * java.sql.SQLException: connection refused
 * \tat org.h2.Driver.connect(Driver.java:59)
 * \t...
 * Wrapped by: java.lang.IllegalStateException: cannot load user
 * \tat com.example.UserDao.find(UserDao.java:42)
 * \t... 12 common frames omitted
 * </pre>
 *
 * <p>Frames that a wrapper shares with the cause printed before it are folded into one "common
 * frames omitted" line. At most {@code maxFrames} frames are printed per throwable, at most {@code
 * maxCauses} throwables of the cause chain (the root cause and those nearest to it, plus the logged
 * throwable itself), and at most {@code maxSuppressed} suppressed throwables per throwable (caption
 * and frames, without their own causes). The text is cut at {@code maxLength} characters. Every
 * exception message goes through the scrubber.
 *
 * <p>Immutable and thread-safe.
 */
public final class StackTraceRenderer {

  private static final int CHAIN_HARD_LIMIT = 1024;

  private final int maxFrames;
  private final int maxCauses;
  private final int maxLength;
  private final int maxSuppressed;

  /** Creates a renderer with the given bounds (each at least 1). */
  public StackTraceRenderer(int maxFrames, int maxCauses, int maxLength) {
    this.maxFrames = Math.max(1, maxFrames);
    this.maxCauses = Math.max(1, maxCauses);
    this.maxLength = Math.max(1, maxLength);
    this.maxSuppressed = 5;
  }

  /** The maximum length of the rendered text, in characters. */
  public int maxLength() {
    return maxLength;
  }

  /** Appends the rendered trace of {@code top} to {@code out} (which the caller cleared). */
  public void render(IThrowableProxy top, Scrubber scrubber, StringBuilder out) {
    IThrowableProxy[] chain = new IThrowableProxy[Math.min(maxCauses + 1, 64)];
    int length = 0;
    int total = 0;
    // Collect the cause chain: keep the logged throwable and the maxCauses - 1 nearest the root.
    IThrowableProxy[] ring = new IThrowableProxy[Math.max(1, maxCauses - 1)];
    IThrowableProxy current = top.getCause();
    IThrowableProxy previous = top;
    while (current != null && total < CHAIN_HARD_LIMIT && !previous.isCyclic()) {
      ring[total % ring.length] = current;
      total++;
      previous = current;
      current = current.getCause();
    }
    chain[length++] = top;
    int kept = Math.min(total, maxCauses - 1);
    for (int i = total - kept; i < total; i++) {
      chain[length++] = ring[i % ring.length];
    }
    int omittedCauses = total - kept;

    // Root cause first: walk the kept chain backwards.
    for (int i = length - 1; i >= 0; i--) {
      if (out.length() >= maxLength) {
        break;
      }
      IThrowableProxy t = chain[i];
      boolean innermost = i == length - 1;
      if (!innermost) {
        out.append("Wrapped by: ");
      }
      caption(t, scrubber, out);
      // Fold the frames this throwable shares with the cause printed just before it, when that
      // cause is its direct cause (not across omitted links).
      int common = 0;
      if (!innermost && (i != 0 || omittedCauses == 0)) {
        common = chain[i + 1].getCommonFrames();
      }
      frames(t, common, "\t", out);
      suppressed(t, scrubber, out);
      if (i == 1 && omittedCauses > 0 && out.length() < maxLength) {
        out.append("\t... ").append(omittedCauses).append(" wrapping exceptions omitted\n");
      }
    }
    if (out.length() > maxLength) {
      out.setLength(maxLength);
      // Do not leave half a surrogate pair behind.
      if (Character.isHighSurrogate(out.charAt(maxLength - 1))) {
        out.setLength(maxLength - 1);
      }
    }
  }

  private void caption(IThrowableProxy t, Scrubber scrubber, StringBuilder out) {
    out.append(t.getClassName());
    String message = message(t);
    if (message != null) {
      out.append(": ");
      scrubber.scrubTo(message, out);
    }
    out.append('\n');
  }

  private void frames(IThrowableProxy t, int common, String indent, StringBuilder out) {
    StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
    if (frames == null) {
      return;
    }
    int own = Math.max(0, frames.length - Math.max(0, common));
    int shown = Math.min(own, maxFrames);
    for (int f = 0; f < shown; f++) {
      if (out.length() >= maxLength) {
        return;
      }
      out.append(indent).append("at ");
      StackTraceElementProxy proxy = frames[f];
      StackTraceElement e = proxy == null ? null : proxy.getStackTraceElement();
      if (e == null) {
        out.append("<unknown>\n");
        continue;
      }
      out.append(e.getClassName()).append('.').append(e.getMethodName()).append('(');
      String file = e.getFileName();
      if (e.isNativeMethod()) {
        out.append("Native Method");
      } else if (file == null) {
        out.append("Unknown Source");
      } else {
        out.append(file);
        if (e.getLineNumber() >= 0) {
          out.append(':').append(e.getLineNumber());
        }
      }
      out.append(")\n");
    }
    if (own > shown) {
      out.append(indent).append("... ").append(own - shown).append(" frames truncated\n");
    }
    if (common > 0 && own < frames.length) {
      out.append(indent).append("... ").append(frames.length - own);
      out.append(" common frames omitted\n");
    }
  }

  private void suppressed(IThrowableProxy t, Scrubber scrubber, StringBuilder out) {
    IThrowableProxy[] suppressed = t.getSuppressed();
    if (suppressed == null) {
      return;
    }
    int shown = Math.min(suppressed.length, maxSuppressed);
    for (int s = 0; s < shown && out.length() < maxLength; s++) {
      IThrowableProxy sup = suppressed[s];
      if (sup == null) {
        continue;
      }
      out.append("\tSuppressed: ");
      caption(sup, scrubber, out);
      frames(sup, sup.getCommonFrames(), "\t\t", out);
    }
    if (suppressed.length > shown && out.length() < maxLength) {
      out.append("\t... ").append(suppressed.length - shown).append(" suppressed omitted\n");
    }
  }

  /**
   * The message of {@code t}, or null. (Logback's "overriding message" is a custom {@code
   * toString()}, which may carry anything: it is not used.)
   */
  static @Nullable String message(IThrowableProxy t) {
    return t.getMessage();
  }
}
