package dev.observability;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The DEBUG lines one request logged, held for the case that it fails ({@code
 * logging.debug-on-error}): the logging module keeps them in the request's context under {@link
 * ObservationNames#BUFFERED_LOG_LINES}, writes them only if the request fails (5xx or an
 * exception), and discards them otherwise; the errors module adds them to the request's error event
 * as breadcrumbs.
 *
 * <p>Thread-safe: lines are added on the threads that log them and read on the thread that ends the
 * request.
 */
public interface BufferedLogLines {

  /**
   * A copy of the lines held now, oldest first; empty once they were written or discarded.
   *
   * @return the lines
   */
  List<Line> lines();

  /**
   * One held line, as logged: not scrubbed (every output scrubs what it writes).
   *
   * @param timestampMillis when it was logged, milliseconds since the epoch
   * @param level the level's name ({@code DEBUG})
   * @param logger the logger's name
   * @param message the formatted message
   * @param exceptionType the class name of the logged throwable, or null
   */
  record Line(
      long timestampMillis,
      String level,
      String logger,
      String message,
      @Nullable String exceptionType) {}
}
