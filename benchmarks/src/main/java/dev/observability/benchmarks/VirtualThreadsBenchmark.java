package dev.observability.benchmarks;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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

  @Param({"pooled", "virtual"})
  public String threads;

  // The request and its set-up are HandlersBenchmark's; each request runs after the previous one
  // ended (joined), so its counter needs no more than that.
  private final HandlersBenchmark handlers = new HandlersBenchmark();
  private MethodHandle startVirtual;

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
    handlers.start();
  }

  @TearDown
  public void stop() {
    handlers.stop();
  }

  @Benchmark
  public void empty() throws Throwable {
    run(() -> {});
  }

  @Benchmark
  public void request() throws Throwable {
    run(handlers::request);
  }

  private void run(Runnable work) throws Throwable {
    if (startVirtual == null) {
      work.run();
    } else {
      ((Thread) startVirtual.invokeExact(work)).join();
    }
  }
}
