package dev.observability.logging.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counts of log events the SDK did not write, by reason, and of encoder failures.
 * Components created from {@code logback.xml} count here too, so that the module exposes them all
 * ({@code observability_log_events_suppressed_total{reason}}, {@code
 * observability_log_encode_failures_total}). Monotonic since the JVM started; thread-safe.
 */
public final class LogCounters {

  /** DEBUG and TRACE events left out by sampling. */
  public static final LongAdder SAMPLED = new LongAdder();

  /** Events over the per-template rate limit. */
  public static final LongAdder RATE_LIMITED = new LongAdder();

  /** Events the async appender's full queue could not take. */
  public static final LongAdder QUEUE_FULL = new LongAdder();

  /** Events still queued when the async appender's flush time ran out on stop. */
  public static final LongAdder SHUTDOWN = new LongAdder();

  /** Lines lost because the output of a batching appender failed. */
  public static final LongAdder WRITE_FAILED = new LongAdder();

  /** DEBUG lines held for a request (logging.debug-on-error) dropped by the buffer's bounds. */
  public static final LongAdder DEBUG_BUFFER_FULL = new LongAdder();

  /** Events an encoder failed on and wrote as a minimal line. */
  public static final LongAdder ENCODE_FAILURES = new LongAdder();

  private LogCounters() {}
}
