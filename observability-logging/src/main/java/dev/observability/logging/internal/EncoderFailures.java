package dev.observability.logging.internal;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.spi.ContextAware;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an encoder does when an event cannot be encoded: count it, report it to Logback's status
 * manager (never to a logger, which could loop back into the encoder) for the first few failures
 * and then every thousandth, and return a minimal valid JSON line. Thread-safe.
 */
public final class EncoderFailures {

  private static final int REPORT_FIRST = 5;
  private static final int REPORT_EVERY = 1000;

  private final ContextAware reporter;
  private final AtomicLong count = new AtomicLong();

  /** Reports through {@code reporter}'s status manager. */
  public EncoderFailures(ContextAware reporter) {
    this.reporter = reporter;
  }

  /** How many events failed so far. */
  public long count() {
    return count.get();
  }

  /** Records one failure and returns the minimal line for {@code event}. */
  public byte[] failed(ILoggingEvent event, Throwable error, ServiceFields service, int maxSize) {
    long n = count.incrementAndGet();
    LogCounters.ENCODE_FAILURES.increment();
    try {
      if (n <= REPORT_FIRST) {
        reporter.addError("Could not encode a log event; wrote a minimal line instead", error);
      } else if (n % REPORT_EVERY == 0) {
        reporter.addWarn(n + " log events could not be encoded so far; latest: " + error);
      }
    } catch (RuntimeException | LinkageError ignored) {
      // Reporting must not fail the append.
    }
    return minimalLine(event, error, service, maxSize);
  }

  /** A JSON line with what can be read safely from {@code event}. */
  static byte[] minimalLine(
      ILoggingEvent event, Throwable error, ServiceFields service, int maxSize) {
    JsonBuffer b = new JsonBuffer();
    int cap = Math.max(64, Math.min(256, maxSize / 16));
    b.write(JsonEventWriter.ascii("{\"timestamp\":\""));
    long timestamp;
    try {
      timestamp = event.getTimeStamp();
    } catch (RuntimeException e) {
      timestamp = System.currentTimeMillis();
    }
    b.writeTimestamp(timestamp);
    b.write(JsonEventWriter.ascii("\",\"level\":\""));
    b.writeEscaped(safe(() -> String.valueOf(event.getLevel())), cap);
    b.write(JsonEventWriter.ascii("\",\"logger\":\""));
    b.writeEscaped(safe(event::getLoggerName), cap);
    b.write('"');
    b.write(service.minimal());
    b.write(JsonEventWriter.ascii(",\"message\":\"log event could not be encoded ("));
    b.writeEscaped(error.getClass().getName(), cap);
    b.write(JsonEventWriter.ascii(")\",\"encoding_error\":true}\n"));
    return b.toByteArray();
  }

  private interface Read {
    String get();
  }

  private static String safe(Read read) {
    try {
      String s = read.get();
      return s == null ? "" : s;
    } catch (RuntimeException | LinkageError e) {
      return "";
    }
  }
}
