package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.TurboFilterList;
import ch.qos.logback.core.spi.FilterReply;
import ch.qos.logback.core.spi.SequenceNumberGenerator;
import dev.observability.ErrorFingerprint;
import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import dev.observability.logging.LogVolumeFilter;
import dev.observability.scrub.Scrubber;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The logging module's part of the spine.
 *
 * <ul>
 *   <li>While an observation's scope is open, the MDC holds {@code trace_id} and {@code span_id} of
 *       its span (the one the tracing handler stored under {@link ObservationNames#SPAN}, else the
 *       current OpenTelemetry span) and {@code request_id} of the request it belongs to. Closing
 *       the scope restores the values that were there before, so nested observations unwind
 *       correctly.
 *   <li>When an HTTP server observation stops, one access-log line is written through the logger
 *       {@code dev.observability.access}: message {@code "request completed"} with {@code method},
 *       {@code path} (query string scrubbed), {@code route}, {@code status}, {@code duration_ms},
 *       and {@code sentry_event_id}, {@code error} (with the exception) and {@code
 *       error_fingerprint} when there was one. Its ids are put explicitly, since the scope is
 *       already closed then. 5xx responses are logged at WARN, the rest at INFO.
 * </ul>
 *
 * <p>Thread-safe: scope state is kept per thread.
 */
public final class LoggingObservationHandler implements ObservationHandler<Observation.Context> {

  /** The message of every access-log line. */
  public static final String ACCESS_MESSAGE = "request completed";

  private static final int MAX_SCOPE_DEPTH = 256;
  private static final int MAX_PARENT_WALK = 64;
  private static final String START_NANOS = "observability.logging.start-nanos";
  private static final long NO_START = Long.MIN_VALUE;
  private static final String SCOPE_SPAN = "observability.logging.span-context";

  private final boolean accessLog;
  private final boolean debugOnError;
  private final Scrubber scrubber;
  private final SensitiveKeys keys;
  private final Logger access = LoggerFactory.getLogger(LogVolumeFilter.ACCESS_LOGGER);
  private final ch.qos.logback.classic.@Nullable Logger logbackAccess =
      access instanceof ch.qos.logback.classic.Logger logback ? logback : null;
  // Per thread, the previous MDC values of each open scope, three per scope, and past
  // MAX_SCOPE_DEPTH how many scopes were not saved: {int[] {depth, unsaved}, String[] values}, so
  // that a scope allocates nothing. JDK types only: a container's thread that outlives a web
  // application then keeps none of the application's classes (Tomcat reports such values at
  // undeploy).
  private final ThreadLocal<Object[]> scopes = new ThreadLocal<>();

  /** Creates the handler, without {@code logging.debug-on-error}. */
  public LoggingObservationHandler(boolean accessLog, Scrubber scrubber) {
    this(accessLog, scrubber, false);
  }

  /**
   * Creates the handler.
   *
   * @param accessLog whether HTTP server requests get an access line
   * @param scrubber scrubs what the access line carries
   * @param debugOnError whether requests' held DEBUG lines are written or discarded at their end
   */
  public LoggingObservationHandler(boolean accessLog, Scrubber scrubber, boolean debugOnError) {
    this.accessLog = accessLog;
    this.debugOnError = debugOnError;
    this.scrubber = scrubber;
    this.keys = new SensitiveKeys(scrubber);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return true;
  }

  @Override
  public void onStart(Observation.Context context) {
    if (accessLog && context instanceof HttpServerObservationContext http && !http.isStarted()) {
      // Started by Micrometer's own observation, which stamps no start time: keep one.
      context.put(START_NANOS, System.nanoTime());
    }
  }

  @Override
  public void onScopeOpened(Observation.Context context) {
    Map<String, String> mdc = ThreadMdc.live();
    String previousTraceId = ThreadMdc.get(mdc, Fields.TRACE_ID);
    String previousSpanId = ThreadMdc.get(mdc, Fields.SPAN_ID);
    String previousRequestId = ThreadMdc.get(mdc, Fields.REQUEST_ID);
    if (!push(previousTraceId, previousSpanId, previousRequestId)) {
      return;
    }
    SpanContext span = storedSpan(context);
    if (span == null) {
      span = Span.current().getSpanContext();
      if (span.isValid()) {
        context.put(SCOPE_SPAN, span);
      }
    }
    if (span != null && span.isValid()) {
      set(Fields.TRACE_ID, span.getTraceId(), previousTraceId);
      set(Fields.SPAN_ID, span.getSpanId(), previousSpanId);
    }
    String requestId = requestId(context);
    if (requestId != null) {
      set(Fields.REQUEST_ID, requestId, previousRequestId);
    }
  }

  @Override
  public void onScopeClosed(Observation.Context context) {
    Object[] frame = scopes.get();
    if (frame == null) {
      return;
    }
    int[] counts = (int[]) frame[0];
    if (counts[1] > 0) {
      // A scope opened past the bound: nothing was saved for it.
      counts[1]--;
      return;
    }
    if (counts[0] == 0) {
      return;
    }
    int depth = --counts[0];
    String[] values = (String[]) frame[1];
    int at = depth * 3;
    String previousTraceId = values[at];
    String previousSpanId = values[at + 1];
    String previousRequestId = values[at + 2];
    values[at] = null;
    values[at + 1] = null;
    values[at + 2] = null;
    Map<String, String> mdc = ThreadMdc.live();
    String traceId = ThreadMdc.get(mdc, Fields.TRACE_ID);
    String spanId = ThreadMdc.get(mdc, Fields.SPAN_ID);
    String requestId = ThreadMdc.get(mdc, Fields.REQUEST_ID);
    set(Fields.TRACE_ID, previousTraceId, traceId);
    set(Fields.SPAN_ID, previousSpanId, spanId);
    set(Fields.REQUEST_ID, previousRequestId, requestId);
  }

  @Override
  public void onStop(Observation.Context context) {
    if (context instanceof HttpServerObservationContext http) {
      if (debugOnError) {
        endDebugLines(http);
      }
      if (accessLog) {
        writeAccessLine(http);
      }
    }
  }

  /**
   * {@code logging.debug-on-error}: the request's held DEBUG lines are written, before its access
   * line, if it failed, and discarded otherwise; a request that held none is marked ended, so that
   * a line logged for it later (on another thread) is not held for ever.
   */
  private static void endDebugLines(HttpServerObservationContext http) {
    Object held = http.get(ObservationNames.BUFFERED_LOG_LINES);
    if (held instanceof RequestDebugLines lines) {
      if (http.getStatus() >= 500 || http.getError() != null) {
        lines.writeOut();
      } else {
        lines.discard();
      }
    } else if (held == null) {
      http.put(ObservationNames.BUFFERED_LOG_LINES, RequestDebugLines.ENDED);
    }
  }

  private void writeAccessLine(HttpServerObservationContext http) {
    int status = http.getStatus();
    boolean serverError = status >= 500;
    if (serverError ? !access.isWarnEnabled() : !access.isInfoEnabled()) {
      return;
    }
    SpanContext span = storedSpan(http);
    if (span == null) {
      span = http.get(SCOPE_SPAN);
    }
    @Nullable String traceId = null;
    @Nullable String spanId = null;
    if (span != null && span.isValid()) {
      traceId = span.getTraceId();
      spanId = span.getSpanId();
    }
    @Nullable String requestId = http.getRequestId().isEmpty() ? null : http.getRequestId();
    ch.qos.logback.classic.Logger logback = logbackAccess;
    if (logback != null) {
      writeLogbackAccessLine(logback, http, status, serverError, traceId, spanId, requestId);
      return;
    }
    // Only keys whose value differs are changed, and only those are put back afterwards.
    String previousTraceId = MDC.get(Fields.TRACE_ID);
    String previousSpanId = MDC.get(Fields.SPAN_ID);
    String previousRequestId = MDC.get(Fields.REQUEST_ID);
    boolean traceIdSet = set(Fields.TRACE_ID, traceId, previousTraceId);
    boolean spanIdSet = set(Fields.SPAN_ID, spanId, previousSpanId);
    boolean requestIdSet = set(Fields.REQUEST_ID, requestId, previousRequestId);
    try {
      LoggingEventBuilder line = serverError ? access.atWarn() : access.atInfo();
      line.setMessage(ACCESS_MESSAGE)
          .addKeyValue("method", scrubber.scrub(cap(http.getMethod(), 32)))
          .addKeyValue("path", AccessPaths.scrubbed(http.getPath(), http.getQuery(), keys));
      String route = http.getRoute();
      if (route != null) {
        line.addKeyValue("route", scrubber.scrub(route));
      }
      line.addKeyValue("status", status);
      long start = startNanos(http);
      if (start != NO_START) {
        long nanos = http.stopNanosOrNow() - start;
        line.addKeyValue("duration_ms", Math.round(nanos / 1_000.0) / 1_000.0);
      }
      String eventId = errorEventId(http);
      if (eventId != null) {
        line.addKeyValue("sentry_event_id", eventId);
      }
      Throwable error = http.getError();
      if (error != null) {
        line.addKeyValue("error", error.getClass().getName()).setCause(error);
        line.addKeyValue(Fields.ERROR_FINGERPRINT, ErrorFingerprint.of(http));
      }
      line.log();
    } finally {
      if (traceIdSet) {
        set(Fields.TRACE_ID, previousTraceId, traceId);
      }
      if (spanIdSet) {
        set(Fields.SPAN_ID, previousSpanId, spanId);
      }
      if (requestIdSet) {
        set(Fields.REQUEST_ID, previousRequestId, requestId);
      }
    }
  }

  /**
   * Writes the access line as an {@link AccessLogEvent} straight to the access logger's appenders,
   * after the turbo filters Logback would consult: the same line as through the fluent API, without
   * its builder, key-value objects and MDC writes.
   */
  private void writeLogbackAccessLine(
      ch.qos.logback.classic.Logger logger,
      HttpServerObservationContext http,
      int status,
      boolean serverError,
      @Nullable String traceId,
      @Nullable String spanId,
      @Nullable String requestId) {
    Level level = serverError ? Level.WARN : Level.INFO;
    LoggerContext context = logger.getLoggerContext();
    TurboFilterList turbo = context.getTurboFilterList();
    if (!turbo.isEmpty()) {
      FilterReply reply =
          turbo.getTurboFilterChainDecision(null, logger, level, ACCESS_MESSAGE, null, null);
      if (reply == FilterReply.DENY) {
        return;
      }
    }
    long start = startNanos(http);
    double durationMs =
        start == NO_START
            ? Double.NaN
            : Math.round((http.stopNanosOrNow() - start) / 1_000.0) / 1_000.0;
    String route = http.getRoute();
    Throwable error = http.getError();
    SequenceNumberGenerator sequence = context.getSequenceNumberGenerator();
    logger.callAppenders(
        new AccessLogEvent(
            context.getLoggerContextRemoteView(),
            level,
            System.currentTimeMillis(),
            sequence == null ? 0 : sequence.nextSequenceNumber(),
            Thread.currentThread().getName(),
            traceId,
            spanId,
            requestId,
            ThreadMdc.current(),
            scrubber.scrub(cap(http.getMethod(), 32)),
            AccessPaths.scrubbed(http.getPath(), http.getQuery(), keys),
            route == null ? null : scrubber.scrub(route),
            status,
            durationMs,
            errorEventId(http),
            error,
            error == null ? null : ErrorFingerprint.of(http),
            scrubber));
  }

  /**
   * The {@link System#nanoTime()} at which the request's observation started: the SDK's stamp, or
   * the one this handler kept; {@link #NO_START} when it has neither.
   */
  private static long startNanos(HttpServerObservationContext http) {
    if (http.isStarted()) {
      return http.startNanos();
    }
    Long kept = http.get(START_NANOS);
    return kept == null ? NO_START : kept;
  }

  /**
   * Sets {@code key} to {@code value} (removes it for null) when that differs from {@code current},
   * the value it holds; whether it changed it. Logback copies the MDC map for the next log event
   * after every change, so unchanged values are not written again.
   */
  private static boolean set(String key, @Nullable String value, @Nullable String current) {
    if (Objects.equals(value, current)) {
      return false;
    }
    if (value == null) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
    return true;
  }

  private static String cap(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  /** The span the tracing handler stored for this observation or its nearest ancestor. */
  private static @Nullable SpanContext storedSpan(Observation.Context context) {
    Observation.ContextView current = context;
    for (int depth = 0; current != null && depth < MAX_PARENT_WALK; depth++) {
      Span span = current.get(ObservationNames.SPAN);
      if (span != null) {
        return span.getSpanContext();
      }
      ObservationView parent = current.getParentObservation();
      current = parent == null ? null : parent.getContextView();
    }
    return null;
  }

  /** The request id of the HTTP request this observation belongs to, or null. */
  private static @Nullable String requestId(Observation.Context context) {
    Observation.ContextView current = context;
    for (int depth = 0; current != null && depth < MAX_PARENT_WALK; depth++) {
      if (current instanceof HttpServerObservationContext http) {
        String id = http.getRequestId();
        return id.isEmpty() ? null : id;
      }
      ObservationView parent = current.getParentObservation();
      current = parent == null ? null : parent.getContextView();
    }
    return null;
  }

  private static @Nullable String errorEventId(Observation.Context context) {
    Object id = context.get(ObservationNames.ERROR_EVENT_ID);
    return id == null ? null : id.toString();
  }

  /** Saves the previous MDC values of a scope; false past the bound (the scope is counted). */
  private boolean push(
      @Nullable String traceId, @Nullable String spanId, @Nullable String requestId) {
    Object[] frame = scopes.get();
    if (frame == null) {
      frame = new Object[] {new int[2], new String[3 * 4]};
      scopes.set(frame);
    }
    int[] counts = (int[]) frame[0];
    int depth = counts[0];
    if (depth >= MAX_SCOPE_DEPTH) {
      counts[1]++;
      return false;
    }
    String[] values = (String[]) frame[1];
    int at = depth * 3;
    if (at + 3 > values.length) {
      values = Arrays.copyOf(values, Math.min(values.length * 2, 3 * MAX_SCOPE_DEPTH));
      frame[1] = values;
    }
    values[at] = traceId;
    values[at + 1] = spanId;
    values[at + 2] = requestId;
    counts[0] = depth + 1;
    return true;
  }
}
