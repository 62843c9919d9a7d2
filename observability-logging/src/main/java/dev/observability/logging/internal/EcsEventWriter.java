package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.observability.internal.ScratchPool;
import dev.observability.logging.LogVolumeFilter;
import dev.observability.scrub.Scrubber;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * Writes one Logback event as one line of Elastic Common Schema JSON, following the ECS logging
 * specification: {@code @timestamp}, {@code log.level} and {@code message} first, dotted field
 * names at top level, {@code ecs.version}, the service, the correlation ids as ECS tracing fields
 * ({@code trace.id}, {@code span.id}, {@code transaction.id}) and {@code http.request.id}, {@code
 * error.*} for an exception, {@code http.*}, {@code url.*} and {@code event.*} on the access line,
 * and every other key-value and MDC entry under {@code labels} (string values, keys with {@code .},
 * {@code *} and {@code \} replaced by {@code _}), so that no application key can collide with an
 * ECS field's mapping. See {@code docs/logging.md} for the field list.
 *
 * <p>Scrubbing and bounds are those of the JSON lines: every message, label value, exception
 * message and stack trace passes the scrubber; a line longer than {@code maxEventSize} bytes is
 * written again with the stack trace cut first, then the messages down to a floor, then labels, and
 * is tagged {@code "tags":["truncated"]}; if even that does not fit, a minimal line is written.
 *
 * <p>Immutable and thread-safe (a buffer is used by one call at a time).
 */
public final class EcsEventWriter {

  /** The ECS version whose fields this writer uses. */
  public static final String ECS_VERSION = "8.11.0";

  /** MDC key of the transaction id (set for ECS lines inside a request, and by Elastic's agent). */
  public static final String TRANSACTION_ID = "transaction.id";

  private static final int MINIMAL_FIELD = 128;
  private static final int MESSAGE_FLOOR = 1024;
  private static final int EXCEPTION_MESSAGE_FLOOR = 256;
  private static final int MINIMAL_MESSAGE = 512;
  private static final int MAX_KEY_LENGTH = 256;

  // One per platform thread, held softly; a few shared by virtual threads (see ScratchPool).
  private static final ScratchPool<State> STATES = new ScratchPool<>(State::new);

  private static final byte[] TIMESTAMP = ascii("{\"@timestamp\":\"");
  private static final byte[] LEVEL = ascii("\",\"log.level\":\"");
  private static final byte[] MESSAGE = ascii("\",\"message\":\"");
  private static final byte[] ECS = ascii("\",\"ecs.version\":\"" + ECS_VERSION + "\"");
  private static final byte[] THREAD = ascii(",\"process.thread.name\":\"");
  private static final byte[] LOGGER = ascii("\",\"log.logger\":\"");
  private static final byte[] TRACE_ID = ascii(",\"trace.id\":\"");
  private static final byte[] SPAN_ID = ascii(",\"span.id\":\"");
  private static final byte[] TRANSACTION = ascii(",\"transaction.id\":\"");
  private static final byte[] REQUEST_ID = ascii(",\"http.request.id\":\"");
  private static final byte[] ORIGIN_FILE = ascii(",\"log.origin.file.name\":\"");
  private static final byte[] ORIGIN_LINE = ascii("\",\"log.origin.file.line\":");
  private static final byte[] ORIGIN_FUNCTION = ascii(",\"log.origin.function\":\"");
  private static final byte[] METHOD = ascii(",\"http.request.method\":\"");
  private static final byte[] URL_PATH = ascii(",\"url.path\":\"");
  private static final byte[] URL_QUERY = ascii(",\"url.query\":\"");
  private static final byte[] STATUS = ascii(",\"http.response.status_code\":");
  private static final byte[] DURATION = ascii(",\"event.duration\":");
  private static final byte[] OUTCOME_SUCCESS = ascii(",\"event.outcome\":\"success\"");
  private static final byte[] OUTCOME_FAILURE = ascii(",\"event.outcome\":\"failure\"");
  private static final byte[] ERROR_TYPE = ascii(",\"error.type\":\"");
  private static final byte[] ERROR_MESSAGE = ascii("\",\"error.message\":\"");
  private static final byte[] STACK_TRACE = ascii("\",\"error.stack_trace\":\"");
  private static final byte[] LABELS = ascii(",\"labels\":{");
  private static final byte[] TRUNCATED = ascii(",\"tags\":[\"truncated\"]");
  private static final byte[] END = ascii("}\n");

  private final int maxEventSize;
  private final boolean callerData;
  private final StackTraceRenderer stackTraces;
  private volatile SensitiveKeys keys = new SensitiveKeys(Scrubber.noop());
  private volatile Service service = new Service(ServiceFields.UNKNOWN);

  /**
   * Creates a writer.
   *
   * @param maxEventSize the cap on one line in bytes, newline included; at least {@link
   *     JsonEventWriter#MIN_EVENT_SIZE}
   * @param callerData whether to write {@code log.origin.*}
   * @param stackTraces how to render exceptions
   */
  public EcsEventWriter(int maxEventSize, boolean callerData, StackTraceRenderer stackTraces) {
    if (maxEventSize < JsonEventWriter.MIN_EVENT_SIZE) {
      throw new IllegalArgumentException(
          "max event size must be at least "
              + JsonEventWriter.MIN_EVENT_SIZE
              + " bytes, was "
              + maxEventSize);
    }
    this.maxEventSize = maxEventSize;
    this.callerData = callerData;
    this.stackTraces = stackTraces;
  }

  /**
   * Encodes {@code event} as one ECS JSON line ending in {@code \n}, at most {@code maxEventSize}
   * bytes long.
   *
   * @param dataset the {@code event.dataset} value, or null for {@code <service.name>.log}
   * @throws RuntimeException when the event cannot be read; the caller writes a minimal line
   */
  public byte[] encode(
      ILoggingEvent event,
      Scrubber scrubber,
      ServiceFields serviceFields,
      @Nullable String dataset) {
    SensitiveKeys k = keys;
    if (k.scrubber() != scrubber) {
      k = new SensitiveKeys(scrubber);
      keys = k;
    }
    Service s = service;
    if (s.fields != serviceFields || !s.sameDataset(dataset)) {
      s = new Service(serviceFields, dataset);
      service = s;
    }
    // A key-value's toString() may itself log: the pool never hands out a busy state.
    State state = STATES.acquire();
    try {
      state.begin(this, event, scrubber, k, s);
      return state.render();
    } finally {
      state.end();
      state.b.trim();
      STATES.release(state);
    }
  }

  /**
   * A minimal ECS line for an event that could not be encoded: timestamp, level, logger, service,
   * and a message naming the failure, tagged {@code encoding_error}.
   */
  public static byte[] minimalLine(
      ILoggingEvent event, Throwable error, ServiceFields serviceFields) {
    JsonBuffer b = new JsonBuffer();
    b.write(TIMESTAMP);
    long timestamp;
    try {
      timestamp = event.getTimeStamp();
    } catch (RuntimeException e) {
      timestamp = System.currentTimeMillis();
    }
    b.writeTimestamp(timestamp);
    b.write(LEVEL);
    String level;
    String logger;
    try {
      level = String.valueOf(event.getLevel());
      logger = String.valueOf(event.getLoggerName());
    } catch (RuntimeException | LinkageError e) {
      level = "ERROR";
      logger = "";
    }
    b.writeEscaped(level, MINIMAL_FIELD);
    b.write(MESSAGE);
    b.write(ascii("log event could not be encoded ("));
    b.writeEscaped(error.getClass().getName(), MINIMAL_FIELD);
    b.write(')');
    b.write(ECS);
    b.write(new Service(serviceFields).minimal);
    b.write(ascii(",\"log.logger\":\""));
    b.writeEscaped(logger, MINIMAL_FIELD);
    b.write(ascii("\",\"tags\":[\"encoding_error\"]}\n"));
    return b.toByteArray();
  }

  /** The service fields, encoded once. */
  private static final class Service {
    final ServiceFields fields;
    final @Nullable String dataset;
    final byte[] full;
    final byte[] minimal;

    Service(ServiceFields fields) {
      this(fields, null);
    }

    Service(ServiceFields fields, @Nullable String dataset) {
      this.fields = fields;
      this.dataset = dataset;
      String set = dataset != null ? dataset : fields.name() + ".log";
      this.full = encode(fields, set, Integer.MAX_VALUE);
      this.minimal = encode(fields, set, MINIMAL_FIELD);
    }

    boolean sameDataset(@Nullable String other) {
      return dataset == null ? other == null : dataset.equals(other);
    }

    private static byte[] encode(ServiceFields fields, String dataset, int cap) {
      JsonBuffer b = new JsonBuffer();
      b.write(ascii(",\"service.name\":\""));
      b.writeEscaped(fields.name(), cap);
      b.write(ascii("\",\"service.version\":\""));
      b.writeEscaped(fields.version(), cap);
      b.write(ascii("\",\"service.environment\":\""));
      b.writeEscaped(fields.environment(), cap);
      b.write(ascii("\",\"event.dataset\":\""));
      b.writeEscaped(dataset, cap);
      b.write('"');
      return b.toByteArray();
    }
  }

  /** The writing of one event: prepared values, then one or more attempts under limits. */
  private static final class State extends ScratchPool.Scratch {
    final JsonBuffer b = new JsonBuffer();
    final StringBuilder stack = new StringBuilder(512);

    private @Nullable EcsEventWriter writer;
    private @Nullable ILoggingEvent event;
    private @Nullable Scrubber scrubber;
    private @Nullable SensitiveKeys keys;
    private @Nullable Service service;

    private String message = "";
    private @Nullable IThrowableProxy throwable;
    private @Nullable String exceptionMessage;
    private @Nullable String fingerprint;
    private @Nullable Map<String, String> mdc;
    private @Nullable List<KeyValuePair> pairs;
    private @Nullable String traceId;
    private @Nullable String spanId;
    private @Nullable String transactionId;
    private @Nullable String requestId;
    private boolean access;

    // Limits of the current attempt, in bytes of output.
    private int maxField;
    private int maxMessage;
    private int maxExceptionMessage;
    private int maxStack;
    private int maxLabels;
    private boolean minimal;

    // Sizes measured by the first attempt.
    private int messageBytes;
    private int exceptionMessageBytes;
    private int stackBytes;
    private int labelBytes;

    void begin(
        EcsEventWriter writer,
        ILoggingEvent event,
        Scrubber scrubber,
        SensitiveKeys keys,
        Service service) {
      this.writer = writer;
      this.event = event;
      this.scrubber = scrubber;
      this.keys = keys;
      this.service = service;
    }

    void end() {
      writer = null;
      event = null;
      scrubber = null;
      keys = null;
      service = null;
      message = "";
      throwable = null;
      exceptionMessage = null;
      fingerprint = null;
      mdc = null;
      pairs = null;
      traceId = null;
      spanId = null;
      transactionId = null;
      requestId = null;
      stack.setLength(0);
      if (stack.capacity() > JsonBuffer.RETAIN_LIMIT) {
        stack.trimToSize();
      }
    }

    byte[] render() {
      prepare();
      int cap = writer().maxEventSize;
      fullLimits(cap);
      write(false);
      if (b.size() <= cap) {
        return b.toByteArray();
      }
      cutLimits(b.size() - cap + TRUNCATED.length);
      write(true);
      if (b.size() <= cap) {
        return b.toByteArray();
      }
      minimalLimits();
      write(true);
      if (b.size() <= cap) {
        return b.toByteArray();
      }
      // Unreachable with the minimum cap; kept so that the cap holds whatever happens.
      b.reset();
      b.write(TIMESTAMP);
      b.writeTimestamp(event().getTimeStamp());
      b.write(LEVEL);
      b.writeEscaped(String.valueOf(event().getLevel()), MINIMAL_FIELD);
      b.write(MESSAGE);
      b.write(ascii("event too large\""));
      b.write(TRUNCATED);
      b.write(END);
      return b.toByteArray();
    }

    private EcsEventWriter writer() {
      EcsEventWriter w = writer;
      assert w != null;
      return w;
    }

    private ILoggingEvent event() {
      ILoggingEvent e = event;
      assert e != null;
      return e;
    }

    private SensitiveKeys keys() {
      SensitiveKeys k = keys;
      assert k != null;
      return k;
    }

    private void prepare() {
      ILoggingEvent event = event();
      Scrubber scrubber = this.scrubber;
      assert scrubber != null;
      String formatted = event.getFormattedMessage();
      message = formatted == null ? "" : scrubber.scrub(formatted);
      mdc = ThreadMdc.ofEvent(event);
      pairs = event.getKeyValuePairs();
      Map<String, String> m = mdc;
      if (m != null) {
        traceId = m.get(Fields.TRACE_ID);
        spanId = m.get(Fields.SPAN_ID);
        requestId = m.get(Fields.REQUEST_ID);
        transactionId = m.get(TRANSACTION_ID);
        if (traceId == null) {
          // Elastic's APM agent puts the ECS names in the MDC.
          traceId = m.get("trace.id");
          spanId = m.get("span.id");
        }
        SpanContext inner =
            LogVolumeFilter.ACCESS_LOGGER.equals(event.getLoggerName())
                ? null
                : LineSpan.inner(traceId);
        if (inner != null) {
          spanId = inner.getSpanId();
        }
      }
      if (traceId == null) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
          traceId = span.getTraceId();
          spanId = span.getSpanId();
        }
      }
      access = LogVolumeFilter.ACCESS_LOGGER.equals(event.getLoggerName());
      if (access && transactionId == null) {
        // The access line's span is the request's server span: the transaction itself.
        transactionId = spanId;
      }
      throwable = event.getThrowableProxy();
      stack.setLength(0);
      fingerprint = null;
      IThrowableProxy t = throwable;
      if (t != null) {
        String exMessage = StackTraceRenderer.message(t);
        exceptionMessage = exMessage == null ? null : scrubber.scrub(exMessage);
        fingerprint = Fingerprints.of(t);
        writer().stackTraces.render(t, scrubber, stack);
      }
      messageBytes = 0;
      exceptionMessageBytes = 0;
      stackBytes = 0;
      labelBytes = 0;
    }

    private void fullLimits(int cap) {
      maxField = cap;
      maxMessage = cap;
      maxExceptionMessage = cap;
      maxStack = cap;
      // Labels past a few times the cap will be cut anyway: stop measuring there.
      maxLabels = 4 * cap;
      minimal = false;
    }

    /**
     * Budgets that remove {@code over} bytes: the stack trace first, then the exception message and
     * the message down to a floor, then labels, and only then the rest of the two messages.
     */
    private void cutLimits(int over) {
      int cut = Math.min(over, stackBytes);
      maxStack = stackBytes - cut;
      over -= cut;
      int exFloor = Math.min(exceptionMessageBytes, EXCEPTION_MESSAGE_FLOOR);
      cut = Math.min(over, exceptionMessageBytes - exFloor);
      maxExceptionMessage = exceptionMessageBytes - cut;
      over -= cut;
      int messageFloor = Math.min(messageBytes, MESSAGE_FLOOR);
      cut = Math.min(over, messageBytes - messageFloor);
      maxMessage = messageBytes - cut;
      over -= cut;
      cut = Math.min(over, labelBytes);
      maxLabels = labelBytes - cut;
      over -= cut;
      cut = Math.min(over, maxExceptionMessage);
      maxExceptionMessage -= cut;
      over -= cut;
      maxMessage -= Math.min(over, maxMessage);
    }

    private void minimalLimits() {
      maxField = MINIMAL_FIELD;
      maxMessage = MINIMAL_MESSAGE;
      maxExceptionMessage = MINIMAL_FIELD;
      maxStack = 0;
      maxLabels = 0;
      minimal = true;
    }

    private void write(boolean truncated) {
      ILoggingEvent event = event();
      Service service = this.service;
      assert service != null;
      b.reset();
      b.write(TIMESTAMP);
      b.writeTimestamp(event.getTimeStamp());
      b.write(LEVEL);
      b.writeEscaped(levelName(event.getLevel()), MINIMAL_FIELD);
      b.write(MESSAGE);
      int start = b.size();
      b.writeEscaped(message, maxMessage);
      messageBytes = b.size() - start;
      b.write(ECS);
      b.write(minimal ? service.minimal : service.full);
      b.write(THREAD);
      b.writeEscaped(nonNull(event.getThreadName()), maxField);
      b.write(LOGGER);
      b.writeEscaped(nonNull(event.getLoggerName()), maxField);
      b.write('"');
      if (traceId != null) {
        string(TRACE_ID, traceId);
        if (spanId != null) {
          string(SPAN_ID, spanId);
        }
      }
      if (transactionId != null) {
        string(TRANSACTION, transactionId);
      }
      if (requestId != null) {
        string(REQUEST_ID, requestId);
      }
      if (writer().callerData) {
        writeOrigin(event);
      }
      if (access && !minimal) {
        writeAccessFields();
      }
      IThrowableProxy t = throwable;
      if (t != null) {
        b.write(ERROR_TYPE);
        b.writeEscaped(nonNull(t.getClassName()), maxField);
        if (exceptionMessage != null) {
          b.write(ERROR_MESSAGE);
          start = b.size();
          b.writeEscaped(exceptionMessage, maxExceptionMessage);
          exceptionMessageBytes = b.size() - start;
        }
        if (maxStack > 0) {
          b.write(STACK_TRACE);
          start = b.size();
          b.writeEscaped(stack, maxStack);
          stackBytes = b.size() - start;
        }
        b.write('"');
      }
      if (maxLabels > 0) {
        int before = b.size();
        writeLabels();
        labelBytes = b.size() - before;
      }
      if (truncated) {
        b.write(TRUNCATED);
      }
      b.write(END);
    }

    private void string(byte[] prefix, String value) {
      b.write(prefix);
      b.writeEscaped(value, maxField);
      b.write('"');
    }

    private void writeOrigin(ILoggingEvent event) {
      StackTraceElement[] caller = event.getCallerData();
      if (caller == null || caller.length == 0 || caller[0] == null) {
        return;
      }
      StackTraceElement frame = caller[0];
      String file = frame.getFileName();
      if (file != null) {
        b.write(ORIGIN_FILE);
        b.writeEscaped(file, maxField);
        b.write(ORIGIN_LINE);
        b.writeLong(frame.getLineNumber());
      }
      b.write(ORIGIN_FUNCTION);
      b.writeEscaped(nonNull(frame.getMethodName()), maxField);
      b.write('"');
    }

    /** The access line's key-values as ECS fields; the others go to labels. */
    private void writeAccessFields() {
      List<KeyValuePair> list = pairs;
      if (list == null) {
        return;
      }
      int status = -1;
      for (KeyValuePair pair : list) {
        if (pair == null || pair.key == null || pair.value == null) {
          continue;
        }
        Object value = pair.value;
        switch (pair.key) {
          case "method" -> string(METHOD, keys().scrubValue("method", String.valueOf(value)));
          case "path" -> {
            String path = keys().scrubValue("path", String.valueOf(value));
            int q = path.indexOf('?');
            string(URL_PATH, q < 0 ? path : path.substring(0, q));
            if (q >= 0) {
              string(URL_QUERY, path.substring(q + 1));
            }
          }
          case "status" -> {
            if (value instanceof Number n) {
              status = n.intValue();
              b.write(STATUS);
              b.writeLong(status);
            }
          }
          case "duration_ms" -> {
            if (value instanceof Number n) {
              b.write(DURATION);
              b.writeLong(Math.round(n.doubleValue() * 1_000_000.0));
            }
          }
          case "error" -> {
            if (throwable == null) {
              string(ERROR_TYPE, keys().scrubValue("error", String.valueOf(value)));
            }
          }
          default -> {}
        }
      }
      if (status >= 0) {
        b.write(status >= 500 ? OUTCOME_FAILURE : OUTCOME_SUCCESS);
      }
    }

    private static boolean isAccessField(String key) {
      return switch (key) {
        case "method", "path", "status", "duration_ms", "error" -> true;
        default -> false;
      };
    }

    private void writeLabels() {
      int start = b.size();
      b.write(LABELS);
      int open = b.size();
      int budget = maxLabels;
      String exceptionFingerprint = fingerprint;
      boolean room =
          exceptionFingerprint == null
              || label(Fields.ERROR_FINGERPRINT, exceptionFingerprint, start, budget);
      List<KeyValuePair> list = room ? pairs : null;
      if (list != null) {
        for (KeyValuePair pair : list) {
          if (pair == null || (access && pair.key != null && isAccessField(pair.key))) {
            continue;
          }
          if (!label(pair.key == null ? "null" : pair.key, pair.value, start, budget)) {
            break;
          }
        }
      }
      Map<String, String> m = room ? mdc : null;
      if (m != null && !m.isEmpty()) {
        for (Map.Entry<String, String> entry : m.entrySet()) {
          String key = entry.getKey();
          if (key == null || isCorrelationKey(key)) {
            continue;
          }
          if (!label(key, entry.getValue(), start, budget)) {
            break;
          }
        }
      }
      if (b.size() == open) {
        b.truncate(start);
        return;
      }
      b.write('}');
      if (b.size() - start > budget) {
        b.truncate(start);
      }
    }

    private static boolean isCorrelationKey(String key) {
      return switch (key) {
        case Fields.TRACE_ID,
            Fields.SPAN_ID,
            Fields.REQUEST_ID,
            TRANSACTION_ID,
            "trace.id",
            "span.id" ->
            true;
        default -> false;
      };
    }

    /** Writes one label; false when the budget is spent and no further label should be tried. */
    private boolean label(String key, @Nullable Object value, int start, int budget) {
      if (value == null || key.length() > MAX_KEY_LENGTH) {
        return true;
      }
      String name = labelKey(key);
      if (b.seen(name)) {
        return true;
      }
      int mark = b.size();
      if (mark > start + LABELS.length) {
        b.write(',');
      }
      b.write('"');
      b.writeEscaped(name);
      b.write(ascii("\":\""));
      b.writeEscaped(labelValue(key, value), maxField);
      b.write('"');
      // One byte for the closing brace.
      if (b.size() - start + 1 > budget) {
        b.truncate(mark);
        return b.size() - start < budget;
      }
      b.markSeen(name);
      return true;
    }

    private String labelValue(String key, Object value) {
      SensitiveKeys k = keys();
      if (value instanceof String s) {
        return k.scrubValue(key, s);
      }
      if (k.isSensitive(key)) {
        Scrubber s = scrubber;
        assert s != null;
        return s.mask();
      }
      if (value instanceof Boolean
          || value instanceof Integer
          || value instanceof Long
          || value instanceof Short
          || value instanceof Byte
          || value instanceof AtomicInteger
          || value instanceof AtomicLong
          || value instanceof BigInteger
          || value instanceof BigDecimal
          || value instanceof Double
          || value instanceof Float) {
        return value.toString();
      }
      String text;
      try {
        text = String.valueOf(value);
      } catch (RuntimeException | LinkageError | StackOverflowError e) {
        text = "<toString() of " + value.getClass().getName() + " failed>";
      }
      return k.scrubValue(key, text);
    }

    /** ECS label keys: no dots, stars or backslashes (they would nest objects). */
    private static String labelKey(String key) {
      String clean = Keys.sanitize(key);
      if (clean.indexOf('.') < 0 && clean.indexOf('*') < 0 && clean.indexOf('\\') < 0) {
        return clean;
      }
      return clean.replace('.', '_').replace('*', '_').replace('\\', '_');
    }
  }

  private static String levelName(@Nullable Level level) {
    return level == null ? "" : level.toString();
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
