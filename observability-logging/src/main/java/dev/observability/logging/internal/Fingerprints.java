package dev.observability.logging.internal;

import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import dev.observability.ErrorFingerprint;
import org.jspecify.annotations.Nullable;

/**
 * The {@link ErrorFingerprint} of a logged exception, the same that the request's access line, span
 * and error event carry, made from the event's throwable proxy (which holds the same frames as the
 * throwable, also when the event was copied or deserialised). Stateless and thread-safe.
 */
public final class Fingerprints {

  private static final int MAX_CAUSES = 64;

  private Fingerprints() {}

  /**
   * The fingerprint of {@code proxy}'s root cause, or null when it cannot be made. Reads the frames
   * the proxy holds, without copying them.
   */
  public static @Nullable String of(IThrowableProxy proxy) {
    try {
      IThrowableProxy root = proxy;
      for (int depth = 0; depth < MAX_CAUSES; depth++) {
        IThrowableProxy cause = root.getCause();
        if (cause == null || cause == root) {
          break;
        }
        root = cause;
      }
      String type = root.getClassName();
      StackTraceElementProxy[] steps = root.getStackTraceElementProxyArray();
      if (type == null) {
        return null;
      }
      if (steps == null) {
        return ErrorFingerprint.of(type, null);
      }
      return ErrorFingerprint.of(
          type, steps.length, i -> steps[i] == null ? null : steps[i].getStackTraceElement());
    } catch (RuntimeException e) {
      // An odd proxy: the line goes out without the fingerprint.
      return null;
    }
  }
}
