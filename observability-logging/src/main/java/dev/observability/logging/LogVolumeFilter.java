package dev.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import dev.observability.logging.internal.LogCounters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Marker;
import org.slf4j.event.KeyValuePair;

/**
 * Log volume control, as a Logback {@link TurboFilter}: it decides before an event is even built,
 * so what it drops costs almost nothing.
 *
 * <ul>
 *   <li><b>DEBUG sampling</b>: DEBUG and TRACE events are kept with probability {@link
 *       #setDebugSampleRatio debugSampleRatio} (default 1: all). Dropped ones are counted under
 *       {@code reason="sampled"}.
 *   <li><b>Rate limiting per template</b>: at most {@link #setRateLimitEvents rateLimitEvents}
 *       events per {@link #setRateLimitInterval interval} for each pair of logger and message
 *       template (the unformatted pattern, {@code "user {} logged in"}), at any level; 0 (the
 *       default) turns it off. Events over the limit are counted under {@code
 *       reason="rate_limited"}, and once the window has passed, the next event of that template (or
 *       {@link #stop()}) writes one summary line {@code "suppressed N similar messages"} with the
 *       key-values {@code suppressed} and {@code template}, at the highest level suppressed. At
 *       most {@link #setMaxTemplates maxTemplates} templates are tracked; templates beyond that,
 *       and templates longer than 1024 characters, share one window.
 * </ul>
 *
 * <p>Only events that the logger's level lets through are sampled or counted. The access log
 * ({@code dev.observability.access}) is exempt from rate limiting: its volume is the traffic's.
 *
 * <p>Usable from {@code logback.xml} ({@code <turboFilter class="...LogVolumeFilter">}). Configure,
 * then {@link #start()}; {@link #decide} is thread-safe.
 */
public class LogVolumeFilter extends TurboFilter {

  /** Logger of the access log, exempt from rate limiting. */
  public static final String ACCESS_LOGGER = "dev.observability.access";

  private static final int MAX_TEMPLATE_LENGTH = 1024;
  private static final String OTHER_TEMPLATES = "*";
  private static final String FQCN = LogVolumeFilter.class.getName();

  private double debugSampleRatio = 1.0;
  private int rateLimitEvents;
  private long intervalNanos = Duration.ofSeconds(1).toNanos();
  private int maxTemplates = 1000;

  private final ConcurrentMap<String, ConcurrentMap<String, Window>> windows =
      new ConcurrentHashMap<>();
  private final AtomicInteger templates = new AtomicInteger();
  private final Window overflow = new Window(OTHER_TEMPLATES);
  private volatile long lastSweep;

  /** Creates a filter that does nothing until configured. */
  public LogVolumeFilter() {}

  /**
   * Sets the share of DEBUG and TRACE events kept, in [0, 1] (default 1).
   *
   * @param ratio the share kept, 0 to 1
   * @throws IllegalArgumentException outside [0, 1]
   */
  public void setDebugSampleRatio(double ratio) {
    if (!(ratio >= 0.0 && ratio <= 1.0)) {
      throw new IllegalArgumentException("debugSampleRatio must be in [0, 1], was " + ratio);
    }
    this.debugSampleRatio = ratio;
  }

  /**
   * The share of DEBUG and TRACE events kept.
   *
   * @return the share kept
   */
  public double getDebugSampleRatio() {
    return debugSampleRatio;
  }

  /**
   * Sets the number of events allowed per template and interval; 0 turns rate limiting off.
   *
   * @param events the events allowed per template and interval; 0 for no limit
   */
  public void setRateLimitEvents(int events) {
    if (events < 0) {
      throw new IllegalArgumentException("rateLimitEvents must not be negative, was " + events);
    }
    this.rateLimitEvents = events;
  }

  /**
   * Sets the rate-limiting window (default 1 s).
   *
   * @param interval the window
   */
  public void setRateLimitInterval(Duration interval) {
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("rateLimitInterval must be positive, was " + interval);
    }
    this.intervalNanos = interval.toNanos();
  }

  /**
   * Sets the rate-limiting window in milliseconds, for {@code logback.xml}.
   *
   * @param millis the window, in milliseconds
   */
  public void setRateLimitIntervalMillis(long millis) {
    setRateLimitInterval(Duration.ofMillis(millis));
  }

  /**
   * Sets how many distinct templates are tracked (default 1000).
   *
   * @param maxTemplates the most templates tracked
   */
  public void setMaxTemplates(int maxTemplates) {
    if (maxTemplates < 1) {
      throw new IllegalArgumentException("maxTemplates must be at least 1, was " + maxTemplates);
    }
    this.maxTemplates = maxTemplates;
  }

  /**
   * The number of templates currently tracked.
   *
   * @return the number of templates
   */
  public int trackedTemplates() {
    return templates.get();
  }

  @Override
  public FilterReply decide(
      @Nullable Marker marker,
      @Nullable Logger logger,
      @Nullable Level level,
      @Nullable String format,
      Object @Nullable [] params,
      @Nullable Throwable t) {
    // isDebugEnabled() and friends arrive without a format: they are not events.
    if (!isStarted() || format == null || logger == null || level == null) {
      return FilterReply.NEUTRAL;
    }
    if (!level.isGreaterOrEqual(logger.getEffectiveLevel())) {
      return FilterReply.NEUTRAL;
    }
    if (level.levelInt < Level.INFO_INT && debugSampleRatio < 1.0) {
      if (debugSampleRatio <= 0.0 || ThreadLocalRandom.current().nextDouble() >= debugSampleRatio) {
        LogCounters.SAMPLED.increment();
        return FilterReply.DENY;
      }
    }
    if (rateLimitEvents > 0 && !ACCESS_LOGGER.equals(logger.getName())) {
      try {
        return rateLimit(logger, level, format);
      } catch (RuntimeException e) {
        // A turbo filter runs inside the host's log call: never throw there, let the event pass.
        addWarn("Rate limiting failed; the event passes", e);
        return FilterReply.NEUTRAL;
      }
    }
    return FilterReply.NEUTRAL;
  }

  private FilterReply rateLimit(Logger logger, Level level, String format) {
    Window window = window(logger.getName(), format);
    long now = System.nanoTime();
    long summary = 0;
    Level summaryLevel = level;
    boolean deny;
    synchronized (window) {
      if (window.start == 0 || now - window.start >= intervalNanos) {
        summary = window.suppressed;
        summaryLevel = window.suppressedLevel;
        window.start = now == 0 ? 1 : now;
        window.count = 0;
        window.suppressed = 0;
        window.suppressedLevel = Level.TRACE;
      }
      deny = ++window.count > rateLimitEvents;
      if (deny) {
        window.suppressed++;
        if (level.levelInt > window.suppressedLevel.levelInt) {
          window.suppressedLevel = level;
        }
      }
    }
    if (summary > 0) {
      emitSummary(logger, summaryLevel, window.template, summary);
    }
    if (deny) {
      LogCounters.RATE_LIMITED.increment();
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }

  private Window window(String loggerName, String format) {
    ConcurrentMap<String, Window> byTemplate = windows.get(loggerName);
    if (byTemplate != null) {
      Window w = byTemplate.get(format);
      if (w != null) {
        return w;
      }
    }
    if (format.length() > MAX_TEMPLATE_LENGTH) {
      return overflow;
    }
    if (templates.get() >= maxTemplates) {
      sweep();
      if (templates.get() >= maxTemplates) {
        return overflow;
      }
    }
    ConcurrentMap<String, Window> map =
        windows.computeIfAbsent(loggerName, k -> new ConcurrentHashMap<>());
    Window created = new Window(format);
    created.loggerName = loggerName;
    Window previous = map.putIfAbsent(format, created);
    if (previous != null) {
      return previous;
    }
    templates.incrementAndGet();
    return created;
  }

  /** Forgets windows that are idle and owe no summary, at most once per interval. */
  private void sweep() {
    long now = System.nanoTime();
    long last = lastSweep;
    if (last != 0 && now - last < intervalNanos) {
      return;
    }
    lastSweep = now == 0 ? 1 : now;
    for (var byTemplate : windows.values()) {
      byTemplate
          .values()
          .removeIf(
              w -> {
                synchronized (w) {
                  boolean idle = w.suppressed == 0 && now - w.start >= 2 * intervalNanos;
                  if (idle) {
                    templates.decrementAndGet();
                  }
                  return idle;
                }
              });
    }
  }

  /** Writes the summary lines still owed, then stops. */
  @Override
  public void stop() {
    flushSummaries();
    super.stop();
  }

  /** Writes a summary line for every template with suppressed events, now. */
  public void flushSummaries() {
    List<Window> all = new ArrayList<>();
    windows.values().forEach(m -> all.addAll(m.values()));
    all.add(overflow);
    for (Window w : all) {
      long n;
      Level level;
      synchronized (w) {
        n = w.suppressed;
        level = w.suppressedLevel;
        w.suppressed = 0;
        w.suppressedLevel = Level.TRACE;
      }
      if (n > 0 && getContext() instanceof ch.qos.logback.classic.LoggerContext context) {
        String loggerName = w.loggerName != null ? w.loggerName : Logger.ROOT_LOGGER_NAME;
        emitSummary(context.getLogger(loggerName), level, w.template, n);
      }
    }
  }

  private void emitSummary(Logger logger, Level level, String template, long suppressed) {
    try {
      LoggingEvent event =
          new LoggingEvent(
              FQCN,
              logger,
              level,
              "suppressed {} similar messages",
              null,
              new Object[] {suppressed});
      List<KeyValuePair> pairs = new ArrayList<>(2);
      pairs.add(new KeyValuePair("suppressed", suppressed));
      pairs.add(new KeyValuePair("template", template));
      event.setKeyValuePairs(pairs);
      // Straight to the appenders: the summary must not be filtered (or rate limited) itself.
      logger.callAppenders(event);
    } catch (RuntimeException | LinkageError e) {
      addWarn("Could not write the rate-limit summary", e);
    }
  }

  /** One rate-limiting window; guarded by its own monitor. */
  private static final class Window {
    final String template;
    @Nullable String loggerName;
    long start;
    int count;
    long suppressed;
    Level suppressedLevel = Level.TRACE;

    Window(String template) {
      this.template = Objects.requireNonNull(template);
    }
  }
}
