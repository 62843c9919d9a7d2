package dev.observability.logging.internal;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Collections;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;
import org.slf4j.spi.MDCAdapter;

/**
 * The MDC a line is written with, read without the copy Logback makes where that copy is not
 * needed.
 *
 * <p>Logback's adapter copies its per-thread map for the next reader after every change, and a
 * request changes it twice: its scope puts the request's ids in, and takes them out again. So an
 * event logged inside the request copies the map with the ids (about 300 bytes), and the access
 * line, written after the scope closed, copies the emptied map (about 80). Neither copy is needed
 * by an encoder that writes the line at once on the thread that logs it: it reads the map as it is.
 * Logback offers no way to read it without the copy, so its own fields are read, found once by
 * reflection: the adapter's per-thread map, and whether an event already took its MDC (then that
 * map is the event's, as Logback would give it). Where a field cannot be read (another Logback, a
 * module that does not open it), Logback's own methods are called, as before.
 *
 * <p>Thread-safe: each thread reads only its own map.
 */
final class ThreadMdc {

  private static final @Nullable VarHandle ADAPTER_MAP =
      field(LogbackMDCAdapter.class, "readWriteThreadLocalMap", ThreadLocal.class);
  private static final @Nullable VarHandle EVENT_MDC =
      field(LoggingEvent.class, "mdcPropertyMap", Map.class);
  private static final @Nullable VarHandle EVENT_CONTEXT =
      field(LoggingEvent.class, "loggerContext", LoggerContext.class);

  /** What {@link #live()} answers where the thread's map cannot be read directly. */
  static final Map<String, String> UNREADABLE = Collections.unmodifiableMap(Map.of());

  private ThreadMdc() {}

  /**
   * The calling thread's own MDC map as it is now, to read a few keys at once with one look-up of
   * the thread's map instead of one per key: null when the thread has none, {@link #UNREADABLE}
   * where it cannot be read directly (then {@code MDC.get} it is). Read it before changing the MDC,
   * and do not keep it.
   */
  static @Nullable Map<String, String> live() {
    if (MDC.getMDCAdapter() instanceof LogbackMDCAdapter logback) {
      ThreadLocal<Map<String, String>> own = ownMap(logback);
      if (own != null) {
        return own.get();
      }
    }
    return UNREADABLE;
  }

  /** {@code key}'s value in a map {@link #live()} answered. */
  static @Nullable String get(@Nullable Map<String, String> live, String key) {
    if (live == UNREADABLE) {
      return MDC.get(key);
    }
    return live == null ? null : live.get(key);
  }

  /** The calling thread's MDC: never null, never a map a later MDC change alters. */
  static Map<String, String> current() {
    MDCAdapter adapter = MDC.getMDCAdapter();
    Map<String, String> map;
    if (adapter instanceof LogbackMDCAdapter logback) {
      ThreadLocal<Map<String, String>> own = ownMap(logback);
      if (own != null) {
        Map<String, String> current = own.get();
        if (current == null || current.isEmpty()) {
          return Map.of();
        }
      }
      // Logback's read-only view, copied only when the MDC changed since it was last taken.
      map = logback.getPropertyMap();
    } else {
      map = adapter == null ? null : adapter.getCopyOfContextMap();
    }
    return map == null ? Map.of() : map;
  }

  /**
   * The MDC of {@code event}, for a writer that is encoding it now, on the thread that logged it
   * (as an appender's {@code doAppend} does; an appender that hands events to another thread first
   * has them take their MDC, as Logback requires). The map the event took when it took one, else
   * the logging thread's own map as it is now, which is what Logback would copy: read it before
   * anything on this thread can change the MDC, and do not keep it.
   *
   * @return the map, or null when the event has none
   */
  static @Nullable Map<String, String> ofEvent(ILoggingEvent event) {
    VarHandle taken = EVENT_MDC;
    VarHandle context = EVENT_CONTEXT;
    if (taken != null
        && context != null
        && event instanceof LoggingEvent logback
        && taken.get(logback) == null
        && context.get(logback) instanceof LoggerContext loggerContext
        && loggerContext.getMDCAdapter() instanceof LogbackMDCAdapter adapter) {
      ThreadLocal<Map<String, String>> own = ownMap(adapter);
      if (own != null) {
        Map<String, String> current = own.get();
        return current == null ? Map.of() : current;
      }
    }
    return event.getMDCPropertyMap();
  }

  /** Whether events' MDC is read without a copy, as {@link #ofEvent} does where it can. */
  static boolean readsEventsDirectly(LogbackMDCAdapter adapter) {
    return EVENT_MDC != null && EVENT_CONTEXT != null && ownMap(adapter) != null;
  }

  /** Whether Logback's per-thread map is read directly for {@code adapter}. */
  static boolean readsDirectly(LogbackMDCAdapter adapter) {
    return ownMap(adapter) != null;
  }

  /** The adapter's own per-thread map, or null where it cannot be read. */
  @SuppressWarnings("unchecked") // the field's declared type
  private static @Nullable ThreadLocal<Map<String, String>> ownMap(LogbackMDCAdapter adapter) {
    VarHandle map = ADAPTER_MAP;
    return map == null ? null : (ThreadLocal<Map<String, String>>) map.get(adapter);
  }

  private static @Nullable VarHandle field(Class<?> owner, String name, Class<?> type) {
    try {
      return MethodHandles.privateLookupIn(owner, MethodHandles.lookup())
          .findVarHandle(owner, name, type);
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Not this Logback's layout, or not open to this module: Logback's methods it is.
      return null;
    }
  }
}
