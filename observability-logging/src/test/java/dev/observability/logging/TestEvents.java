package dev.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.observability.scrub.Scrubber;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/** Builds real Logback events without going through appenders. */
final class TestEvents {

  static final LoggerContext CONTEXT = new LoggerContext();
  static final long TIME = 1_795_678_380_123L; // 2026-11-26T07:33:00.123Z

  private final Logger logger;
  private Level level = Level.INFO;
  private String message = "hello";
  private Object @Nullable [] args;
  private @Nullable Throwable throwable;
  private final Map<String, String> mdc = new LinkedHashMap<>();
  private final List<KeyValuePair> pairs = new ArrayList<>();
  private String thread = "main";

  private TestEvents(String loggerName) {
    this.logger = CONTEXT.getLogger(loggerName);
  }

  static TestEvents event() {
    return new TestEvents("com.example.Orders");
  }

  static TestEvents event(String loggerName) {
    return new TestEvents(loggerName);
  }

  TestEvents level(Level level) {
    this.level = level;
    return this;
  }

  TestEvents message(String message, Object... args) {
    this.message = message;
    this.args = args.length == 0 ? null : args;
    return this;
  }

  TestEvents thrown(Throwable throwable) {
    this.throwable = throwable;
    return this;
  }

  TestEvents mdc(String key, String value) {
    mdc.put(key, value);
    return this;
  }

  TestEvents kv(String key, @Nullable Object value) {
    pairs.add(new KeyValuePair(key, value));
    return this;
  }

  TestEvents thread(String thread) {
    this.thread = thread;
    return this;
  }

  LoggingEvent build() {
    LoggingEvent event =
        new LoggingEvent(Logger.class.getName(), logger, level, message, throwable, args);
    event.setTimeStamp(TIME);
    event.setThreadName(thread);
    event.setMDCPropertyMap(new LinkedHashMap<>(mdc));
    if (!pairs.isEmpty()) {
      event.setKeyValuePairs(new ArrayList<>(pairs));
    }
    return event;
  }

  /** Runs {@code work} with {@code span} current. */
  static <T> T inSpan(io.opentelemetry.api.trace.Span span, java.util.function.Supplier<T> work) {
    io.opentelemetry.context.Scope scope = span.makeCurrent();
    try {
      return work.get();
    } finally {
      scope.close();
    }
  }

  /** An encoder with fixed service fields and {@code scrubber}, started. */
  static JsonEncoder encoder(Scrubber scrubber) {
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(CONTEXT);
    encoder.setService("orders");
    encoder.setEnvironment("test");
    encoder.setVersion("1.2.3");
    encoder.setScrubber(scrubber);
    encoder.start();
    return encoder;
  }
}
