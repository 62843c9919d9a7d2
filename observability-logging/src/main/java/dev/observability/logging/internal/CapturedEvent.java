package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * What the OTLP export keeps of a log event when it is appended, so that the rest (scrubbing,
 * stack-trace rendering, attribute building) happens on the export thread. Key-value values are
 * made immutable here (numbers and booleans kept, anything else turned into its string, as the JSON
 * encoder would at the same moment); the MDC map and the throwable proxy are Logback's own
 * snapshots. The span is the one the JSON line names: the MDC's ids, else the current span.
 *
 * @param epochNanos when the event happened
 * @param observedNanos when the appender saw it
 * @param level the event's level
 * @param loggerName the logger
 * @param threadName the thread
 * @param message the formatted message, not scrubbed yet
 * @param mdc the MDC snapshot, or null
 * @param keyValues key-values as alternating keys and immutable values, or null
 * @param throwable the throwable snapshot, or null
 * @param caller the calling frame when caller data is on, or null
 * @param span the span the line belongs to (invalid when none)
 * @param requestId the request id, or null
 */
record CapturedEvent(
    long epochNanos,
    long observedNanos,
    @Nullable Level level,
    String loggerName,
    String threadName,
    String message,
    @Nullable Map<String, String> mdc,
    Object @Nullable [] keyValues,
    @Nullable IThrowableProxy throwable,
    @Nullable StackTraceElement caller,
    SpanContext span,
    @Nullable String requestId) {

  /** Captures {@code event} on the appending thread. Never throws for a readable event. */
  static CapturedEvent of(ILoggingEvent event, boolean callerData) {
    Instant instant = event.getInstant();
    long epochNanos =
        instant != null
            ? instant.getEpochSecond() * 1_000_000_000L + instant.getNano()
            : event.getTimeStamp() * 1_000_000L;
    String message = event.getFormattedMessage();
    Map<String, String> mdc = event.getMDCPropertyMap();
    String traceId = null;
    String spanId = null;
    String requestId = null;
    if (mdc != null) {
      traceId = mdc.get(Fields.TRACE_ID);
      spanId = mdc.get(Fields.SPAN_ID);
      requestId = mdc.get(Fields.REQUEST_ID);
    }
    SpanContext current = Span.current().getSpanContext();
    SpanContext span;
    if (traceId != null && spanId != null) {
      span =
          current.isValid() && current.getTraceId().equals(traceId)
              // The MDC's span, or a span inside it (LineSpan).
              ? current
              : SpanContext.create(
                  traceId, spanId, TraceFlags.getDefault(), TraceState.getDefault());
    } else {
      span = current;
    }
    StackTraceElement caller = null;
    if (callerData) {
      StackTraceElement[] frames = event.getCallerData();
      if (frames != null && frames.length > 0) {
        caller = frames[0];
      }
    }
    return new CapturedEvent(
        epochNanos,
        System.currentTimeMillis() * 1_000_000L,
        event.getLevel(),
        nonNull(event.getLoggerName()),
        nonNull(event.getThreadName()),
        message == null ? "" : message,
        mdc == null || mdc.isEmpty() ? null : mdc,
        keyValues(event.getKeyValuePairs()),
        event.getThrowableProxy(),
        caller,
        span,
        requestId);
  }

  private static Object @Nullable [] keyValues(@Nullable List<KeyValuePair> pairs) {
    if (pairs == null || pairs.isEmpty()) {
      return null;
    }
    Object[] flat = new Object[pairs.size() * 2];
    int n = 0;
    for (KeyValuePair pair : pairs) {
      if (pair == null) {
        continue;
      }
      flat[n++] = pair.key == null ? "null" : pair.key;
      flat[n++] = immutable(pair.value);
    }
    return flat;
  }

  private static @Nullable Object immutable(@Nullable Object value) {
    if (value == null
        || value instanceof String
        || value instanceof Boolean
        || value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte
        || value instanceof Double
        || value instanceof Float
        || value instanceof BigInteger
        || value instanceof BigDecimal) {
      return value;
    }
    if (value instanceof AtomicInteger || value instanceof AtomicLong) {
      return ((Number) value).longValue();
    }
    try {
      return String.valueOf(value);
    } catch (RuntimeException | LinkageError | StackOverflowError e) {
      return "<toString() of " + value.getClass().getName() + " failed>";
    }
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }
}
