package dev.observability.logging.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.observability.BufferedLogLines;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The DEBUG lines one request logged, held until it ends ({@code logging.debug-on-error}): at most
 * {@code maxLines} (the last ones: an older line is dropped for a newer), and only while the bytes
 * held over all requests stay within the shared budget (a line that does not fit is dropped). Drops
 * are counted in {@link LogCounters#DEBUG_BUFFER_FULL}. When the request ends, {@link #writeOut()}
 * hands the lines, in order, to their loggers' appenders, or {@link #discard()} forgets them;
 * either way their bytes return to the budget.
 *
 * <p>Thread-safe: lines may be added from any thread that logs within the request.
 */
final class RequestDebugLines implements BufferedLogLines {

  /** Estimated bytes of an event besides its message: the event, its MDC copy, the slot. */
  static final int OVERHEAD = 256;

  private final int maxLines;
  private final AtomicLong budget;

  // Guarded by this: a ring of the last lines, grown by doubling up to maxLines.
  private Logger[] loggers;
  private ILoggingEvent[] events;
  private int[] sizes;
  private int first;
  private int size;

  /** Set once the lines were written or discarded; read without the lock to skip late lines. */
  private volatile boolean closed;

  /**
   * Creates an empty buffer.
   *
   * @param maxLines lines held at most
   * @param budget bytes still free over all requests, shared and decremented as lines are held
   */
  RequestDebugLines(int maxLines, AtomicLong budget) {
    this.maxLines = maxLines;
    this.budget = budget;
    int initial = Math.min(maxLines, 8);
    this.loggers = new Logger[initial];
    this.events = new ILoggingEvent[initial];
    this.sizes = new int[initial];
  }

  /**
   * The buffer of a request that ended without holding a line: late lines (logged on another thread
   * after the request's end) find it and are dropped, as with DEBUG off.
   */
  static final RequestDebugLines ENDED = ended();

  private static RequestDebugLines ended() {
    RequestDebugLines lines = new RequestDebugLines(1, new AtomicLong());
    lines.discard();
    return lines;
  }

  /**
   * Holds {@code event} of {@code logger}; drops (and counts) what the bounds do not allow, and
   * drops without counting a line that comes after the request ended.
   */
  void add(Logger logger, ILoggingEvent event) {
    if (closed) {
      return;
    }
    String message = event.getFormattedMessage();
    int bytes = OVERHEAD + (message == null ? 0 : 2 * message.length());
    if (!reserve(bytes)) {
      LogCounters.DEBUG_BUFFER_FULL.increment();
      return;
    }
    int released = 0;
    boolean held;
    synchronized (this) {
      held = !closed;
      if (held) {
        if (size == events.length && size < maxLines) {
          grow(Math.min(maxLines, 2 * size));
        } else if (size == maxLines) {
          // Full: the oldest line makes room for the newest.
          released = sizes[first];
          events[first] = null;
          loggers[first] = null;
          first = (first + 1) % events.length;
          size--;
        }
        int slot = (first + size) % events.length;
        loggers[slot] = logger;
        events[slot] = event;
        sizes[slot] = bytes;
        size++;
      }
    }
    if (!held) {
      released = bytes;
    } else if (released > 0) {
      LogCounters.DEBUG_BUFFER_FULL.increment();
    }
    budget.addAndGet(released);
  }

  /** Copies the ring, oldest first, into arrays of {@code capacity}; under the lock. */
  private void grow(int capacity) {
    Logger[] grownLoggers = new Logger[capacity];
    ILoggingEvent[] grownEvents = new ILoggingEvent[capacity];
    int[] grownSizes = new int[capacity];
    for (int i = 0; i < size; i++) {
      int slot = (first + i) % events.length;
      grownLoggers[i] = loggers[slot];
      grownEvents[i] = events[slot];
      grownSizes[i] = sizes[slot];
    }
    loggers = grownLoggers;
    events = grownEvents;
    sizes = grownSizes;
    first = 0;
  }

  private boolean reserve(int bytes) {
    while (true) {
      long free = budget.get();
      if (free < bytes) {
        return false;
      }
      if (budget.compareAndSet(free, free - bytes)) {
        return true;
      }
    }
  }

  /** Lines held now (for tests). */
  synchronized int size() {
    return size;
  }

  /**
   * Writes the held lines, oldest first, to their loggers' appenders (past the loggers' levels and
   * the turbo filters, which held them), and empties the buffer.
   */
  void writeOut() {
    List<Logger> toLoggers;
    List<ILoggingEvent> toWrite;
    long released;
    synchronized (this) {
      toLoggers = new ArrayList<>(size);
      toWrite = new ArrayList<>(size);
      released = take(toLoggers, toWrite);
    }
    budget.addAndGet(released);
    for (int i = 0; i < toWrite.size(); i++) {
      toLoggers.get(i).callAppenders(toWrite.get(i));
    }
  }

  /** Forgets the held lines. */
  void discard() {
    long released;
    synchronized (this) {
      released = take(null, null);
    }
    budget.addAndGet(released);
  }

  /** Empties the ring into the lists (when given), closes it, and answers the bytes it held. */
  private long take(@Nullable List<Logger> toLoggers, @Nullable List<ILoggingEvent> toEvents) {
    long released = 0;
    for (int i = 0; i < size; i++) {
      int slot = (first + i) % events.length;
      if (toLoggers != null && toEvents != null) {
        toLoggers.add(loggers[slot]);
        toEvents.add(events[slot]);
      }
      released += sizes[slot];
      loggers[slot] = null;
      events[slot] = null;
    }
    first = 0;
    size = 0;
    closed = true;
    return released;
  }

  @Override
  public synchronized List<Line> lines() {
    List<Line> lines = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      ILoggingEvent event = events[(first + i) % events.length];
      IThrowableProxy thrown = event.getThrowableProxy();
      String message = event.getFormattedMessage();
      lines.add(
          new Line(
              event.getTimeStamp(),
              String.valueOf(event.getLevel()),
              String.valueOf(event.getLoggerName()),
              message == null ? "" : message,
              thrown == null ? null : thrown.getClassName()));
    }
    return lines;
  }
}
