package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.observability.logging.internal.LogCounters;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

class LogVolumeFilterTest {

  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
  private final LogVolumeFilter filter = new LogVolumeFilter();
  private final Logger logger = context.getLogger("com.example.Noisy");

  @BeforeEach
  void setUp() {
    appender.setContext(context);
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.DEBUG);
    root.addAppender(appender);
    filter.setContext(context);
  }

  @AfterEach
  void tearDown() {
    context.stop();
  }

  private void install() {
    filter.start();
    context.addTurboFilter(filter);
  }

  private List<String> messages() {
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  private Optional<ILoggingEvent> summary() {
    return appender.list.stream()
        .filter(e -> e.getFormattedMessage().matches("suppressed \\d+ similar messages"))
        .findFirst();
  }

  private static Object kv(ILoggingEvent event, String key) {
    return event.getKeyValuePairs().stream()
        .filter(p -> p.key.equals(key))
        .map(p -> p.value)
        .findFirst()
        .orElseThrow();
  }

  @Test
  void sampleRatioZero_dropsEveryDebugAndTrace_keepsInfo_andCounts() {
    filter.setDebugSampleRatio(0.0);
    install();
    logger.setLevel(Level.TRACE);
    long before = LogCounters.SAMPLED.sum();

    for (int i = 0; i < 20; i++) {
      logger.debug("debug {}", i);
      logger.trace("trace {}", i);
    }
    logger.info("info");

    assertThat(messages()).containsExactly("info");
    assertThat(LogCounters.SAMPLED.sum() - before).isEqualTo(40);
  }

  @Test
  void sampleRatioHalf_keepsRoughlyHalf() {
    filter.setDebugSampleRatio(0.5);
    install();

    for (int i = 0; i < 4000; i++) {
      logger.debug("debug {}", i);
    }

    // Binomial(4000, 0.5): outside [1700, 2300] has probability below 1e-20.
    assertThat(appender.list.size()).isBetween(1700, 2300);
  }

  @Test
  void sampling_ignoresEventsTheLevelDisables_andIsEnabledChecks() {
    filter.setDebugSampleRatio(0.0);
    install();
    logger.setLevel(Level.INFO);
    long before = LogCounters.SAMPLED.sum();

    logger.debug("disabled anyway");
    logger.setLevel(Level.DEBUG);

    assertThat(logger.isDebugEnabled()).isTrue();
    assertThat(LogCounters.SAMPLED.sum() - before).isZero();
  }

  @Test
  void rateLimit_passesNPerTemplate_countsTheRest_thenWritesOneSummary() {
    filter.setRateLimitEvents(5);
    filter.setRateLimitInterval(Duration.ofMillis(200));
    install();
    long before = LogCounters.RATE_LIMITED.sum();

    for (int i = 0; i < 20; i++) {
      logger.warn("payment {} failed", i);
    }
    logger.info("other template");

    assertThat(messages())
        .containsExactly(
            "payment 0 failed",
            "payment 1 failed",
            "payment 2 failed",
            "payment 3 failed",
            "payment 4 failed",
            "other template");
    assertThat(LogCounters.RATE_LIMITED.sum() - before).isEqualTo(15);

    int[] next = {100};
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              logger.warn("payment {} failed", next[0]++);
              return summary().isPresent();
            });
    ILoggingEvent summary = summary().orElseThrow();
    assertThat(summary.getLevel()).isEqualTo(Level.WARN);
    assertThat(summary.getLoggerName()).isEqualTo("com.example.Noisy");
    assertThat((Long) kv(summary, "suppressed")).isGreaterThanOrEqualTo(15L);
    assertThat(kv(summary, "template")).isEqualTo("payment {} failed");
    assertThat(appender.list.stream().filter(e -> e == summary)).hasSize(1);
  }

  @Test
  void stop_writesOwedSummaries() {
    filter.setRateLimitEvents(1);
    filter.setRateLimitInterval(Duration.ofHours(1));
    install();

    for (int i = 0; i < 4; i++) {
      logger.error("disk full {}", i);
    }
    filter.stop();

    ILoggingEvent summary = summary().orElseThrow();
    assertThat(summary.getFormattedMessage()).isEqualTo("suppressed 3 similar messages");
    assertThat(summary.getKeyValuePairs())
        .extracting(p -> p.key)
        .containsExactly("suppressed", "template");
  }

  @Test
  void rateLimit_accessLoggerIsExempt() {
    filter.setRateLimitEvents(1);
    install();
    Logger access = context.getLogger(LogVolumeFilter.ACCESS_LOGGER);

    for (int i = 0; i < 10; i++) {
      access.info("request completed");
    }

    assertThat(appender.list).hasSize(10);
  }

  @Test
  void rateLimit_templatesBeyondBound_shareOneWindow() {
    filter.setRateLimitEvents(2);
    filter.setMaxTemplates(2);
    filter.setRateLimitInterval(Duration.ofHours(1));
    install();

    logger.info("a");
    logger.info("b");
    for (int i = 0; i < 10; i++) {
      logger.info("dynamic " + i); // a new template each time
    }

    assertThat(filter.trackedTemplates()).isEqualTo(2);
    assertThat(messages()).containsExactly("a", "b", "dynamic 0", "dynamic 1");
  }

  @Test
  void summary_isNotItselfRateLimited() {
    filter.setRateLimitEvents(1);
    filter.setRateLimitInterval(Duration.ofHours(1));
    install();
    logger.info("x");
    logger.info("x");

    filter.flushSummaries();
    filter.flushSummaries();

    assertThat(messages()).containsExactly("x", "suppressed 1 similar messages");
    List<KeyValuePair> pairs = summary().orElseThrow().getKeyValuePairs();
    assertThat(pairs.get(0).value).isEqualTo(1L);
  }
}
