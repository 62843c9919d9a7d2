package dev.observability.errors.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The module's own meters (the SDK's health), named so that Prometheus renders them as {@code
 * docs/signals.md} lists: {@code observability_errors_*}. Every counter is registered at start, so
 * that a zero is visible before the first failure.
 *
 * <p>Thread-safe.
 */
public final class ErrorsMeters {

  /** Counter: events not sent because flood control suppressed them. */
  public static final String SUPPRESSED = "observability.errors.suppressed";

  /** Counter, tag {@code reason}: events that did not reach Sentry after they were built. */
  public static final String SEND_FAILURES = "observability.errors.send.failures";

  /** Counter: events Sentry accepted. */
  public static final String SENT = "observability.errors.sent";

  /** Counter: events not sent because of {@code errors.sample-rate}. */
  public static final String SAMPLED_OUT = "observability.errors.sampled.out";

  /** Counter: captures of a throwable (or of its cause chain) that was already reported. */
  public static final String DUPLICATES = "observability.errors.duplicates";

  /** Counter, tag {@code map}: entries that fell off a bounded map keyed by input. */
  public static final String EVICTED = "observability.errors.evicted";

  /** Gauge: events accepted by the sender and not yet delivered or failed. */
  public static final String QUEUED = "observability.errors.queued";

  /** Why an event built for Sentry did not reach it. */
  public enum FailureReason {
    /** The sender's bounded queue was full. */
    QUEUE_FULL,
    /** Sentry answered 429, or the back-off it asked for was still running. */
    RATE_LIMITED,
    /** Sentry answered with another error status. */
    HTTP_ERROR,
    /** No answer: connection refused, reset, or timed out. */
    NETWORK_ERROR,
    /** Still queued when close() ran out of its flush budget. */
    SHUTDOWN,
    /** Dropped before the sender: scrubbing or serialisation failed. */
    DROPPED;

    /** The tag value. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Counter suppressed;
  private final Counter sent;
  private final Counter sampledOut;
  private final Counter duplicates;
  private final Counter evictedReported;
  private final Counter evictedFingerprints;
  private final Map<FailureReason, Counter> failures = new EnumMap<>(FailureReason.class);

  /** Registers the meters in {@code registry}; {@code queued} feeds the queue gauge. */
  public ErrorsMeters(MeterRegistry registry, Supplier<Number> queued) {
    suppressed =
        Counter.builder(SUPPRESSED)
            .description("Error events suppressed by per-fingerprint flood control")
            .register(registry);
    sent = Counter.builder(SENT).description("Error events accepted by Sentry").register(registry);
    sampledOut =
        Counter.builder(SAMPLED_OUT)
            .description("Error events dropped by errors.sample-rate")
            .register(registry);
    duplicates =
        Counter.builder(DUPLICATES)
            .description("Captures of an exception already reported, not sent again")
            .register(registry);
    evictedReported = evicted(registry, "reported");
    evictedFingerprints = evicted(registry, "fingerprints");
    for (FailureReason reason : FailureReason.values()) {
      failures.put(
          reason,
          Counter.builder(SEND_FAILURES)
              .description("Error events that did not reach Sentry, by reason")
              .tag("reason", reason.tag())
              .register(registry));
    }
    Gauge.builder(QUEUED, queued)
        .description("Error events waiting for, or in, delivery to Sentry")
        .strongReference(true)
        .register(registry);
  }

  private static Counter evicted(MeterRegistry registry, String map) {
    return Counter.builder(EVICTED)
        .description("Entries that fell off a bounded map of the errors module")
        .tag("map", map)
        .register(registry);
  }

  void suppressed() {
    suppressed.increment();
  }

  void sent() {
    sent.increment();
  }

  void sampledOut() {
    sampledOut.increment();
  }

  void duplicate() {
    duplicates.increment();
  }

  void evictedReported(long n) {
    evictedReported.increment(n);
  }

  void evictedFingerprint(long n) {
    evictedFingerprints.increment(n);
  }

  void failed(FailureReason reason) {
    Counter counter = failures.get(reason);
    if (counter != null) {
      counter.increment();
    }
  }
}
