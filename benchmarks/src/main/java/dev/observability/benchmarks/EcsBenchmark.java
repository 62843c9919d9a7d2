package dev.observability.benchmarks;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import dev.observability.Observability;
import dev.observability.logging.EcsEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * One log event encoded as Elastic Common Schema JSON by our {@link EcsEncoder} (scrubbing on, with
 * the running instance's scrubber) and by Elastic's {@code logback-ecs-encoder}, on the same event
 * objects:
 *
 * <ul>
 *   <li>lite: a formatted message and 3 MDC entries (trace id, span id, request id);
 *   <li>access: the access-log line, its 5 key-values and the same MDC (Elastic's encoder does not
 *       write SLF4J key-values: it does less work here, and its line lacks the HTTP fields);
 *   <li>full: lite plus an exception with 2 causes, 30 frames each (ours prints at most 64 frames
 *       per throwable, root cause first; Elastic's prints the whole trace).
 * </ul>
 *
 * <p>Both return a new {@code byte[]} per event (Logback's {@code Encoder} contract), so B/op
 * includes that array for both. The events are built once: their formatted message and throwable
 * proxy are computed by Logback when the event is created, for both encoders alike.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class EcsBenchmark {

  private Observability observability;
  private EcsEncoder ours;
  private co.elastic.logging.logback.EcsEncoder elastic;
  private LoggingEvent lite;
  private LoggingEvent access;
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
    LoggerContext context = new LoggerContext();
    context.setName("benchmark");

    ours = new EcsEncoder();
    ours.setContext(context);
    ours.setScrubber(observability.scrubber());
    ours.setServiceName("checkout");
    ours.setServiceEnvironment("production");
    ours.setServiceVersion("1.4.2");
    ours.start();

    elastic = new co.elastic.logging.logback.EcsEncoder();
    elastic.setContext(context);
    elastic.setServiceName("checkout");
    elastic.setServiceEnvironment("production");
    elastic.setServiceVersion("1.4.2");
    elastic.start();

    Logger logger = context.getLogger("com.example.checkout.OrderService");
    lite = event(logger, "order {} created for user {}", null, List.of());
    full = event(logger, "order {} created for user {}", exception(), List.of());
    access =
        event(
            context.getLogger("dev.observability.access"),
            "request completed",
            null,
            List.of(
                new KeyValuePair("method", "GET"),
                new KeyValuePair("path", "/api/users/42?page=2"),
                new KeyValuePair("route", "/api/users/{id}"),
                new KeyValuePair("status", 200),
                new KeyValuePair("duration_ms", 12.345)));

    // Print one line of each, so that a reader of the run sees what is compared.
    for (byte[] line : List.of(ours.encode(access), elastic.encode(access))) {
      System.out.println(new String(line, StandardCharsets.UTF_8).trim());
    }
  }

  private static LoggingEvent event(
      Logger logger, String message, Throwable thrown, List<KeyValuePair> pairs) {
    LoggingEvent event =
        new LoggingEvent(
            Logger.class.getName(),
            logger,
            ch.qos.logback.classic.Level.INFO,
            message,
            thrown,
            new Object[] {"ORD-12345", "USR-67890"});
    event.setThreadName("http-nio-8080-exec-1");
    Map<String, String> mdc = new LinkedHashMap<>();
    mdc.put("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    mdc.put("span_id", "00f067aa0ba902b7");
    mdc.put("request_id", "req-abc123");
    event.setMDCPropertyMap(mdc);
    if (!pairs.isEmpty()) {
      event.setKeyValuePairs(new ArrayList<>(pairs));
    }
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

  @Benchmark
  public byte[] liteOurs() {
    return ours.encode(lite);
  }

  @Benchmark
  public byte[] liteElastic() {
    return elastic.encode(lite);
  }

  @Benchmark
  public byte[] accessOurs() {
    return ours.encode(access);
  }

  @Benchmark
  public byte[] accessElastic() {
    return elastic.encode(access);
  }

  @Benchmark
  public byte[] fullOurs() {
    return ours.encode(full);
  }

  @Benchmark
  public byte[] fullElastic() {
    return elastic.encode(full);
  }
}
