package dev.observability.logging.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * The OTLP log export's meters, registered up front so that recording is a counter increment:
 * {@code observability_log_records_exported_total}, {@code
 * observability_log_records_dropped_total{reason}} ({@code queue_full}, {@code export_failed},
 * {@code shutdown}) and the gauge {@code observability_log_records_queued}. Thread-safe.
 */
public final class OtlpLogMeters {

  /** Meter of records the exporter accepted. */
  public static final String EXPORTED = "observability.log.records.exported";

  /** Meter of records meant for export and dropped, by {@code reason}. */
  public static final String DROPPED = "observability.log.records.dropped";

  /** Gauge of records waiting for export. */
  public static final String QUEUED = "observability.log.records.queued";

  final LongAdder exported = new LongAdder();
  final LongAdder queueFull = new LongAdder();
  final LongAdder exportFailed = new LongAdder();
  final LongAdder shutdown = new LongAdder();

  /** Registers the meters; {@code queued} is read when the registry publishes. */
  public OtlpLogMeters(MeterRegistry registry, Supplier<Number> queued) {
    FunctionCounter.builder(EXPORTED, exported, LongAdder::doubleValue)
        .description("Log records accepted by the OTLP log exporter")
        .register(registry);
    dropped(registry, "queue_full", queueFull);
    dropped(registry, "export_failed", exportFailed);
    dropped(registry, "shutdown", shutdown);
    Gauge.builder(QUEUED, queued).description("Log records waiting for export").register(registry);
  }

  private static void dropped(MeterRegistry registry, String reason, LongAdder adder) {
    FunctionCounter.builder(DROPPED, adder, LongAdder::doubleValue)
        .description("Log records meant for OTLP export but dropped, by reason")
        .tag("reason", reason)
        .register(registry);
  }
}
