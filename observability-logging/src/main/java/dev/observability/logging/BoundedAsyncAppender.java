package dev.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import dev.observability.logging.internal.LogCounters;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Hands events to its attached appenders on one background thread, through a bounded queue, with an
 * explicit policy:
 *
 * <ul>
 *   <li>TRACE, DEBUG and INFO events are dropped when the queue is full, or when fewer than a fifth
 *       of its slots are free (that reserve is kept for warnings and errors). Each drop is counted
 *       in {@code observability_log_events_suppressed_total{reason="queue_full"}}.
 *   <li>WARN and ERROR events are never dropped: they are queued, and when even the reserve is full
 *       they are written on the calling thread (the caller runs, as with {@link
 *       java.util.concurrent.ThreadPoolExecutor.CallerRunsPolicy}), as it would be without this
 *       appender. Memory stays bounded; the cost of overload falls on the threads that produce
 *       warnings, and if the output itself is stuck such a thread waits for it exactly as with
 *       synchronous logging. Such a line may appear before lines queued earlier.
 * </ul>
 *
 * <p>The OpenTelemetry span current on the logging thread is carried to the background thread, so
 * that {@link JsonEncoder} writes the right {@code trace_id} and {@code span_id}. MDC, message and
 * (with {@link #setIncludeCallerData includeCallerData}) caller data are captured before queuing.
 *
 * <p>{@link #stop()} drains the queue for at most {@link #setMaxFlushTime maxFlushTime} (default 1
 * s); events still queued then are counted under {@code reason="shutdown"}.
 *
 * <p>Usable from {@code logback.xml} with {@code <appender-ref>} children. Thread-safe.
 */
public class BoundedAsyncAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
    implements AppenderAttachable<ILoggingEvent> {

  /** Default queue capacity. */
  public static final int DEFAULT_QUEUE_SIZE = 8192;

  private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
  private int queueSize = DEFAULT_QUEUE_SIZE;
  private boolean includeCallerData;
  private Duration maxFlushTime = Duration.ofSeconds(1);
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong callerRuns = new AtomicLong();

  private volatile @Nullable BlockingQueue<Entry> queue;
  private volatile @Nullable Thread worker;
  private volatile boolean stopping;
  private int reserve;

  /** Creates an appender with a queue of {@link #DEFAULT_QUEUE_SIZE}. */
  public BoundedAsyncAppender() {}

  /**
   * Sets the queue capacity (default 8192, at least 16).
   *
   * @param queueSize the queue capacity
   */
  public void setQueueSize(int queueSize) {
    if (queueSize < 16) {
      throw new IllegalArgumentException("queueSize must be at least 16, was " + queueSize);
    }
    this.queueSize = queueSize;
  }

  /**
   * The queue capacity.
   *
   * @return the queue capacity
   */
  public int getQueueSize() {
    return queueSize;
  }

  /**
   * Whether caller data is computed on the logging thread before queuing (default off).
   *
   * @param includeCallerData true to compute caller data before queuing
   */
  public void setIncludeCallerData(boolean includeCallerData) {
    this.includeCallerData = includeCallerData;
  }

  /**
   * Sets how long {@link #stop()} drains the queue (default 1 s).
   *
   * @param maxFlushTime how long to drain
   */
  public void setMaxFlushTime(Duration maxFlushTime) {
    if (maxFlushTime.isNegative()) {
      throw new IllegalArgumentException("maxFlushTime must not be negative");
    }
    this.maxFlushTime = maxFlushTime;
  }

  /**
   * Sets how long {@link #stop()} drains the queue, in milliseconds, for {@code logback.xml}.
   *
   * @param millis how long to drain, in milliseconds
   */
  public void setMaxFlushTimeMillis(long millis) {
    setMaxFlushTime(Duration.ofMillis(millis));
  }

  /**
   * Events this appender dropped (queue full, or still queued at stop).
   *
   * @return the number of dropped events
   */
  public long getDroppedCount() {
    return dropped.get();
  }

  /**
   * WARN and ERROR events written on the calling thread because the queue was full.
   *
   * @return the number of events written on the calling thread
   */
  public long getCallerRunsCount() {
    return callerRuns.get();
  }

  /**
   * Events waiting in the queue.
   *
   * @return the number of queued events
   */
  public int getQueuedCount() {
    BlockingQueue<Entry> q = queue;
    return q == null ? 0 : q.size();
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    BlockingQueue<Entry> q = new ArrayBlockingQueue<>(queueSize);
    queue = q;
    reserve = queueSize / 5;
    stopping = false;
    Thread thread =
        new Thread(
            () -> drain(q),
            "observability-log-async-" + (getName() == null ? "appender" : getName()));
    thread.setDaemon(true);
    worker = thread;
    super.start();
    thread.start();
  }

  @Override
  protected void append(ILoggingEvent event) {
    BlockingQueue<Entry> q = queue;
    if (q == null || stopping) {
      return;
    }
    event.prepareForDeferredProcessing();
    if (includeCallerData) {
      event.getCallerData();
    }
    // Carried whenever valid: without MDC ids it is the line's span, with them it may be a span
    // inside the MDC's (LineSpan), which the encoder then names.
    SpanContext current = Span.current().getSpanContext();
    SpanContext span = current.isValid() ? current : null;
    Entry entry = new Entry(event, span);
    if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
      if (!q.offer(entry)) {
        // Never drop a warning: write it here, at the cost of this thread's time.
        callerRuns.incrementAndGet();
        dispatch(event, null);
      }
      return;
    }
    if (q.remainingCapacity() <= reserve || !q.offer(entry)) {
      dropped.incrementAndGet();
      LogCounters.QUEUE_FULL.increment();
    }
  }

  private void drain(BlockingQueue<Entry> q) {
    while (true) {
      Entry entry;
      try {
        entry = q.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        // Interrupted by stop() after the flush time: give up on what is left.
        return;
      }
      if (entry == null) {
        if (stopping) {
          return;
        }
        continue;
      }
      dispatch(entry.event(), entry.span());
    }
  }

  private void dispatch(ILoggingEvent event, @Nullable SpanContext span) {
    try {
      if (span != null) {
        Scope scope = Context.current().with(Span.wrap(span)).makeCurrent();
        try {
          appenders.appendLoopOnAppenders(event);
        } finally {
          scope.close();
        }
      } else {
        appenders.appendLoopOnAppenders(event);
      }
    } catch (RuntimeException | LinkageError e) {
      addWarn("An attached appender failed", e);
    }
  }

  /** Drains the queue for at most the flush time, then stops the background thread. */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    stopping = true;
    super.stop();
    Thread thread = worker;
    BlockingQueue<Entry> q = queue;
    if (thread != null) {
      try {
        thread.join(Math.max(1, maxFlushTime.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        thread.interrupt();
        addWarn("Log queue not drained within " + maxFlushTime + "; remaining events dropped");
      }
    }
    if (q != null) {
      int left = q.size();
      q.clear();
      if (left > 0) {
        dropped.addAndGet(left);
        LogCounters.SHUTDOWN.add(left);
      }
    }
    worker = null;
  }

  @Override
  public void addAppender(Appender<ILoggingEvent> appender) {
    appenders.addAppender(appender);
  }

  @Override
  public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
    return appenders.iteratorForAppenders();
  }

  @Override
  public @Nullable Appender<ILoggingEvent> getAppender(String name) {
    return appenders.getAppender(name);
  }

  @Override
  public boolean isAttached(Appender<ILoggingEvent> appender) {
    return appenders.isAttached(appender);
  }

  @Override
  public void detachAndStopAllAppenders() {
    appenders.detachAndStopAllAppenders();
  }

  @Override
  public boolean detachAppender(Appender<ILoggingEvent> appender) {
    return appenders.detachAppender(appender);
  }

  @Override
  public boolean detachAppender(String name) {
    return appenders.detachAppender(name);
  }

  private record Entry(ILoggingEvent event, @Nullable SpanContext span) {}
}
