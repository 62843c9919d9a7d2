package dev.observability.logging.internal;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.observability.ErrorFingerprint;
import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * {@code logging.debug-on-error}, the Logback side: a turbo filter that, inside an HTTP server
 * request (the observation current on the logging thread belongs to one), takes the DEBUG lines of
 * the chosen loggers whose level is above DEBUG, and holds them in the request's {@link
 * RequestDebugLines} instead of dropping them. The logging observation handler writes them if the
 * request fails and discards them otherwise.
 *
 * <p>For such a logger inside a request, {@code isDebugEnabled()} answers true, so that the line is
 * built and reaches this filter; it is then held, and the event goes no further (DENY), with the
 * key-value {@code buffered=true} and the thread's MDC (the request's ids) as they were when it was
 * logged. A logger whose level lets DEBUG through, TRACE and above-DEBUG lines, lines outside a
 * request and loggers not chosen are left to Logback as usual (NEUTRAL). Both SLF4J call forms
 * reach it: the classic one (format and arguments) and the fluent one (with its key-values).
 *
 * <p>Thread-safe. Never throws into the caller: a failure is counted in {@code
 * observability_internal_errors_total{component="logging"}}, reported to the status manager, and
 * the line goes on as without this filter.
 */
public final class DebugOnErrorFilter extends TurboFilter {

  /** The key-value every held line carries when it is written. */
  public static final String BUFFERED = "buffered";

  private static final List<KeyValuePair> BUFFERED_ONLY =
      List.of(new KeyValuePair(BUFFERED, Boolean.TRUE));

  private static final int MAX_CACHED_LOGGERS = 10_000;
  private static final int MAX_PARENT_WALK = 64;

  private final ObservationRegistry registry;
  private final List<String> prefixes;
  private final boolean callerData;
  private final AtomicLong budget;
  private final Function<Object, RequestDebugLines> newLines;
  private final ConcurrentHashMap<String, Boolean> chosen = new ConcurrentHashMap<>();
  private final Consumer<Throwable> errors;

  /**
   * Creates the filter.
   *
   * @param registry whose current observation tells the request
   * @param settings which loggers, and the bounds
   * @param callerData whether held lines take their caller data when logged
   * @param errors counts failures of the filter (the module's internal errors)
   */
  public DebugOnErrorFilter(
      ObservationRegistry registry,
      DebugOnErrorSettings settings,
      boolean callerData,
      Consumer<Throwable> errors) {
    this.registry = registry;
    this.errors = errors;
    this.prefixes = settings.loggers();
    this.callerData = callerData;
    this.budget = new AtomicLong(settings.maxBytes());
    int maxLines = settings.maxLines();
    this.newLines = key -> new RequestDebugLines(maxLines, budget);
    setName("OBSERVABILITY_DEBUG_ON_ERROR");
  }

  /** Bytes free in the budget shared by all requests (for tests). */
  public long freeBytes() {
    return budget.get();
  }

  @Override
  public FilterReply decide(
      @Nullable Marker marker,
      @Nullable Logger logger,
      @Nullable Level level,
      @Nullable String format,
      Object @Nullable [] params,
      @Nullable Throwable t) {
    try {
      HttpServerObservationContext request = holdingRequest(logger, level);
      if (request == null || logger == null || level == null) {
        return FilterReply.NEUTRAL;
      }
      if (format == null) {
        // isDebugEnabled(): yes, inside this request, so that the line is built and comes here.
        return FilterReply.ACCEPT;
      }
      LoggingEvent event = new LoggingEvent(Logger.FQCN, logger, level, format, t, params);
      if (marker != null) {
        event.addMarker(marker);
      }
      event.setKeyValuePairs(BUFFERED_ONLY);
      hold(request, logger, event);
      return FilterReply.DENY;
    } catch (RuntimeException e) {
      return failed(e);
    }
  }

  /**
   * A failure inside the host's log call: never thrown there. Counted and reported (to the status
   * manager: a logger could loop back here), and the line goes on as without this filter.
   */
  private FilterReply failed(RuntimeException e) {
    errors.accept(e);
    addWarn("Could not hold a DEBUG line for the request; it is dropped as DEBUG is off", e);
    return FilterReply.NEUTRAL;
  }

  @Override
  public FilterReply decide(@Nullable Logger logger, org.slf4j.event.@Nullable LoggingEvent line) {
    if (line == null) {
      return FilterReply.NEUTRAL;
    }
    try {
      Level level = Level.convertAnSLF4JLevel(line.getLevel());
      HttpServerObservationContext request = holdingRequest(logger, level);
      if (request == null || logger == null) {
        return FilterReply.NEUTRAL;
      }
      String boundary = line.getCallerBoundary();
      LoggingEvent event =
          new LoggingEvent(
              boundary == null ? Logger.FQCN : boundary,
              logger,
              level,
              line.getMessage(),
              line.getThrowable(),
              line.getArgumentArray());
      List<Marker> markers = line.getMarkers();
      if (markers != null) {
        markers.forEach(event::addMarker);
      }
      List<KeyValuePair> pairs = line.getKeyValuePairs();
      if (pairs == null || pairs.isEmpty()) {
        event.setKeyValuePairs(BUFFERED_ONLY);
      } else {
        List<KeyValuePair> all = new ArrayList<>(pairs.size() + 1);
        all.addAll(pairs);
        all.add(BUFFERED_ONLY.get(0));
        event.setKeyValuePairs(all);
      }
      hold(request, logger, event);
      return FilterReply.DENY;
    } catch (RuntimeException e) {
      return failed(e);
    }
  }

  /**
   * The request whose buffer takes a line of {@code level} from {@code logger}, or null when the
   * line is not one to hold.
   */
  private @Nullable HttpServerObservationContext holdingRequest(
      @Nullable Logger logger, @Nullable Level level) {
    if (level != Level.DEBUG || logger == null || !isStarted()) {
      return null;
    }
    if (logger.getEffectiveLevel().levelInt <= Level.DEBUG_INT) {
      // DEBUG is on for this logger: its lines are written as they come.
      return null;
    }
    HttpServerObservationContext request = currentRequest();
    return request != null && chosen(logger.getName()) ? request : null;
  }

  private @Nullable HttpServerObservationContext currentRequest() {
    ObservationView current = registry.getCurrentObservation();
    for (int depth = 0; current != null && depth < MAX_PARENT_WALK; depth++) {
      Observation.ContextView context = current.getContextView();
      if (context instanceof HttpServerObservationContext http) {
        return http;
      }
      current = context.getParentObservation();
    }
    return null;
  }

  /** Whether lines of the logger named {@code name} are held. */
  private boolean chosen(String name) {
    Boolean known = chosen.get(name);
    if (known != null) {
      return known;
    }
    boolean choice = choose(name);
    if (chosen.size() < MAX_CACHED_LOGGERS) {
      chosen.put(name, choice);
    }
    return choice;
  }

  private boolean choose(String name) {
    if (prefixes.isEmpty()) {
      // The application's loggers: not the SDK's, a library's, a framework's or the server's.
      return ErrorFingerprint.isApplicationFrame(name);
    }
    for (String prefix : prefixes) {
      if (name.startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }

  private void hold(HttpServerObservationContext request, Logger logger, LoggingEvent event) {
    // The message, thread and MDC (the request's ids) as they are now.
    event.prepareForDeferredProcessing();
    if (callerData) {
      event.getCallerData();
    }
    Object held = request.get(ObservationNames.BUFFERED_LOG_LINES);
    RequestDebugLines lines =
        held instanceof RequestDebugLines existing
            ? existing
            : request.computeIfAbsent(ObservationNames.BUFFERED_LOG_LINES, newLines);
    lines.add(logger, event);
  }
}
