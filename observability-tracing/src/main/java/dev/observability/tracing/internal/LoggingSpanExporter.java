package dev.observability.tracing.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code logging} exporter: one INFO line per span through SLF4J, on logger {@value #LOGGER}.
 * It sits behind the export pipeline, so what it writes was already scrubbed.
 *
 * <p>Thread-safe; called by the export thread.
 */
public final class LoggingSpanExporter implements SpanExporter {

  /** The logger name. */
  public static final String LOGGER = "dev.observability.tracing.spans";

  private static final Logger logger = LoggerFactory.getLogger(LOGGER);

  private final AtomicBoolean shutdown = new AtomicBoolean();

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    if (shutdown.get()) {
      return CompletableResultCode.ofFailure();
    }
    if (!logger.isInfoEnabled()) {
      return CompletableResultCode.ofSuccess();
    }
    StringBuilder line = new StringBuilder(256);
    for (SpanData span : spans) {
      line.setLength(0);
      line.append("span '")
          .append(span.getName())
          .append("' trace_id=")
          .append(span.getTraceId())
          .append(" span_id=")
          .append(span.getSpanId());
      if (span.getParentSpanContext().isValid()) {
        line.append(" parent_span_id=").append(span.getParentSpanId());
      }
      line.append(" kind=")
          .append(span.getKind())
          .append(" duration_ms=")
          .append((span.getEndEpochNanos() - span.getStartEpochNanos()) / 1_000_000.0)
          .append(" status=")
          .append(span.getStatus().getStatusCode());
      appendAttributes(line, span.getAttributes());
      logger.info(withoutControlCharacters(line));
    }
    return CompletableResultCode.ofSuccess();
  }

  /** One line, whatever the span holds: control characters (CR, LF, ...) become '?'. */
  private static String withoutControlCharacters(StringBuilder line) {
    for (int i = 0; i < line.length(); i++) {
      if (Character.isISOControl(line.charAt(i))) {
        line.setCharAt(i, '?');
      }
    }
    return line.toString();
  }

  private static void appendAttributes(StringBuilder line, Attributes attributes) {
    if (attributes.isEmpty()) {
      return;
    }
    line.append(" attributes={");
    boolean[] first = {true};
    attributes.forEach(
        (key, value) -> {
          if (!first[0]) {
            line.append(", ");
          }
          first[0] = false;
          line.append(key.getKey()).append('=').append(value);
        });
    line.append('}');
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    shutdown.set(true);
    return CompletableResultCode.ofSuccess();
  }
}
