package dev.observability.benchmarks;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.observability.Observability;
import dev.observability.logging.JsonEncoder;
import dev.observability.scrub.Scrubber;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.event.KeyValuePair;

/**
 * One log event encoded to JSON bytes by our {@link JsonEncoder} (scrubbing on, with the running
 * instance's scrubber), by logstash-logback-encoder's {@link LogstashEncoder} and by Logback's own
 * {@link ch.qos.logback.classic.encoder.JsonEncoder}, on the same event objects:
 *
 * <ul>
 *   <li>lite: a formatted message, 3 key-values, 2 MDC entries;
 *   <li>full: the same plus an exception with 2 causes, 30 frames each.
 * </ul>
 *
 * <p>Every encoder must return a new {@code byte[]} per event (Logback's {@code Encoder} contract),
 * so B/op includes that array for all three. The events are built once: their formatted message and
 * throwable proxy are computed by Logback when the event is created, for all encoders alike.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LoggingBenchmark {

  private Observability observability;
  private LoggerContext context;
  private JsonEncoder ours;
  private LogstashEncoder logstash;
  private ch.qos.logback.classic.encoder.JsonEncoder logback;
  private LoggingEvent lite;
  private LoggingEvent full;

  @Setup(Level.Trial)
  public void setUp() {
    observability =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .property("shutdown.hook", "false")
            .serviceName("checkout")
            .environment("production")
            .version("1.4.2")
            .start();
    Scrubber scrubber = observability.scrubber();
    context = new LoggerContext();
    context.setName("benchmark");

    ours = new JsonEncoder();
    ours.setContext(context);
    ours.setScrubber(scrubber);
    ours.setService("checkout");
    ours.setEnvironment("production");
    ours.setVersion("1.4.2");
    ours.start();

    logstash = new LogstashEncoder();
    logstash.setContext(context);
    logstash.setCustomFields(
        "{\"service\":\"checkout\",\"environment\":\"production\",\"version\":\"1.4.2\"}");
    logstash.start();

    logback = new ch.qos.logback.classic.encoder.JsonEncoder();
    logback.setContext(context);
    logback.start();

    Logger logger = context.getLogger("com.example.checkout.OrderService");
    lite = event(logger, null);
    full = event(logger, exception());

    // Print one line of each, so that a reader of the run sees what is compared.
    for (byte[] line : List.of(ours.encode(full), logstash.encode(full), logback.encode(full))) {
      String text = new String(line, StandardCharsets.UTF_8);
      System.out.println(text.length() > 400 ? text.substring(0, 400) + "..." : text);
    }
  }

  private static LoggingEvent event(Logger logger, Throwable thrown) {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            ch.qos.logback.classic.Level.INFO,
            "order {} created for user {}",
            thrown,
            new Object[] {"ORD-12345", "USR-67890"});
    event.setThreadName("http-nio-8080-exec-1");
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    mdc.put("request_id", "req-abc123");
    event.setMDCPropertyMap(mdc);
    List<KeyValuePair> pairs = new ArrayList<>();
    pairs.add(new KeyValuePair("amount", 99.99));
    pairs.add(new KeyValuePair("currency", "USD"));
    pairs.add(new KeyValuePair("items_count", 3));
    event.setKeyValuePairs(pairs);
    event.getFormattedMessage();
    return event;
  }

  private static Throwable exception() {
    Throwable root = withFrames(new java.sql.SQLException("connection refused"), 30, "org.h2");
    Throwable middle =
        withFrames(new IllegalStateException("cannot load order", root), 30, "com.example.dao");
    return withFrames(new RuntimeException("checkout failed", middle), 30, "com.example.web");
  }

  private static Throwable withFrames(Throwable t, int frames, String pkg) {
    StackTraceElement[] stack = new StackTraceElement[frames];
    for (int i = 0; i < frames; i++) {
      stack[i] =
          new StackTraceElement(
              pkg + ".Component" + (i % 5), "method" + i, "Component.java", 10 + i);
    }
    t.setStackTrace(stack);
    return t;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    observability.close();
  }

  /** Discards what it is given, counting bytes so that the writes cannot be optimised away. */
  static final class Sink extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }

  private final Sink sink = new Sink();

  @Benchmark
  public long liteOursStream() throws IOException {
    ours.encode(lite, sink);
    return sink.bytes;
  }

  @Benchmark
  public long liteLogstashStream() throws IOException {
    logstash.encode(lite, sink);
    return sink.bytes;
  }

  @Benchmark
  public long fullOursStream() throws IOException {
    ours.encode(full, sink);
    return sink.bytes;
  }

  @Benchmark
  public long fullLogstashStream() throws IOException {
    logstash.encode(full, sink);
    return sink.bytes;
  }

  @Benchmark
  public byte[] liteOurs() {
    return ours.encode(lite);
  }

  @Benchmark
  public byte[] liteLogstash() {
    return logstash.encode(lite);
  }

  @Benchmark
  public byte[] liteLogback() {
    return logback.encode(lite);
  }

  @Benchmark
  public byte[] fullOurs() {
    return ours.encode(full);
  }

  @Benchmark
  public byte[] fullLogstash() {
    return logstash.encode(full);
  }

  @Benchmark
  public byte[] fullLogback() {
    return logback.encode(full);
  }
}
