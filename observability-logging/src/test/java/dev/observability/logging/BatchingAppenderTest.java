package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.logging.internal.LogCounters;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchingAppenderTest {

  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("com.example.Batching");
  private final PrintStream originalOut = System.out;
  private BatchingAppender appender;

  @AfterEach
  void tearDown() {
    if (appender != null) {
      appender.stop();
    }
    System.setOut(originalOut);
    context.stop();
  }

  private BatchingAppender start(BatchingAppender configured) {
    context.setMDCAdapter(new LogbackMDCAdapter());
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setService("orders");
    configured.setContext(context);
    configured.setName("BATCH");
    if (configured.getEncoder() == null) {
      configured.setEncoder(encoder);
    }
    configured.start();
    logger.addAppender(configured);
    logger.setAdditive(false);
    appender = configured;
    return configured;
  }

  private static List<JsonNode> lines(String text) {
    return JsonLines.parseAll(text);
  }

  @Test
  void lines_reachTheFileInOrder_inFewerWritesThanLines(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("app.log");
    BatchingAppender batching = new BatchingAppender();
    batching.setFile(file.toString());
    batching.setFlushInterval(Duration.ofMillis(50));
    start(batching);

    for (int i = 0; i < 1000; i++) {
      logger.info("line {}", i);
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.readString(file).lines().count() == 1000);
    List<JsonNode> lines = lines(Files.readString(file));
    for (int i = 0; i < 1000; i++) {
      assertThat(lines.get(i).get("message").asText()).isEqualTo("line " + i);
      assertThat(lines.get(i).get("service").asText()).isEqualTo("orders");
    }
  }

  /**
   * Virtual threads share the encoder's buffers (a few, taken and given back): every line still
   * carries its own thread, message and key-values. Runs on a JDK with virtual threads (21 or
   * newer); JDK 17 has none, and ScratchPoolTest covers the shared buffers there.
   */
  @Test
  void virtualThreads_sharingBuffers_writeEachTheirOwnLine(@TempDir Path dir) throws Throwable {
    MethodHandle startVirtual = virtualThreadStarter();
    assumeTrue(startVirtual != null, "this JDK has no virtual threads");
    Path file = dir.resolve("app.log");
    BatchingAppender batching = new BatchingAppender();
    batching.setFile(file.toString());
    start(batching);

    int count = 2000;
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int n = i;
      Runnable task =
          () -> {
            Thread.currentThread().setName("virtual-" + n);
            logger.atInfo().addKeyValue("n", n).log("line {} {}", n, "x".repeat(n % 97));
          };
      threads.add((Thread) startVirtual.invoke(task));
    }
    for (Thread thread : threads) {
      thread.join();
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.readString(file).lines().count() == count);
    List<JsonNode> lines = lines(Files.readString(file));
    boolean[] seen = new boolean[count];
    for (JsonNode line : lines) {
      int n = line.get("n").asInt();
      assertThat(seen[n]).as("line %d written twice", n).isFalse();
      seen[n] = true;
      assertThat(line.get("thread").asText()).isEqualTo("virtual-" + n);
      assertThat(line.get("message").asText()).isEqualTo("line " + n + " " + "x".repeat(n % 97));
      assertThat(line.get("service").asText()).isEqualTo("orders");
    }
  }

  private static @Nullable MethodHandle virtualThreadStarter() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(
              Thread.class,
              "startVirtualThread",
              MethodType.methodType(Thread.class, Runnable.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  @Test
  void console_writesWholeBatches_notOneWritePerLine() {
    CountingStream counting = new CountingStream();
    System.setOut(new PrintStream(counting, false, StandardCharsets.UTF_8));
    BatchingAppender batching = new BatchingAppender();
    batching.setFlushInterval(Duration.ofMillis(200));
    start(batching);

    for (int i = 0; i < 500; i++) {
      logger.info("console line {}", i);
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> counting.text().lines().count() == 500);

    // 500 lines of ~200 bytes fit a 256 KiB batch: a few writes, not one per line.
    assertThat(counting.writes.get()).isLessThan(50);
    assertThat(lines(counting.text()).get(499).get("message").asText())
        .isEqualTo("console line 499");
  }

  @Test
  void stop_writesWhatIsBuffered() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, false, StandardCharsets.UTF_8));
    BatchingAppender batching = new BatchingAppender();
    batching.setFlushInterval(Duration.ofSeconds(10));
    start(batching);

    logger.info("before stop");
    batching.stop();

    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("before stop");
  }

  @Test
  void fullBuffer_dropsAndCountsInfo_writesWarnItselfAfterWhatWasBuffered() throws Exception {
    BlockingStream blocking = new BlockingStream();
    System.setOut(new PrintStream(blocking, false, StandardCharsets.UTF_8));
    BatchingAppender batching = new BatchingAppender();
    batching.setMaxEvents(16);
    batching.setFlushInterval(Duration.ofMillis(1));
    start(batching);

    // The first batch reaches the output, which blocks the writer thread.
    logger.info("first");
    assertThat(blocking.entered.await(10, TimeUnit.SECONDS)).isTrue();
    for (int i = 0; i < 16; i++) {
      logger.info("queued {}", i);
    }
    long droppedBefore = LogCounters.QUEUE_FULL.sum();
    logger.info("dropped");
    assertThat(batching.getDroppedCount()).isEqualTo(1);
    assertThat(LogCounters.QUEUE_FULL.sum()).isEqualTo(droppedBefore + 1);

    CountDownLatch warned = new CountDownLatch(1);
    Thread warner =
        new Thread(
            () -> {
              logger.warn("never dropped");
              warned.countDown();
            });
    warner.start();
    // The warning waits for the output like a synchronous appender would.
    assertThat(warned.await(200, TimeUnit.MILLISECONDS)).isFalse();
    blocking.release.countDown();
    assertThat(warned.await(10, TimeUnit.SECONDS)).isTrue();
    batching.flush();

    List<String> messages = new ArrayList<>();
    for (JsonNode line : lines(blocking.text())) {
      messages.add(line.get("message").asText());
    }
    List<String> expected = new ArrayList<>();
    expected.add("first");
    for (int i = 0; i < 16; i++) {
      expected.add("queued " + i);
    }
    expected.add("never dropped");
    assertThat(messages).containsExactlyElementsOf(expected);
  }

  @Test
  void failingOutput_countsLostLines_andNeverThrowsIntoTheLogger() {
    System.setOut(new PrintStream(new FailingStream(), false, StandardCharsets.UTF_8));
    BatchingAppender batching = new BatchingAppender();
    batching.setFlushInterval(Duration.ofMillis(1));
    start(batching);
    long before = LogCounters.WRITE_FAILED.sum();

    logger.info("lost one");
    logger.info("lost two");
    batching.flush();

    await().atMost(Duration.ofSeconds(10)).until(() -> batching.getWriteFailureCount() == 2);
    assertThat(LogCounters.WRITE_FAILED.sum()).isEqualTo(before + 2);
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .anyMatch(s -> s.getMessage().contains("Writing log lines failed"));
  }

  @Test
  void concurrentThreads_eachLineWholeAndNoneLost(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("concurrent.log");
    BatchingAppender batching = new BatchingAppender();
    batching.setFile(file.toString());
    // Room for every line, so that none is dropped however late the writer thread runs.
    batching.setBufferSize(8 * 1024 * 1024);
    batching.setMaxEvents(100_000);
    start(batching);

    int threads = 4;
    int perThread = 2000;
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread worker =
          new Thread(
              () -> {
                for (int i = 0; i < perThread; i++) {
                  logger.atInfo().addKeyValue("worker", id).addKeyValue("n", i).log("work");
                }
              });
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join(TimeUnit.SECONDS.toMillis(30));
    }
    batching.stop();

    List<JsonNode> lines = lines(Files.readString(file));
    assertThat(lines).hasSize(threads * perThread);
    int[] next = new int[threads];
    for (JsonNode line : lines) {
      int worker = line.get("worker").asInt();
      // Each thread's lines stay in the order it logged them.
      assertThat(line.get("n").asInt()).isEqualTo(next[worker]++);
    }
  }

  @Test
  void otherEncoders_haveTheirLinesCopied() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, false, StandardCharsets.UTF_8));
    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setContext(context);
    pattern.setPattern("%level %msg%n");
    pattern.start();
    BatchingAppender batching = new BatchingAppender();
    batching.setEncoder(pattern);
    start(batching);

    logger.info("plain text");
    batching.flush();

    assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("INFO plain text\n");
  }

  @Test
  void withoutEncoder_doesNotStart_andReportsWhy() {
    BatchingAppender batching = new BatchingAppender();
    batching.setContext(context);
    batching.setName("NO_ENCODER");
    batching.start();

    assertThat(batching.isStarted()).isFalse();
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .anyMatch(s -> s.getMessage().contains("No encoder set"));
  }

  @Test
  void settings_rejectValuesOutOfRange() {
    BatchingAppender batching = new BatchingAppender();
    assertThatThrownBy(() -> batching.setTarget("System.in"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("System.out or System.err");
    assertThatThrownBy(() -> batching.setBufferSize(1024))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> batching.setMaxEvents(1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> batching.setFlushInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    batching.setTarget("system.err");
    assertThat(batching.getTarget()).isEqualTo("System.err");
  }

  /** Counts the writes that reach it. */
  private static final class CountingStream extends OutputStream {
    final AtomicInteger writes = new AtomicInteger();
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public synchronized void write(int b) {
      writes.incrementAndGet();
      bytes.write(b);
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      writes.incrementAndGet();
      bytes.write(b, off, len);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }

  /** Blocks the first write until released. */
  private static final class BlockingStream extends OutputStream {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      synchronized (bytes) {
        bytes.write(b, off, len);
      }
    }

    String text() {
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }

  /** Fails every write. */
  private static final class FailingStream extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      throw new IOException("disk full");
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      throw new IOException("disk full");
    }
  }
}
