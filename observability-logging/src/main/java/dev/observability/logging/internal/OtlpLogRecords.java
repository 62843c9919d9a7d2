package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.IThrowableProxy;
import dev.observability.scrub.Scrubber;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Turns captured events into OTLP log records, on the export thread: the body is the scrubbed
 * message; the severity follows the level; the span context is the line's; the instrumentation
 * scope is the logger (as OpenTelemetry's own Logback appender does); attributes are {@code
 * thread.name}, {@code request_id}, the key-values (numbers, booleans and strings keep their type,
 * sensitive keys are masked, strings scrubbed) and MDC entries under their own names, {@code
 * exception.type}, {@code exception.message} and {@code exception.stacktrace} (scrubbed, root cause
 * first, bounded as in the JSON lines) and, with caller data, {@code code.function.name} and {@code
 * code.line.number}. A key-value or MDC entry named like one of those is kept as {@code kv_<name>}
 * or {@code mdc_<name>}, as in the JSON lines.
 *
 * <p>Bounds: the body and every string attribute at most {@code maxLength} characters, at most
 * {@link #MAX_ATTRIBUTES} attributes, keys at most 256 characters. Not thread-safe: one per export
 * thread.
 */
final class OtlpLogRecords {

  /** Attributes kept per record; the rest are counted in the total only. */
  static final int MAX_ATTRIBUTES = 128;

  private static final int MAX_KEY_LENGTH = 256;
  private static final int MAX_SCOPES = 4096;

  static final AttributeKey<String> THREAD_NAME = AttributeKey.stringKey("thread.name");
  static final AttributeKey<String> REQUEST_ID = AttributeKey.stringKey(Fields.REQUEST_ID);
  static final AttributeKey<String> EXCEPTION_TYPE = AttributeKey.stringKey("exception.type");
  static final AttributeKey<String> EXCEPTION_MESSAGE = AttributeKey.stringKey("exception.message");
  static final AttributeKey<String> EXCEPTION_STACKTRACE =
      AttributeKey.stringKey("exception.stacktrace");
  static final AttributeKey<String> CODE_FUNCTION = AttributeKey.stringKey("code.function.name");
  static final AttributeKey<Long> CODE_LINE = AttributeKey.longKey("code.line.number");

  private static final Set<String> RESERVED =
      Set.of(
          THREAD_NAME.getKey(),
          REQUEST_ID.getKey(),
          EXCEPTION_TYPE.getKey(),
          EXCEPTION_MESSAGE.getKey(),
          EXCEPTION_STACKTRACE.getKey(),
          CODE_FUNCTION.getKey(),
          CODE_LINE.getKey(),
          Fields.TRACE_ID,
          Fields.SPAN_ID);

  private final Resource resource;
  private final Scrubber scrubber;
  private final SensitiveKeys keys;
  private final StackTraceRenderer stackTraces;
  private final int maxLength;
  private final Map<String, InstrumentationScopeInfo> scopes = new ConcurrentHashMap<>();
  private final StringBuilder stack = new StringBuilder(512);
  private final Set<String> written = new HashSet<>();

  OtlpLogRecords(
      Resource resource, Scrubber scrubber, StackTraceRenderer stackTraces, int maxLength) {
    this.resource = resource;
    this.scrubber = scrubber;
    this.keys = new SensitiveKeys(scrubber);
    this.stackTraces = stackTraces;
    this.maxLength = maxLength;
  }

  LogRecordData map(CapturedEvent event) {
    AttributesBuilder attributes = Attributes.builder();
    written.clear();
    int total = 0;
    total += put(attributes, THREAD_NAME, cap(event.threadName()));
    if (event.requestId() != null) {
      total += put(attributes, REQUEST_ID, cap(event.requestId()));
    }
    StackTraceElement caller = event.caller();
    if (caller != null) {
      total += put(attributes, CODE_FUNCTION, caller.getClassName() + "." + caller.getMethodName());
      attributes.put(CODE_LINE, (long) caller.getLineNumber());
      written.add(CODE_LINE.getKey());
      total++;
    }
    IThrowableProxy t = event.throwable();
    if (t != null) {
      total += put(attributes, EXCEPTION_TYPE, cap(String.valueOf(t.getClassName())));
      String message = StackTraceRenderer.message(t);
      if (message != null) {
        total += put(attributes, EXCEPTION_MESSAGE, cap(scrubber.scrub(message)));
      }
      stack.setLength(0);
      stackTraces.render(t, scrubber, stack);
      total += put(attributes, EXCEPTION_STACKTRACE, cap(stack.toString()));
      if (stack.capacity() > JsonBuffer.RETAIN_LIMIT) {
        stack.setLength(0);
        stack.trimToSize();
      }
    }
    Object[] pairs = event.keyValues();
    if (pairs != null) {
      for (int i = 0; i + 1 < pairs.length; i += 2) {
        if (pairs[i] != null) {
          total += keyValue(attributes, (String) pairs[i], pairs[i + 1]);
        }
      }
    }
    Map<String, String> mdc = event.mdc();
    if (mdc != null) {
      for (Map.Entry<String, String> entry : mdc.entrySet()) {
        String key = entry.getKey();
        if (key == null
            || key.equals(Fields.TRACE_ID)
            || key.equals(Fields.SPAN_ID)
            || key.equals(Fields.REQUEST_ID)
            || entry.getValue() == null) {
          continue;
        }
        String name = name(key, Fields.MDC_PREFIX);
        if (name != null) {
          total++;
          if (written.size() < MAX_ATTRIBUTES) {
            attributes.put(name, cap(keys.scrubValue(key, entry.getValue())));
            written.add(name);
          }
        }
      }
    }
    return new OtlpLogRecord(
        resource,
        scope(event.loggerName()),
        event.epochNanos(),
        event.observedNanos(),
        event.span(),
        severity(event.level()),
        event.level() == null ? null : event.level().toString(),
        cap(scrubber.scrub(event.message())),
        attributes.build(),
        total);
  }

  private int put(AttributesBuilder attributes, AttributeKey<String> key, String value) {
    attributes.put(key, value);
    written.add(key.getKey());
    return 1;
  }

  private int keyValue(AttributesBuilder attributes, String key, @Nullable Object value) {
    if (value == null) {
      return 0;
    }
    String name = name(key, Fields.KEY_VALUE_PREFIX);
    if (name == null) {
      return 0;
    }
    if (written.size() >= MAX_ATTRIBUTES) {
      return 1;
    }
    written.add(name);
    if (value instanceof String s) {
      attributes.put(name, cap(keys.scrubValue(key, s)));
    } else if (keys.isSensitive(key)) {
      attributes.put(name, scrubber.mask());
    } else if (value instanceof Boolean b) {
      attributes.put(name, b);
    } else if (value instanceof Integer
        || value instanceof Long
        || value instanceof Short
        || value instanceof Byte) {
      attributes.put(name, ((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      attributes.put(name, ((Number) value).doubleValue());
    } else if (value instanceof BigInteger || value instanceof BigDecimal) {
      attributes.put(name, cap(value.toString()));
    } else {
      attributes.put(name, cap(keys.scrubValue(key, String.valueOf(value))));
    }
    return 1;
  }

  /** The attribute name for {@code key}: itself, else prefixed, else null when both are taken. */
  private @Nullable String name(String key, String prefix) {
    if (key.length() > MAX_KEY_LENGTH) {
      return null;
    }
    String name = Keys.sanitize(key);
    if (RESERVED.contains(name) || written.contains(name)) {
      name = prefix + name;
      if (RESERVED.contains(name) || written.contains(name)) {
        return null;
      }
    }
    return name;
  }

  private String cap(String s) {
    if (s.length() <= maxLength) {
      return s;
    }
    // Never cut between the two halves of a surrogate pair.
    int end = Character.isHighSurrogate(s.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
    return s.substring(0, end);
  }

  private InstrumentationScopeInfo scope(String logger) {
    InstrumentationScopeInfo scope = scopes.get(logger);
    if (scope != null) {
      return scope;
    }
    scope = InstrumentationScopeInfo.create(logger);
    if (scopes.size() < MAX_SCOPES) {
      scopes.put(logger, scope);
    }
    return scope;
  }

  static Severity severity(@Nullable Level level) {
    if (level == null) {
      return Severity.UNDEFINED_SEVERITY_NUMBER;
    }
    return switch (level.toInt()) {
      case Level.ERROR_INT -> Severity.ERROR;
      case Level.WARN_INT -> Severity.WARN;
      case Level.INFO_INT -> Severity.INFO;
      case Level.DEBUG_INT -> Severity.DEBUG;
      case Level.TRACE_INT -> Severity.TRACE;
      default -> Severity.UNDEFINED_SEVERITY_NUMBER;
    };
  }
}
