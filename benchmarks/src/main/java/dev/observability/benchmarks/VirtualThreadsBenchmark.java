package dev.observability.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.logging.LoggingModule;
import dev.observability.metrics.MetricsModule;
import dev.observability.tracing.TracingModule;
import io.micrometer.observation.Observation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request of {@link HandlersBenchmark} as a server that runs each request on a thread of its
 * own runs it: {@code virtual} starts a virtual thread per request and waits for it, as Jetty's and
 * Tomcat's virtual-thread executors and Spring Boot's {@code spring.threads.virtual.enabled} do;
 * {@code pooled} runs it on the benchmark thread, as a pool's thread that served requests before.
 * {@code empty} is the same thread with nothing to do, so that what the SDK adds is {@code request}
 * less {@code empty}. {@code virtual} needs a JDK with virtual threads (21 or newer): run the jar
 * with one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class VirtualThreadsBenchmark {

  private static final String REQUEST_ID = "6adc477a-7b37-4b0b-bc9a-715a4ba060db";

  @Param({"pooled", "virtual"})
  public String threads;

  private Observability observability;
  private org.slf4j.Logger service;
  private MethodHandle startVirtual;
  private long n;

  @Setup
  public void start() throws IllegalAccessException {
    if (threads.equals("virtual")) {
      try {
        startVirtual =
            MethodHandles.publicLookup()
                .findStatic(
                    Thread.class,
                    "startVirtualThread",
                    MethodType.methodType(Thread.class, Runnable.class));
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException(
            "threads=virtual needs a JDK with virtual threads (21 or newer);"
                + " on this one, run with -p threads=pooled",
            e);
      }
    }
    LoggerContext context = SdkLines.toFile("/dev/null");
    service = context.getLogger("dev.observability.benchmarks.overhead.OverheadApp");
    observability =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new LoggingModule())
            .module(new MetricsModule())
            .module(new TracingModule())
            .serviceName("overhead-sdk")
            .environment("benchmark")
            .property("tracing.sample-ratio", "0")
            .property("tracing.otlp.endpoint", "http://127.0.0.1:9")
            .property("shutdown.hook", "false")
            .start();
  }

  @TearDown
  public void stop() {
    observability.close();
  }

  @Benchmark
  public void empty() throws Throwable {
    run(() -> {});
  }

  @Benchmark
  public void request() throws Throwable {
    run(this::serve);
  }

  private void run(Runnable work) throws Throwable {
    if (startVirtual == null) {
      work.run();
    } else {
      ((Thread) startVirtual.invokeExact(work)).join();
    }
  }

  private void serve() {
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/work", null, name -> null);
    http.setRequestId(REQUEST_ID);
    http.setRoute("/work");
    http.setClientAddress("127.0.0.1");
    http.setScheme("http");
    http.setServerAddress("127.0.0.1");
    http.setServerPort(8080);
    http.setProtocolVersion("1.1");
    Observation observation = observability.observation(ObservationNames.HTTP_SERVER, http).start();
    Observation.Scope scope = observation.openScope();
    try {
      long id = ++n;
      String item = observability.observe("child", () -> "item-" + id);
      service.info("served work request {} with item {}", id, item);
    } finally {
      scope.close();
    }
    http.setStatus(200);
    observation.stop();
  }
}
