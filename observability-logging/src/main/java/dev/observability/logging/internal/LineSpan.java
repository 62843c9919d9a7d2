package dev.observability.logging.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import org.jspecify.annotations.Nullable;

/**
 * Which span a log line names when the MDC holds an observation's ids: the span current on the
 * logging thread when it belongs to the same trace (it is then the MDC's span or a span inside it,
 * such as one of {@code @WithSpan} or one the host started with the tracer), else the MDC's. On a
 * background thread with no span current, the MDC's ids stand.
 */
public final class LineSpan {

  private LineSpan() {}

  /**
   * The current span, when it is valid and of the trace {@code mdcTraceId}; null otherwise.
   *
   * @param mdcTraceId the trace id the line's MDC holds, or null
   * @return the span the line should name instead of the MDC's, or null to keep the MDC's
   */
  public static @Nullable SpanContext inner(@Nullable String mdcTraceId) {
    if (mdcTraceId == null) {
      return null;
    }
    SpanContext current = Span.current().getSpanContext();
    return current.isValid() && current.getTraceId().equals(mdcTraceId) ? current : null;
  }
}
