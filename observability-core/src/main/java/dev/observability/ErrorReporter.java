package dev.observability;

/**
 * Explicit error capture, reached through {@link Observability#errors()}. The errors module
 * provides the implementation; without it, every call does nothing.
 *
 * <p>Thread-safe. Calls never throw and never block on I/O.
 */
public interface ErrorReporter {

  /**
   * Reports {@code error} with the current request's context (trace id, endpoint, user), once:
   * reporting the same throwable again, from here or from any capture point, sends nothing.
   *
   * @param error the throwable to report
   * @return the event id, or an empty string when nothing was sent
   */
  String capture(Throwable error);

  /**
   * Reports a message at error level with the current request's context.
   *
   * @param message the message to report
   * @return the event id, or an empty string when nothing was sent
   */
  String capture(String message);

  /**
   * An implementation that reports nothing.
   *
   * @return the no-op reporter
   */
  static ErrorReporter noop() {
    return NoopErrorReporter.INSTANCE;
  }
}

enum NoopErrorReporter implements ErrorReporter {
  INSTANCE;

  @Override
  public String capture(Throwable error) {
    return "";
  }

  @Override
  public String capture(String message) {
    return "";
  }
}
