package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.LoggerContextVO;
import ch.qos.logback.classic.spi.ThrowableProxy;
import dev.observability.logging.LogVolumeFilter;
import dev.observability.scrub.Scrubber;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * The access-log line of one HTTP request as a Logback event, built from what the request's
 * observation already holds instead of through the SLF4J fluent API: no event builder, no key-value
 * objects, no MDC writes.
 *
 * <p>To any encoder it is an ordinary event of logger {@code dev.observability.access}: message
 * {@code "request completed"}, the key-values {@code method}, {@code path}, {@code route}, {@code
 * status}, {@code duration_ms}, {@code sentry_event_id}, {@code error}, {@code error_fingerprint}
 * (those present, in that order), and an MDC that holds the thread's MDC when the line was made
 * plus {@code trace_id}, {@code span_id} and {@code request_id}. When the request ended with an
 * exception, the event carries it too, so that the line has its stack trace under the request's
 * ids: the line that makes a failed request's stack trace findable by its trace id (the container's
 * own line for an exception that escaped the filter has no ids). The key-value list and that MDC
 * are built only when an encoder asks for them (both at once, kept in one field: the event stays at
 * 96 bytes); {@link JsonEventWriter} reads the fields directly.
 *
 * <p>Immutable once built (the lazily built views are idempotent), so it may be handed to another
 * thread without deferred processing.
 */
public final class AccessLogEvent implements ILoggingEvent {

  // The key-values' names, in their order on the line.
  static final String METHOD = "method";
  static final String PATH = "path";
  static final String ROUTE = "route";
  static final String STATUS = "status";
  static final String DURATION_MS = "duration_ms";
  static final String SENTRY_EVENT_ID = "sentry_event_id";
  static final String ERROR = "error";

  /** The names of the key-values, by the index {@link #forEachKeyValue} hands its sink. */
  static final String[] KEYS = {
    METHOD, PATH, ROUTE, STATUS, DURATION_MS, SENTRY_EVENT_ID, ERROR, Fields.ERROR_FINGERPRINT
  };

  static final int K_METHOD = 0;
  static final int K_PATH = 1;
  static final int K_ROUTE = 2;
  static final int K_STATUS = 3;
  static final int K_DURATION_MS = 4;
  static final int K_SENTRY_EVENT_ID = 5;
  static final int K_ERROR = 6;
  static final int K_ERROR_FINGERPRINT = 7;

  private static final StackTraceElement[] NO_CALLER = new StackTraceElement[0];

  private final LoggerContextVO context;
  private final Level level;
  private final long timestamp;
  private final long sequenceNumber;
  private final String threadName;
  private final @Nullable String traceId;
  private final @Nullable String spanId;
  private final @Nullable String requestId;
  private final Map<String, String> threadMdc;
  private final String method;
  private final String path;
  private final @Nullable String route;
  private final int status;
  private final double durationMs;
  private final @Nullable String sentryEventId;
  private final @Nullable ThrowableProxy throwable;
  private final @Nullable String errorFingerprint;
  private final Scrubber scrubber;

  private volatile @Nullable Views views;

  /**
   * Creates the event.
   *
   * @param context the logger context's view
   * @param level INFO, or WARN for a server error
   * @param timestamp milliseconds since the epoch
   * @param sequenceNumber the context's sequence number for the event, or 0
   * @param threadName the thread that logs it
   * @param traceId the request's trace id, or null
   * @param spanId the request's span id, or null
   * @param requestId the request id, or null
   * @param threadMdc the logging thread's MDC (an immutable view); its ids are replaced by these
   * @param method the request method, scrubbed and capped
   * @param path the path and scrubbed query
   * @param route the route template, scrubbed, or null
   * @param status the response status
   * @param durationMs the duration in milliseconds, or NaN when unknown
   * @param sentryEventId the error event's id, or null
   * @param error the exception the request ended with, or null
   * @param errorFingerprint the exception's {@code ErrorFingerprint}, or null
   * @param scrubber the scrubber {@code method}, {@code path} and {@code route} went through
   */
  public AccessLogEvent(
      LoggerContextVO context,
      Level level,
      long timestamp,
      long sequenceNumber,
      String threadName,
      @Nullable String traceId,
      @Nullable String spanId,
      @Nullable String requestId,
      Map<String, String> threadMdc,
      String method,
      String path,
      @Nullable String route,
      int status,
      double durationMs,
      @Nullable String sentryEventId,
      @Nullable Throwable error,
      @Nullable String errorFingerprint,
      Scrubber scrubber) {
    this.context = context;
    this.level = level;
    this.timestamp = timestamp;
    this.sequenceNumber = sequenceNumber;
    this.threadName = threadName;
    this.traceId = traceId;
    this.spanId = spanId;
    this.requestId = requestId;
    this.threadMdc = threadMdc;
    this.method = method;
    this.path = path;
    this.route = route;
    this.status = status;
    this.durationMs = durationMs;
    this.sentryEventId = sentryEventId;
    // Built now, as Logback builds it for any logged exception: only failed requests pay for it.
    this.throwable = error == null ? null : new ThrowableProxy(error);
    this.errorFingerprint = errorFingerprint;
    this.scrubber = scrubber;
  }

  /** The trace id, or null. */
  @Nullable String traceId() {
    return traceId;
  }

  /** The span id, or null. */
  @Nullable String spanId() {
    return spanId;
  }

  /** The request id, or null. */
  @Nullable String requestId() {
    return requestId;
  }

  /** The thread's MDC without the ids. */
  Map<String, String> threadMdc() {
    return threadMdc;
  }

  /**
   * Hands the key-values to {@code fields}, in order, by their index in {@link #KEYS}, without
   * building pairs or boxing.
   */
  void forEachKeyValue(KeyValueSink fields) {
    fields.text(K_METHOD, method, scrubber);
    fields.text(K_PATH, path, scrubber);
    if (route != null) {
      fields.text(K_ROUTE, route, scrubber);
    }
    fields.integer(K_STATUS, status);
    if (!Double.isNaN(durationMs)) {
      fields.decimal(K_DURATION_MS, durationMs);
    }
    if (sentryEventId != null) {
      fields.text(K_SENTRY_EVENT_ID, sentryEventId, null);
    }
    if (throwable != null) {
      fields.text(K_ERROR, throwable.getClassName(), null);
    }
    if (errorFingerprint != null) {
      fields.text(K_ERROR_FINGERPRINT, errorFingerprint, null);
    }
  }

  /** Receives the key-values of the line, by type; {@code key} indexes {@link #KEYS}. */
  interface KeyValueSink {
    /**
     * A text value; {@code scrubbedBy} is the scrubber it went through already, or null when it
     * went through none.
     */
    void text(int key, String value, @Nullable Scrubber scrubbedBy);

    /** A whole number. */
    void integer(int key, long value);

    /** A finite decimal number. */
    void decimal(int key, double value);
  }

  @Override
  public String getThreadName() {
    return threadName;
  }

  @Override
  public Level getLevel() {
    return level;
  }

  @Override
  public String getMessage() {
    return LoggingObservationHandler.ACCESS_MESSAGE;
  }

  @Override
  public Object @Nullable [] getArgumentArray() {
    return null;
  }

  @Override
  public String getFormattedMessage() {
    return LoggingObservationHandler.ACCESS_MESSAGE;
  }

  @Override
  public String getLoggerName() {
    return LogVolumeFilter.ACCESS_LOGGER;
  }

  @Override
  public LoggerContextVO getLoggerContextVO() {
    return context;
  }

  @Override
  public @Nullable IThrowableProxy getThrowableProxy() {
    return throwable;
  }

  @Override
  public StackTraceElement[] getCallerData() {
    return NO_CALLER;
  }

  @Override
  public boolean hasCallerData() {
    return false;
  }

  @Override
  public @Nullable List<Marker> getMarkerList() {
    return null;
  }

  @Override
  public Map<String, String> getMDCPropertyMap() {
    return views().mdc;
  }

  @Override
  @Deprecated
  @SuppressWarnings("deprecation") // still part of the interface
  public Map<String, String> getMdc() {
    return getMDCPropertyMap();
  }

  @Override
  public long getTimeStamp() {
    return timestamp;
  }

  @Override
  public int getNanoseconds() {
    return (int) Math.floorMod(timestamp, 1000L) * 1_000_000;
  }

  @Override
  public Instant getInstant() {
    return Instant.ofEpochMilli(timestamp);
  }

  @Override
  public long getSequenceNumber() {
    return sequenceNumber;
  }

  @Override
  public List<KeyValuePair> getKeyValuePairs() {
    return views().keyValues;
  }

  private Views views() {
    Views v = views;
    if (v == null) {
      v = new Views(keyValuePairs(), mdcWithIds());
      views = v;
    }
    return v;
  }

  private List<KeyValuePair> keyValuePairs() {
    ArrayList<KeyValuePair> list = new ArrayList<>(7);
    forEachKeyValue(
        new KeyValueSink() {
          @Override
          public void text(int key, String value, @Nullable Scrubber scrubbedBy) {
            list.add(new KeyValuePair(KEYS[key], value));
          }

          @Override
          public void integer(int key, long value) {
            list.add(
                new KeyValuePair(KEYS[key], (int) value == value ? (Object) (int) value : value));
          }

          @Override
          public void decimal(int key, double value) {
            list.add(new KeyValuePair(KEYS[key], value));
          }
        });
    return Collections.unmodifiableList(list);
  }

  private Map<String, String> mdcWithIds() {
    LinkedHashMap<String, String> merged = new LinkedHashMap<>(threadMdc);
    merged.remove(Fields.TRACE_ID);
    merged.remove(Fields.SPAN_ID);
    merged.remove(Fields.REQUEST_ID);
    if (traceId != null) {
      merged.put(Fields.TRACE_ID, traceId);
    }
    if (spanId != null) {
      merged.put(Fields.SPAN_ID, spanId);
    }
    if (requestId != null) {
      merged.put(Fields.REQUEST_ID, requestId);
    }
    return Collections.unmodifiableMap(merged);
  }

  /** The views other encoders ask for, built together the first time either is asked for. */
  private record Views(List<KeyValuePair> keyValues, Map<String, String> mdc) {}

  @Override
  public void prepareForDeferredProcessing() {
    // Immutable: nothing is read from the logging thread later.
  }

  @Override
  public String toString() {
    return "[" + level + "] " + LoggingObservationHandler.ACCESS_MESSAGE;
  }
}
