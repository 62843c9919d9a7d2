package dev.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import dev.observability.logging.internal.LogCounters;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.jspecify.annotations.Nullable;

/**
 * Writes log lines in batches: each event is encoded on the thread that logs it, straight into a
 * bounded in-memory buffer, and a background thread writes the buffer to the output with one {@code
 * write} per batch, at most {@link #setFlushInterval flushInterval} (default 10 ms) after the first
 * line of the batch, or sooner when the buffer is half full.
 *
 * <p>Compared with a console or file appender that writes every event as it comes, a request thread
 * pays the encoding and a copy, never a system call; compared with a queue of events handed to
 * another thread, nothing is retained per event (no deferred processing of the event, no copy of
 * its MDC) and lines stay in the order they were logged. With {@link JsonEncoder} an event is
 * encoded into a reused buffer, so appending allocates nothing; other encoders' arrays are copied.
 *
 * <p>Bounds and policy: the buffer holds at most {@link #setBufferSize bufferSize} bytes (default
 * 256 KiB) and {@link #setMaxEvents maxEvents} lines (default 8192); while the background thread
 * writes one batch, the next fills a second buffer of the same size. When the buffer is full:
 *
 * <ul>
 *   <li>TRACE, DEBUG and INFO lines are dropped and counted in {@code
 *       observability_log_events_suppressed_total{reason="queue_full"}};
 *   <li>WARN and ERROR lines are never dropped: the logging thread writes what is buffered and its
 *       own line itself, in order, waiting for the output as a synchronous appender would.
 * </ul>
 *
 * <p>Durability: a line reaches the output up to the flush interval after it was logged. {@link
 * #stop()} and {@link #flush()} write everything buffered (the logging module stops the appender
 * when the SDK closes, and its shutdown hook does too); a JVM shutdown hook registered by {@link
 * #start()} flushes as well. Lines buffered when the process is killed outright are lost. A write
 * that fails is reported once to Logback's status manager and its lines are counted under {@code
 * reason="write_failed"}.
 *
 * <p>Usable from {@code logback.xml}:
 *
 * <pre>{@code
 * <appender name="JSON" class="dev.observability.logging.BatchingAppender">
 *   <target>System.out</target>            <!-- or System.err, or <file>/var/log/app.log</file> -->
 *   <encoder class="dev.observability.logging.JsonEncoder"/>
 * </appender>
 * }</pre>
 *
 * <p>Thread-safe.
 */
public class BatchingAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  /** Default capacity of one batch, in bytes. */
  public static final int DEFAULT_BUFFER_SIZE = 256 * 1024;

  /** Default cap on the lines of one batch. */
  public static final int DEFAULT_MAX_EVENTS = 8192;

  /** Default longest wait between a line and its write. */
  public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofMillis(10);

  private @Nullable Encoder<ILoggingEvent> encoder;
  private String target = "System.out";
  private @Nullable String file;
  private int bufferSize = DEFAULT_BUFFER_SIZE;
  private int maxEvents = DEFAULT_MAX_EVENTS;
  private Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
  private Duration maxFlushTime = Duration.ofSeconds(1);

  /**
   * Guards the filling buffer. Held for a copy, or by a WARN/ERROR line writing past a full one.
   */
  private final ReentrantLock fill = new ReentrantLock();

  /** Guards the output, so that batches and lines written by callers keep their order. */
  private final ReentrantLock output = new ReentrantLock();

  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong callerWrites = new AtomicLong();
  private final AtomicLong writeFailures = new AtomicLong();
  // Stateless: what a line is decides which one receives it.
  private final LineSink importantLines = new LineSink(this, true);
  private final LineSink otherLines = new LineSink(this, false);

  // Guarded by fill.
  private byte[] active = new byte[0];
  private int activeSize;
  private int activeEvents;
  private int highWater;

  // Owned by the writer thread (and stop(), after it ended), swapped under fill.
  private byte[] spare = new byte[0];

  private volatile @Nullable OutputStream out;
  private volatile @Nullable Thread writer;
  private volatile @Nullable Thread shutdownHook;
  private volatile boolean writerWaiting;
  private volatile boolean urgent;
  private volatile boolean stopping;
  private volatile boolean failureReported;

  /** Creates an appender writing to {@code System.out}; set an encoder, then start it. */
  public BatchingAppender() {}

  /**
   * Sets the encoder of the lines (required). {@link JsonEncoder} is encoded without copying.
   *
   * @param encoder the encoder
   */
  public void setEncoder(Encoder<ILoggingEvent> encoder) {
    this.encoder = encoder;
  }

  /**
   * The encoder.
   *
   * @return the encoder, or null before one is set
   */
  public @Nullable Encoder<ILoggingEvent> getEncoder() {
    return encoder;
  }

  /**
   * Sets the console output, {@code System.out} (default) or {@code System.err}; ignored when a
   * {@link #setFile file} is set. The stream is looked up at each write, so a stream the host sets
   * with {@link System#setOut} is honoured.
   *
   * @param target {@code System.out} or {@code System.err}
   * @throws IllegalArgumentException for any other value
   */
  public void setTarget(String target) {
    String t = target.trim();
    if (!t.equalsIgnoreCase("System.out") && !t.equalsIgnoreCase("System.err")) {
      throw new IllegalArgumentException(
          "target must be System.out or System.err, was '" + target + "'");
    }
    this.target = t.toLowerCase(Locale.ROOT).equals("system.err") ? "System.err" : "System.out";
  }

  /**
   * The console output.
   *
   * @return {@code System.out} or {@code System.err}
   */
  public String getTarget() {
    return target;
  }

  /**
   * Sets a file to append to instead of the console.
   *
   * @param file the file's path, or null for the console
   */
  public void setFile(@Nullable String file) {
    this.file = file == null || file.isBlank() ? null : file;
  }

  /**
   * The file appended to, or null for the console.
   *
   * @return the file's path, or null
   */
  public @Nullable String getFile() {
    return file;
  }

  /**
   * Sets the capacity of one batch in bytes (default 256 KiB; 16 KiB to 64 MiB). Two such buffers
   * are held.
   *
   * @param bytes the capacity of one batch, in bytes
   */
  public void setBufferSize(int bytes) {
    if (bytes < 16 * 1024 || bytes > 64 * 1024 * 1024) {
      throw new IllegalArgumentException(
          "bufferSize must be from 16384 to 67108864 bytes, was " + bytes);
    }
    this.bufferSize = bytes;
  }

  /**
   * The capacity of one batch, in bytes.
   *
   * @return the capacity in bytes
   */
  public int getBufferSize() {
    return bufferSize;
  }

  /**
   * Sets the cap on the lines of one batch (default 8192, at least 16).
   *
   * @param events the most lines in one batch
   */
  public void setMaxEvents(int events) {
    if (events < 16) {
      throw new IllegalArgumentException("maxEvents must be at least 16, was " + events);
    }
    this.maxEvents = events;
  }

  /**
   * The cap on the lines of one batch.
   *
   * @return the most lines in one batch
   */
  public int getMaxEvents() {
    return maxEvents;
  }

  /**
   * Sets the longest wait between a line and its write (default 10 ms; 1 ms to 10 s).
   *
   * @param interval the longest wait
   */
  public void setFlushInterval(Duration interval) {
    if (interval.compareTo(Duration.ofMillis(1)) < 0
        || interval.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException(
          "flushInterval must be from 1 ms to 10 s, was " + interval);
    }
    this.flushInterval = interval;
  }

  /**
   * Sets the flush interval in milliseconds, for {@code logback.xml}.
   *
   * @param millis the longest wait, in milliseconds
   */
  public void setFlushIntervalMillis(long millis) {
    setFlushInterval(Duration.ofMillis(millis));
  }

  /**
   * The longest wait between a line and its write.
   *
   * @return the longest wait
   */
  public Duration getFlushInterval() {
    return flushInterval;
  }

  /**
   * Sets how long {@link #stop()} waits for the background thread's last write (default 1 s).
   *
   * @param maxFlushTime how long to wait
   */
  public void setMaxFlushTime(Duration maxFlushTime) {
    if (maxFlushTime.isNegative()) {
      throw new IllegalArgumentException("maxFlushTime must not be negative");
    }
    this.maxFlushTime = maxFlushTime;
  }

  /**
   * Lines dropped because the buffer was full.
   *
   * @return the number of dropped lines
   */
  public long getDroppedCount() {
    return dropped.get();
  }

  /**
   * WARN and ERROR lines their own thread wrote because the buffer was full.
   *
   * @return the number of lines written by their own thread
   */
  public long getCallerWriteCount() {
    return callerWrites.get();
  }

  /**
   * Lines lost because the output failed.
   *
   * @return the number of lines lost
   */
  public long getWriteFailureCount() {
    return writeFailures.get();
  }

  @Override
  public void start() {
    if (isStarted()) {
      return;
    }
    if (encoder == null) {
      addError("No encoder set for the appender named [" + name + "].");
      return;
    }
    try {
      out = file == null ? null : new FileOutputStream(file, true);
    } catch (IOException | SecurityException e) {
      addError("Cannot open " + file + " for appending", e);
      return;
    }
    if (!encoder.isStarted()) {
      encoder.start();
    }
    fill.lock();
    try {
      active = new byte[bufferSize];
      activeSize = 0;
      activeEvents = 0;
      highWater = bufferSize / 2;
    } finally {
      fill.unlock();
    }
    spare = new byte[bufferSize];
    stopping = false;
    urgent = false;
    Thread thread =
        new Thread(this::writeLoop, "observability-log-writer-" + (name == null ? "" : name));
    thread.setDaemon(true);
    writer = thread;
    super.start();
    thread.start();
    Thread hook = new Thread(this::flush, "observability-log-writer-flush");
    try {
      Runtime.getRuntime().addShutdownHook(hook);
      shutdownHook = hook;
    } catch (IllegalStateException | SecurityException shuttingDown) {
      // The JVM is already shutting down: stop() flushes.
    }
  }

  @Override
  protected void append(ILoggingEvent event) {
    Encoder<ILoggingEvent> e = encoder;
    if (e == null || stopping) {
      return;
    }
    boolean important = event.getLevel().isGreaterOrEqual(Level.WARN);
    if (e instanceof JsonEncoder json) {
      try {
        json.encode(event, important ? importantLines : otherLines);
      } catch (IOException impossible) {
        // The sink does not throw; the encoder reports its own failures.
      }
    } else {
      byte[] line = e.encode(event);
      if (line != null && line.length > 0) {
        offer(line, 0, line.length, important);
      }
    }
  }

  /** Adds one encoded line to the batch, or handles a full buffer by the policy. */
  void offer(byte[] line, int off, int len, boolean important) {
    boolean wake = false;
    boolean through = false;
    fill.lock();
    try {
      if (activeSize + len <= active.length && activeEvents < maxEvents) {
        wake = append(line, off, len);
      } else if (important) {
        through = true;
      } else {
        dropped.incrementAndGet();
        LogCounters.QUEUE_FULL.increment();
      }
    } finally {
      fill.unlock();
    }
    if (wake) {
      wakeWriter();
    } else if (through) {
      writeThrough(line, off, len);
    }
  }

  /** Copies a line into the filling buffer; whether the writer should be woken. Holds fill. */
  private boolean append(byte[] line, int off, int len) {
    boolean first = activeSize == 0;
    System.arraycopy(line, off, active, activeSize, len);
    activeSize += len;
    activeEvents++;
    if (activeSize >= highWater && !urgent) {
      urgent = true;
      return true;
    }
    return first;
  }

  /**
   * A WARN or ERROR line found the buffer full: unless the writer made room meanwhile, write what
   * is buffered, then the line, on this thread and in order.
   */
  private void writeThrough(byte[] line, int off, int len) {
    boolean wake = false;
    output.lock();
    try {
      fill.lock();
      try {
        if (activeSize + len <= active.length && activeEvents < maxEvents) {
          wake = append(line, off, len);
        } else {
          callerWrites.incrementAndGet();
          write(active, 0, activeSize, activeEvents);
          activeSize = 0;
          activeEvents = 0;
          urgent = false;
          write(line, off, len, 1);
        }
      } finally {
        fill.unlock();
      }
    } finally {
      output.unlock();
    }
    if (wake) {
      wakeWriter();
    }
  }

  private void wakeWriter() {
    Thread w = writer;
    if (w != null && writerWaiting) {
      writerWaiting = false;
      LockSupport.unpark(w);
    }
  }

  private void writeLoop() {
    long intervalNanos = flushInterval.toNanos();
    while (true) {
      if (!stopping && !hasBuffered()) {
        writerWaiting = true;
        // Checked again once the flag is visible: a line may have come in between.
        if (!stopping && !hasBuffered()) {
          LockSupport.park(this);
        }
        writerWaiting = false;
      }
      if (!stopping && !urgent) {
        // Let the batch fill; a half-full buffer or stop() wakes this early.
        writerWaiting = true;
        LockSupport.parkNanos(this, intervalNanos);
        writerWaiting = false;
      }
      writeBatch();
      if (stopping && !hasBuffered()) {
        return;
      }
    }
  }

  private boolean hasBuffered() {
    fill.lock();
    try {
      return activeSize > 0;
    } finally {
      fill.unlock();
    }
  }

  /** Swaps the buffers and writes the full one, on the writer thread or the caller of flush(). */
  private void writeBatch() {
    output.lock();
    try {
      byte[] full;
      int size;
      int events;
      fill.lock();
      try {
        full = active;
        size = activeSize;
        events = activeEvents;
        active = spare;
        activeSize = 0;
        activeEvents = 0;
        urgent = false;
      } finally {
        fill.unlock();
      }
      spare = full;
      if (size > 0) {
        write(full, 0, size, events);
      }
    } finally {
      output.unlock();
    }
  }

  /**
   * Writes everything buffered now, on the calling thread. Lines logged meanwhile fill the other
   * buffer: a slow or stuck output holds up the caller, not the threads that log.
   */
  public void flush() {
    writeBatch();
  }

  /** Writes bytes to the output; called with {@link #output} held. */
  private void write(byte[] bytes, int off, int len, int events) {
    if (len == 0) {
      return;
    }
    try {
      OutputStream o = out;
      if (o != null) {
        o.write(bytes, off, len);
        o.flush();
      } else {
        PrintStream console = "System.err".equals(target) ? System.err : System.out;
        console.write(bytes, off, len);
        console.flush();
        if (console.checkError()) {
          throw new IOException("the console stream reported an error");
        }
      }
    } catch (IOException | RuntimeException e) {
      writeFailures.addAndGet(events);
      LogCounters.WRITE_FAILED.add(events);
      if (!failureReported) {
        failureReported = true;
        addWarn("Writing log lines failed; further failures are only counted", e);
      }
    }
  }

  /**
   * Writes what is buffered and stops the background thread, waiting at most the max flush time for
   * it; what it could not write is written on the calling thread. Idempotent.
   */
  @Override
  public void stop() {
    if (!isStarted()) {
      return;
    }
    stopping = true;
    super.stop();
    Thread thread = writer;
    if (thread != null) {
      LockSupport.unpark(thread);
      try {
        thread.join(Math.max(1, maxFlushTime.toMillis()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (thread.isAlive()) {
        addWarn("The log writer did not finish within " + maxFlushTime + "; writing the rest here");
      }
    }
    flush();
    writer = null;
    Thread hook = shutdownHook;
    shutdownHook = null;
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException | SecurityException shuttingDown) {
        // Removing a hook while the JVM shuts down is refused; it only flushes.
      }
    }
    OutputStream o = out;
    out = null;
    if (o != null) {
      try {
        o.close();
      } catch (IOException e) {
        addWarn("Closing " + file + " failed", e);
      }
    }
  }

  /** Receives the line {@link JsonEncoder} wrote into its reused buffer. Thread-safe. */
  private static final class LineSink extends OutputStream {
    private final BatchingAppender owner;
    private final boolean important;

    LineSink(BatchingAppender owner, boolean important) {
      this.owner = owner;
      this.important = important;
    }

    @Override
    public void write(int b) {
      owner.offer(new byte[] {(byte) b}, 0, 1, important);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      owner.offer(b, off, len, important);
    }
  }
}
