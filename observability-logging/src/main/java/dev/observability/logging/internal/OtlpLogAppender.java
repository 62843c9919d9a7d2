package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;

/**
 * The Logback appender that hands every event to the OTLP log export. On the logging thread it only
 * captures the event ({@link CapturedEvent}) and queues it; mapping, scrubbing and export happen on
 * the export thread. Events logged on the export thread itself (an exporter's own complaints) are
 * not exported, so that a failing export cannot feed itself. Never throws into Logback: a capture
 * that fails is reported to the status manager and counted as an export failure.
 *
 * <p>Thread-safe (no lock: Logback's unsynchronized base).
 */
public final class OtlpLogAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

  /** Name of the appender in Logback. */
  public static final String NAME = "OBSERVABILITY_OTLP";

  private final OtlpLogExport export;
  private final boolean callerData;

  OtlpLogAppender(OtlpLogExport export, boolean callerData) {
    this.export = export;
    this.callerData = callerData;
    setName(NAME);
  }

  @Override
  protected void append(ILoggingEvent event) {
    if (export.isExportThread(Thread.currentThread())) {
      return;
    }
    CapturedEvent captured;
    try {
      captured = CapturedEvent.of(event, callerData);
    } catch (RuntimeException | LinkageError e) {
      export.captureFailed(e);
      return;
    }
    Level level = event.getLevel();
    export.pipeline().offer(captured, level != null && level.isGreaterOrEqual(Level.WARN));
  }
}
