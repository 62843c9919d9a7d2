package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import dev.observability.logging.internal.LogCounters;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BoundedAsyncAppenderTest {

  /** Records events with the thread and current span; blocks the background thread on demand. */
  static final class Recording extends UnsynchronizedAppenderBase<ILoggingEvent> {
    final List<ILoggingEvent> events = new CopyOnWriteArrayList<>();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final List<SpanContext> spans = new CopyOnWriteArrayList<>();
    final CountDownLatch release = new CountDownLatch(1);
    final CountDownLatch blocked = new CountDownLatch(1);
    volatile boolean blockBackground;

    @Override
    protected void append(ILoggingEvent event) {
      if (blockBackground && Thread.currentThread().getName().startsWith("observability-log")) {
        blocked.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      events.add(event);
      threads.add(Thread.currentThread().getName());
      spans.add(Span.current().getSpanContext());
    }

    List<String> messages() {
      return events.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  private final LoggerContext context = new LoggerContext();
  private final Recording downstream = new Recording();
  private final BoundedAsyncAppender async = new BoundedAsyncAppender();
  private final Logger logger = context.getLogger("com.example.Async");

  @BeforeEach
  void setUp() {
    context.setMDCAdapter(new LogbackMDCAdapter());
    downstream.setContext(context);
    downstream.start();
    async.setContext(context);
    async.setName("async");
    async.addAppender(downstream);
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.DEBUG);
    root.addAppender(async);
  }

  @AfterEach
  void tearDown() {
    downstream.release.countDown();
    async.stop();
    context.stop();
  }

  @Test
  void append_deliversOnBackgroundThread_withTheCallersSpan() {
    async.start();
    SpanContext span =
        SpanContext.create(
            "0af7651916cd43dd8448eb211c80319c",
            "b7ad6b7169203331",
            TraceFlags.getSampled(),
            TraceState.getDefault());

    TestEvents.inSpan(
        Span.wrap(span),
        () -> {
          logger.info("with span");
          return null;
        });
    logger.info("without span");

    await().atMost(Duration.ofSeconds(10)).until(() -> downstream.events.size() == 2);
    assertThat(downstream.messages()).containsExactly("with span", "without span");
    assertThat(downstream.threads).allMatch(t -> t.startsWith("observability-log-async"));
    assertThat(downstream.spans.get(0)).isEqualTo(span);
    assertThat(downstream.spans.get(1).isValid()).isFalse();
  }

  @Test
  void fullQueue_dropsAndCountsInfo_neverDropsWarnOrError() throws InterruptedException {
    async.setQueueSize(16);
    async.start();
    downstream.blockBackground = true;
    logger.info("first"); // taken by the background thread, which then blocks
    assertThat(downstream.blocked.await(10, TimeUnit.SECONDS)).isTrue();
    long before = LogCounters.QUEUE_FULL.sum();

    for (int i = 0; i < 100; i++) {
      logger.info("info {}", i);
    }
    for (int i = 0; i < 20; i++) {
      logger.error("error {}", i);
    }

    // 16 slots, a fifth kept for warnings: 13 INFO queued, 87 dropped; 3 ERROR queued, 17 ran
    // on this thread right away.
    assertThat(async.getDroppedCount()).isEqualTo(87);
    assertThat(LogCounters.QUEUE_FULL.sum() - before).isEqualTo(87);
    assertThat(async.getCallerRunsCount()).isEqualTo(17);
    assertThat(downstream.threads).containsOnly(Thread.currentThread().getName());
    downstream.release.countDown();
    await().atMost(Duration.ofSeconds(10)).until(() -> downstream.events.size() == 1 + 13 + 20);
    assertThat(downstream.messages().stream().filter(m -> m.startsWith("error"))).hasSize(20);
  }

  @Test
  void stop_drainsQueuedEvents() {
    async.start();
    for (int i = 0; i < 500; i++) {
      logger.info("event {}", i);
    }

    async.stop();

    assertThat(downstream.events).hasSize(500);
    assertThat(async.getDroppedCount()).isZero();
  }

  @Test
  void stop_withStuckAppender_givesUpAfterFlushTimeAndCounts() throws InterruptedException {
    async.setMaxFlushTime(Duration.ofMillis(200));
    async.start();
    downstream.blockBackground = true;
    logger.info("stuck");
    assertThat(downstream.blocked.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 5; i++) {
      logger.info("queued {}", i);
    }
    long before = LogCounters.SHUTDOWN.sum();

    long start = System.nanoTime();
    async.stop();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(async.getDroppedCount()).isEqualTo(5);
    assertThat(LogCounters.SHUTDOWN.sum() - before).isEqualTo(5);
  }
}
