package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.observability.internal.ScratchPool;
import dev.observability.scrub.Scrubber;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * Writes one Logback event as one line of JSON (see {@code docs/signals.md} for the fields).
 *
 * <p>The line is built in a reused {@link JsonBuffer} and copied once into the returned array. When
 * it would exceed {@code maxEventSize} bytes, it is written again with budgets that cut, in this
 * order, the stack trace, the exception message, the message and then the key-value and MDC fields,
 * and is marked {@code "truncated":true}; the correlation fields are never cut. If even that does
 * not fit, a minimal line (every field short, no key-values) is written.
 *
 * <p>Immutable and thread-safe.
 */
public final class JsonEventWriter {

  /** The smallest accepted size cap: the minimal line always fits in it. */
  public static final int MIN_EVENT_SIZE = 2048;

  private static final int MINIMAL_FIELD = 128;
  private static final int MESSAGE_FLOOR = 1024;
  private static final int EXCEPTION_MESSAGE_FLOOR = 256;
  private static final int MINIMAL_MESSAGE = 512;
  private static final int MAX_KEY_LENGTH = 256;
  private static final int MAX_NUMBER_LENGTH = 256;

  // One per platform thread, held softly; a few shared by virtual threads (see ScratchPool).
  private static final ScratchPool<JsonBuffer> BUFFERS = new ScratchPool<>(JsonBuffer::new);

  private static final byte[] TIMESTAMP = ascii("{\"timestamp\":\"");
  private static final byte[] LOGGER = ascii("\",\"logger\":\"");
  private static final byte[] THREAD = ascii("\",\"thread\":\"");
  private static final byte[] TRACE_ID = ascii(",\"trace_id\":\"");
  private static final byte[] SPAN_ID = ascii(",\"span_id\":\"");
  private static final byte[] REQUEST_ID = ascii(",\"request_id\":\"");
  private static final byte[] MODULE = ascii(",\"module\":\"");
  private static final byte[] FUNCTION = ascii("\",\"function\":\"");
  private static final byte[] LINE = ascii("\",\"line\":");
  private static final byte[] MESSAGE = ascii(",\"message\":\"");
  private static final byte[] TRUNCATED = ascii(",\"truncated\":true");
  private static final byte[] EXCEPTION = ascii(",\"exception\":{\"type\":\"");
  private static final byte[] EX_FINGERPRINT = ascii("\",\"fingerprint\":\"");
  private static final byte[] EX_MESSAGE = ascii("\",\"message\":\"");
  private static final byte[] STACKTRACE = ascii("\",\"stacktrace\":\"");
  private static final byte[] END = ascii("}\n");
  private static final byte[] NULL = ascii("null");
  private static final byte[] TRUE = ascii("true");
  private static final byte[] FALSE = ascii("false");
  private static final byte[] LEVEL_TRACE = ascii("\",\"level\":\"TRACE");
  private static final byte[] LEVEL_DEBUG = ascii("\",\"level\":\"DEBUG");
  private static final byte[] LEVEL_INFO = ascii("\",\"level\":\"INFO");
  private static final byte[] LEVEL_WARN = ascii("\",\"level\":\"WARN");
  private static final byte[] LEVEL_ERROR = ascii("\",\"level\":\"ERROR");
  private static final byte[] LEVEL_OTHER = ascii("\",\"level\":\"");

  /**
   * The access line's keys ({@link AccessLogEvent#KEYS}, by the index its sink is handed; other
   * events' key-values found by identity): names that need no sanitising or escaping and are not
   * reserved, written from these bytes ({@code ,"name":}). The same name from another instance
   * takes the general path, with the same result.
   */
  private static final String[] PLAIN_KEYS = AccessLogEvent.KEYS;

  private static final byte[][] PLAIN_KEY_BYTES = new byte[PLAIN_KEYS.length][];

  static {
    if (PLAIN_KEYS.length > Integer.SIZE) {
      throw new ExceptionInInitializerError("more access keys than bits in an int");
    }
    for (int i = 0; i < PLAIN_KEYS.length; i++) {
      String key = PLAIN_KEYS[i];
      // Plain ASCII also leaves Keys.sanitize nothing to replace.
      if (Fields.isReserved(key) || key.length() > MAX_KEY_LENGTH || !isPlainAscii(key)) {
        throw new ExceptionInInitializerError("not a plain key: " + key);
      }
      PLAIN_KEY_BYTES[i] = ascii(",\"" + key + "\":");
    }
  }

  /** Lower-case letters, digits, '_' and '.' only: nothing to sanitise or escape. */
  private static boolean isPlainAscii(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '_' && c != '.') {
        return false;
      }
    }
    return !key.isEmpty();
  }

  private final int maxEventSize;
  private final boolean callerData;
  private final StackTraceRenderer stackTraces;
  private volatile SensitiveKeys keys = new SensitiveKeys(Scrubber.noop(), PLAIN_KEYS);

  /** The scrubber that left the access line's message unchanged, once asked; null before. */
  private volatile @Nullable Scrubber accessMessageScrubber;

  /**
   * Creates a writer.
   *
   * @param maxEventSize the cap on one line in bytes, newline included; at least {@link
   *     #MIN_EVENT_SIZE}
   * @param callerData whether to write {@code module}, {@code function} and {@code line}
   * @param stackTraces how to render exceptions
   */
  public JsonEventWriter(int maxEventSize, boolean callerData, StackTraceRenderer stackTraces) {
    if (maxEventSize < MIN_EVENT_SIZE) {
      throw new IllegalArgumentException(
          "max event size must be at least " + MIN_EVENT_SIZE + " bytes, was " + maxEventSize);
    }
    this.maxEventSize = maxEventSize;
    this.callerData = callerData;
    this.stackTraces = stackTraces;
  }

  /** The cap on one line, in bytes. */
  public int maxEventSize() {
    return maxEventSize;
  }

  /** Whether caller fields are written. */
  public boolean callerData() {
    return callerData;
  }

  /**
   * Encodes {@code event} as one JSON line ending in {@code \n}, at most {@link #maxEventSize()}
   * bytes long.
   *
   * @throws RuntimeException when the event cannot be read; the caller writes a minimal line
   */
  public byte[] encode(ILoggingEvent event, Scrubber scrubber, ServiceFields service) {
    JsonBuffer b = acquire();
    try {
      render(event, scrubber, service, b);
      return b.toByteArray();
    } finally {
      release(b);
    }
  }

  /**
   * Writes {@code event} as one JSON line to {@code out}, without the intermediate array of {@link
   * #encode}.
   *
   * @throws IOException from {@code out}
   * @throws RuntimeException when the event cannot be read; nothing was written then
   */
  public void encodeTo(
      ILoggingEvent event, Scrubber scrubber, ServiceFields service, OutputStream out)
      throws IOException {
    JsonBuffer b = acquire();
    try {
      render(event, scrubber, service, b);
      out.write(b.buf, 0, b.pos);
    } finally {
      release(b);
    }
  }

  /**
   * {@code formatted} scrubbed. The access line's constant message is scrubbed once per scrubber: a
   * scrubber answers the same text for the same text, and one that leaves it unchanged counts
   * nothing, so the answer is remembered; a scrubber that masks part of it is asked every time, so
   * that its counters see every line.
   */
  String scrubbedMessage(String formatted, Scrubber scrubber) {
    if (formatted != LoggingObservationHandler.ACCESS_MESSAGE) {
      return scrubber.scrub(formatted);
    }
    Scrubber known = accessMessageScrubber;
    if (known == scrubber) {
      return formatted;
    }
    String scrubbed = scrubber.scrub(formatted);
    if (scrubbed.equals(formatted)) {
      accessMessageScrubber = scrubber;
    }
    return scrubbed;
  }

  // A key-value's toString() may itself log: the pool never hands out a busy buffer.
  private static JsonBuffer acquire() {
    return BUFFERS.acquire();
  }

  private static void release(JsonBuffer b) {
    b.trim();
    BUFFERS.release(b);
  }

  private void render(ILoggingEvent event, Scrubber scrubber, ServiceFields service, JsonBuffer b) {
    SensitiveKeys k = keys;
    if (k.scrubber() != scrubber) {
      k = new SensitiveKeys(scrubber, PLAIN_KEYS);
      keys = k;
    }
    Pass pass = b.pass;
    pass.begin(this, event, scrubber, k, service);
    try {
      render(event, pass, b);
    } finally {
      pass.end();
    }
  }

  private void render(ILoggingEvent event, Pass pass, JsonBuffer b) {
    pass.prepare();
    pass.fullLimits(maxEventSize);
    pass.write(false);
    if (b.size() <= maxEventSize) {
      return;
    }
    pass.cutLimits(b.size() - maxEventSize + TRUNCATED.length);
    pass.write(true);
    if (b.size() <= maxEventSize) {
      return;
    }
    pass.minimalLimits();
    pass.write(true);
    if (b.size() <= maxEventSize) {
      return;
    }
    // Unreachable with the minimum cap; kept so that the cap holds whatever happens.
    b.reset();
    b.write(TIMESTAMP);
    b.writeTimestamp(event.getTimeStamp());
    b.write(levelBytes(event.getLevel()));
    b.write('"');
    b.write(MESSAGE);
    b.write(ascii("event too large\""));
    b.write(TRUNCATED);
    b.write(END);
  }

  /** The writing of one event: prepared values, then one or more attempts under limits. */
  static final class Pass implements BiConsumer<String, String>, AccessLogEvent.KeyValueSink {
    private final JsonBuffer b;
    private @Nullable JsonEventWriter writer;
    private @Nullable ILoggingEvent event;
    private @Nullable Scrubber scrubber;
    private @Nullable SensitiveKeys keys;
    private @Nullable ServiceFields service;

    private String message = "";
    private @Nullable IThrowableProxy throwable;
    private @Nullable String exceptionMessage;
    private @Nullable String fingerprint;
    private @Nullable Map<String, String> mdc;
    private @Nullable String traceId;
    private @Nullable String spanId;
    private @Nullable String requestId;

    // Limits of the current attempt, in bytes of output.
    private int maxField;
    private int maxMessage;
    private int maxExceptionMessage;
    private int maxStack;
    private int maxDynamic;
    private boolean minimalService;
    private boolean writeDynamic;
    private boolean writeStack;

    // Sizes measured by the first attempt.
    private int messageBytes;
    private int exceptionMessageBytes;
    private int stackBytes;
    private int dynamicBytes;

    // State of the dynamic-field loop.
    private int dynamicStart;
    private boolean dynamicFull;

    Pass(JsonBuffer b) {
      this.b = b;
    }

    void begin(
        JsonEventWriter writer,
        ILoggingEvent event,
        Scrubber scrubber,
        SensitiveKeys keys,
        ServiceFields service) {
      this.writer = writer;
      this.event = event;
      this.scrubber = scrubber;
      this.keys = keys;
      this.service = service;
      message = "";
      throwable = null;
      exceptionMessage = null;
      fingerprint = null;
      mdc = null;
      traceId = null;
      spanId = null;
      requestId = null;
      messageBytes = 0;
      exceptionMessageBytes = 0;
      stackBytes = 0;
      dynamicBytes = 0;
    }

    /** Drops references to the event so that the reused buffer does not retain it. */
    void end() {
      writer = null;
      event = null;
      scrubber = null;
      keys = null;
      service = null;
      throwable = null;
      mdc = null;
      message = "";
      exceptionMessage = null;
      fingerprint = null;
      traceId = null;
      spanId = null;
      requestId = null;
    }

    void prepare() {
      ILoggingEvent event = this.event;
      Scrubber scrubber = this.scrubber;
      assert event != null && scrubber != null && writer != null;
      String formatted = event.getFormattedMessage();
      message = formatted == null ? "" : writer.scrubbedMessage(formatted, scrubber);
      if (event instanceof AccessLogEvent access) {
        // The ids are the request's own; the MDC is the thread's, without them.
        mdc = access.threadMdc();
        traceId = access.traceId();
        spanId = access.spanId();
        requestId = access.requestId();
      } else {
        mdc = ThreadMdc.ofEvent(event);
        if (mdc != null) {
          traceId = mdc.get(Fields.TRACE_ID);
          spanId = mdc.get(Fields.SPAN_ID);
          requestId = mdc.get(Fields.REQUEST_ID);
          SpanContext inner = LineSpan.inner(traceId);
          if (inner != null) {
            spanId = inner.getSpanId();
          }
        }
      }
      if (traceId == null && !(event instanceof AccessLogEvent)) {
        SpanContext span = Span.current().getSpanContext();
        if (span.isValid()) {
          traceId = span.getTraceId();
          spanId = span.getSpanId();
        }
      }
      throwable = event.getThrowableProxy();
      StringBuilder scratch = b.scratch;
      scratch.setLength(0);
      if (throwable != null) {
        String exMessage = StackTraceRenderer.message(throwable);
        exceptionMessage = exMessage == null ? null : scrubber.scrub(exMessage);
        fingerprint = Fingerprints.of(throwable);
        writer.stackTraces.render(throwable, scrubber, scratch);
      }
    }

    void fullLimits(int cap) {
      maxField = cap;
      maxMessage = cap;
      maxExceptionMessage = cap;
      maxStack = cap;
      // Dynamic fields past a few times the cap will be cut anyway: stop measuring there.
      maxDynamic = 4 * cap;
      minimalService = false;
      writeDynamic = true;
      writeStack = true;
    }

    /**
     * Budgets that remove {@code over} bytes: the stack trace first, then the exception message and
     * the message down to a floor (256 and 1024 bytes), then key-value and MDC fields, and only
     * then the rest of the two messages.
     */
    void cutLimits(int over) {
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
      cut = Math.min(over, dynamicBytes);
      maxDynamic = dynamicBytes - cut;
      over -= cut;
      cut = Math.min(over, maxExceptionMessage);
      maxExceptionMessage -= cut;
      over -= cut;
      maxMessage -= Math.min(over, maxMessage);
    }

    void minimalLimits() {
      maxField = MINIMAL_FIELD;
      maxMessage = MINIMAL_MESSAGE;
      maxExceptionMessage = MINIMAL_FIELD;
      maxStack = 0;
      maxDynamic = 0;
      minimalService = true;
      writeDynamic = false;
      writeStack = false;
    }

    void write(boolean truncated) {
      ILoggingEvent event = this.event;
      ServiceFields service = this.service;
      assert event != null && service != null && writer != null;
      b.reset();
      b.write(TIMESTAMP);
      b.writeTimestamp(event.getTimeStamp());
      b.write(levelBytes(event.getLevel()));
      if (!isStandard(event.getLevel())) {
        b.writeEscaped(String.valueOf(event.getLevel()), MINIMAL_FIELD);
      }
      b.write(LOGGER);
      b.writeEscapedStable(nonNull(event.getLoggerName()), maxField);
      b.write(THREAD);
      b.writeEscapedStable(nonNull(event.getThreadName()), maxField);
      b.write('"');
      b.write(minimalService ? service.minimal() : service.full());
      if (traceId != null) {
        b.write(TRACE_ID);
        b.writeEscapedRecent(traceId, JsonBuffer.RECENT_TRACE_ID, maxField);
        b.write('"');
        if (spanId != null) {
          b.write(SPAN_ID);
          b.writeEscapedRecent(spanId, JsonBuffer.RECENT_SPAN_ID, maxField);
          b.write('"');
        }
      }
      if (requestId != null) {
        b.write(REQUEST_ID);
        b.writeEscapedRecent(requestId, JsonBuffer.RECENT_REQUEST_ID, maxField);
        b.write('"');
      }
      if (writer.callerData) {
        writeCaller(event);
      }
      b.write(MESSAGE);
      int start = b.size();
      b.writeEscaped(message, maxMessage);
      messageBytes = b.size() - start;
      b.write('"');
      if (truncated) {
        b.write(TRUNCATED);
      }
      if (writeDynamic) {
        start = b.size();
        writeDynamicFields(event);
        dynamicBytes = b.size() - start;
      }
      IThrowableProxy t = throwable;
      if (t != null) {
        b.write(EXCEPTION);
        b.writeEscaped(nonNull(t.getClassName()), maxField);
        if (fingerprint != null) {
          b.write(EX_FINGERPRINT);
          b.writeEscaped(fingerprint, maxField);
        }
        if (exceptionMessage != null) {
          b.write(EX_MESSAGE);
          start = b.size();
          b.writeEscaped(exceptionMessage, maxExceptionMessage);
          exceptionMessageBytes = b.size() - start;
        }
        if (writeStack) {
          b.write(STACKTRACE);
          start = b.size();
          b.writeEscaped(b.scratch, maxStack);
          stackBytes = b.size() - start;
        }
        b.write('"');
        b.write('}');
      }
      b.write(END);
    }

    /** The name-and-colon of {@code key} when it is one of {@link #PLAIN_KEYS}, else null. */
    private static byte @Nullable [] plainKey(String key) {
      String[] keys = PLAIN_KEYS;
      for (int i = 0; i < keys.length; i++) {
        if (keys[i] == key) {
          return PLAIN_KEY_BYTES[i];
        }
      }
      return null;
    }

    private void writeCaller(ILoggingEvent event) {
      StackTraceElement[] caller = event.getCallerData();
      if (caller == null || caller.length == 0 || caller[0] == null) {
        return;
      }
      StackTraceElement frame = caller[0];
      b.write(MODULE);
      b.writeEscaped(nonNull(frame.getClassName()), maxField);
      b.write(FUNCTION);
      b.writeEscaped(nonNull(frame.getMethodName()), maxField);
      b.write(LINE);
      b.writeLong(frame.getLineNumber());
    }

    private void writeDynamicFields(ILoggingEvent event) {
      dynamicStart = b.size();
      dynamicFull = false;
      List<KeyValuePair> pairs =
          event instanceof AccessLogEvent access ? keyValuesOf(access) : event.getKeyValuePairs();
      if (pairs != null) {
        for (int i = 0, n = pairs.size(); i < n && !dynamicFull; i++) {
          KeyValuePair pair = pairs.get(i);
          if (pair != null) {
            field(pair.key == null ? "null" : pair.key, pair.value, Fields.KEY_VALUE_PREFIX, false);
          }
        }
      }
      Map<String, String> m = mdc;
      if (m != null && !m.isEmpty() && !dynamicFull) {
        m.forEach(this);
      }
    }

    /** The access line's keys begun in this pass, one bit per index of {@link #PLAIN_KEYS}. */
    private int accessKeysBegun;

    /** Writes the access line's key-values through the sink methods; none left to list. */
    private @Nullable List<KeyValuePair> keyValuesOf(AccessLogEvent access) {
      accessKeysBegun = 0;
      access.forEachKeyValue(this);
      return null;
    }

    /**
     * A text key-value of the access line: the mask under a sensitive key, else the value, which is
     * scrubbed here unless this line's scrubber is the one it went through already.
     */
    @Override
    public void text(int key, String value, @Nullable Scrubber scrubbedBy) {
      if (dynamicFull) {
        return;
      }
      int mark = beginAccessField(key);
      if (mark < 0) {
        return;
      }
      Scrubber scrubber = scrubber();
      if (keys().isFixedSensitive(key)) {
        writeString(scrubber.mask());
      } else {
        writeString(scrubbedBy == scrubber ? value : scrubber.scrub(value));
      }
      endField(mark);
    }

    @Override
    public void integer(int key, long value) {
      number(key, true, value, 0);
    }

    @Override
    public void decimal(int key, double value) {
      number(key, false, 0, value);
    }

    /**
     * A numeric key-value of the access line, written without boxing; masked under a sensitive key.
     */
    private void number(int key, boolean whole, long longValue, double doubleValue) {
      if (dynamicFull) {
        return;
      }
      int mark = beginAccessField(key);
      if (mark < 0) {
        return;
      }
      if (keys().isFixedSensitive(key)) {
        writeString(scrubber().mask());
      } else if (whole) {
        b.writeLong(longValue);
      } else {
        b.writeDouble(doubleValue);
      }
      endField(mark);
    }

    /**
     * {@link #beginField} for the access line's {@code key}th key, from its bytes. The access
     * line's key-values are the first dynamic fields and name each key once, so none of them can
     * collide with a field written before: no look-up in the names seen. A key given a second time
     * is handled as any other key-value.
     */
    private int beginAccessField(int key) {
      String name = PLAIN_KEYS[key];
      int bit = 1 << key;
      if ((accessKeysBegun & bit) != 0) {
        return beginField(name, Fields.KEY_VALUE_PREFIX);
      }
      accessKeysBegun |= bit;
      int mark = b.size();
      b.write(PLAIN_KEY_BYTES[key]);
      fieldName = name;
      return mark;
    }

    /** One MDC entry. */
    @Override
    public void accept(@Nullable String key, @Nullable String value) {
      if (key == null
          || dynamicFull
          || key.equals(Fields.TRACE_ID)
          || key.equals(Fields.SPAN_ID)
          || key.equals(Fields.REQUEST_ID)) {
        return;
      }
      field(key, value, Fields.MDC_PREFIX, true);
    }

    /** The name of the field being written, between {@link #beginField} and {@link #endField}. */
    private @Nullable String fieldName;

    /**
     * Writes {@code ,"name":} for a key-value or MDC key, renamed with {@code prefix} when it would
     * collide; the mark to pass to {@link #endField}, or -1 when the field is left out.
     */
    private int beginField(String key, String prefix) {
      byte[] plain = plainKey(key);
      if (plain != null && !b.seen(key)) {
        int mark = b.size();
        b.write(plain);
        fieldName = key;
        return mark;
      }
      if (key.length() > MAX_KEY_LENGTH) {
        return -1;
      }
      String name = Keys.sanitize(key);
      if (Fields.isReserved(name) || b.seen(name)) {
        name = prefix + name;
        if (Fields.isReserved(name) || b.seen(name)) {
          return -1;
        }
      }
      int mark = b.size();
      b.write(',');
      b.write('"');
      b.writeEscaped(name);
      b.write('"');
      b.write(':');
      fieldName = name;
      return mark;
    }

    /** Keeps the field begun at {@code mark}, or takes it back when past the dynamic budget. */
    private void endField(int mark) {
      String name = fieldName;
      fieldName = null;
      if (b.size() - dynamicStart > maxDynamic) {
        b.truncate(mark);
        // Past the measuring bound there is no point in trying further fields.
        dynamicFull = mark - dynamicStart >= maxDynamic;
        return;
      }
      if (name != null) {
        b.markSeen(name);
      }
    }

    private void field(String key, @Nullable Object value, String prefix, boolean mdcValue) {
      int mark = beginField(key, prefix);
      if (mark < 0) {
        return;
      }
      if (mdcValue) {
        if (value == null) {
          b.write(NULL);
        } else {
          b.write('"');
          b.writeEscaped(keys().scrubValue(key, (String) value), maxField);
          b.write('"');
        }
      } else {
        writeValue(key, value);
      }
      endField(mark);
    }

    private Scrubber scrubber() {
      Scrubber s = scrubber;
      assert s != null;
      return s;
    }

    private SensitiveKeys keys() {
      SensitiveKeys k = keys;
      assert k != null;
      return k;
    }

    private void writeValue(String key, @Nullable Object value) {
      Scrubber scrubber = scrubber();
      SensitiveKeys keys = keys();
      if (value == null) {
        b.write(NULL);
        return;
      }
      if (value instanceof String s) {
        writeString(keys.scrubValue(key, s));
        return;
      }
      if (keys.isSensitive(key)) {
        writeString(scrubber.mask());
        return;
      }
      if (value instanceof Boolean bool) {
        b.write(bool ? TRUE : FALSE);
      } else if (value instanceof Integer
          || value instanceof Long
          || value instanceof Short
          || value instanceof Byte
          || value instanceof AtomicInteger
          || value instanceof AtomicLong) {
        b.writeLong(((Number) value).longValue());
      } else if (value instanceof Double || value instanceof Float) {
        double d = ((Number) value).doubleValue();
        if (Double.isFinite(d)) {
          if (value instanceof Float f) {
            b.writeFloat(f);
          } else {
            b.writeDouble(d);
          }
        } else {
          writeString(value.toString());
        }
      } else if (value instanceof BigInteger || value instanceof BigDecimal) {
        String text = value.toString();
        if (text.length() <= MAX_NUMBER_LENGTH) {
          b.write(ascii(text));
        } else {
          writeString(text);
        }
      } else {
        String text;
        try {
          text = String.valueOf(value);
        } catch (RuntimeException | LinkageError | StackOverflowError e) {
          text = "<toString() of " + value.getClass().getName() + " failed>";
        }
        writeString(keys.scrubValue(key, text));
      }
    }

    private void writeString(String s) {
      b.write('"');
      b.writeEscaped(s, maxField);
      b.write('"');
    }
  }

  private static boolean isStandard(@Nullable Level level) {
    return level == Level.INFO
        || level == Level.DEBUG
        || level == Level.WARN
        || level == Level.ERROR
        || level == Level.TRACE;
  }

  private static byte[] levelBytes(@Nullable Level level) {
    if (level == Level.INFO) {
      return LEVEL_INFO;
    } else if (level == Level.DEBUG) {
      return LEVEL_DEBUG;
    } else if (level == Level.WARN) {
      return LEVEL_WARN;
    } else if (level == Level.ERROR) {
      return LEVEL_ERROR;
    } else if (level == Level.TRACE) {
      return LEVEL_TRACE;
    }
    return LEVEL_OTHER;
  }

  private static String nonNull(@Nullable String s) {
    return s == null ? "" : s;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
