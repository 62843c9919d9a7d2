package dev.observability.benchmarks;

import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.errors.ErrorsModule;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.InetAddress;
import java.net.ServerSocket;
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

/**
 * The cost of the errors module on the caller's thread.
 *
 * <ul>
 *   <li>{@code observeHealthy_*}: an observation that ends well, on a facade without modules
 *       (Micrometer's no-op path), with one no-op handler (the spine's own cost, as in {@link
 *       SpineBenchmark}) and with the errors module (its handler and stop filter);
 *   <li>{@code capture_*}: reporting a new exception: ours (de-duplication, flood control off,
 *       event built, scrubbed by the instance scrubber, enqueued) against Sentry's own static API
 *       ({@code Sentry.captureException} after {@code Sentry.init}, no scrubbing), both sending to
 *       a loopback port nobody listens on, so that the sender thread fails fast and the queue
 *       overflows on both sides alike;
 *   <li>{@code capture_ours_flooded}: the same exception site past the flood-control limit (an
 *       error storm): suppressed and counted.
 * </ul>
 *
 * <p>Each state holds one running instance; JMH sets up only the states a benchmark uses, so only
 * one {@link Observability} runs at a time.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class ErrorsBenchmark {

  static String deadDsn() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return "http://key@127.0.0.1:" + socket.getLocalPort() + "/1";
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static ObservabilityBuilder builder() {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .discoverModules(false)
        .property("shutdown.hook", "false")
        .serviceName("bench")
        .version("1.0.0");
  }

  /** A facade without modules. */
  @State(Scope.Benchmark)
  public static class Bare {
    Observability observability;

    @Setup(Level.Trial)
    public void setUp() {
      observability = builder().start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      observability.close();
    }
  }

  /** One handler that does nothing: the spine's own cost. */
  @State(Scope.Benchmark)
  public static class Spine {
    Observability observability;

    @Setup(Level.Trial)
    public void setUp() {
      observability = builder().module(new NoopModule()).start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      observability.close();
    }
  }

  /** The errors module, flood control off. */
  @State(Scope.Benchmark)
  public static class Errors {
    Observability observability;

    @Setup(Level.Trial)
    public void setUp() {
      observability =
          builder()
              .module(new ErrorsModule())
              .property("errors.dsn", deadDsn())
              .property("errors.server-name", "bench")
              .property("errors.rate-limit", "0")
              .property("errors.capture-uncaught", "false")
              .property("errors.capture-logs", "false")
              .start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      observability.close();
    }
  }

  /** The errors module, 10 events per hour and fingerprint. */
  @State(Scope.Benchmark)
  public static class Flooded {
    Observability observability;

    @Setup(Level.Trial)
    public void setUp() {
      observability =
          builder()
              .module(new ErrorsModule())
              .property("errors.dsn", deadDsn())
              .property("errors.server-name", "bench")
              .property("errors.rate-limit", "10")
              .property("errors.rate-limit-interval", "1h")
              .property("errors.capture-uncaught", "false")
              .property("errors.capture-logs", "false")
              .start();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      observability.close();
    }
  }

  /**
   * Sentry's own SDK, initialised globally with {@code Sentry.init(dsn)} as its documentation
   * shows.
   *
   * <p>Reached through method handles, which the JIT inlines like direct calls: Sentry's class
   * files carry JetBrains annotations whose jar Sentry does not ship, and javac's warning about
   * them is an error in this build once a source file names a Sentry type.
   */
  @State(Scope.Benchmark)
  public static class SentryPeer {
    static final MethodHandle INIT;
    static final MethodHandle CAPTURE;
    static final MethodHandle CLOSE;

    static {
      try {
        Class<?> sentry = Class.forName("io.sentry.Sentry");
        Class<?> sentryId = Class.forName("io.sentry.protocol.SentryId");
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        INIT = lookup.findStatic(sentry, "init", MethodType.methodType(void.class, String.class));
        CAPTURE =
            lookup
                .findStatic(
                    sentry, "captureException", MethodType.methodType(sentryId, Throwable.class))
                .asType(MethodType.methodType(Object.class, Throwable.class));
        CLOSE = lookup.findStatic(sentry, "close", MethodType.methodType(void.class));
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @Setup(Level.Trial)
    public void setUp() throws Throwable {
      INIT.invokeExact(deadDsn());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Throwable {
      CLOSE.invokeExact();
    }
  }

  @Benchmark
  public Object observeHealthy_bare(Bare state) {
    return state.observability.observe("checkout", () -> "ok");
  }

  @Benchmark
  public Object observeHealthy_noopHandler(Spine state) {
    return state.observability.observe("checkout", () -> "ok");
  }

  @Benchmark
  public Object observeHealthy_errors(Errors state) {
    return state.observability.observe("checkout", () -> "ok");
  }

  @Benchmark
  public Object capture_ours(Errors state) {
    return state.observability.errors().capture(new IllegalStateException("payment declined"));
  }

  @Benchmark
  public Object capture_ours_flooded(Flooded state) {
    return state.observability.errors().capture(new IllegalStateException("payment declined"));
  }

  @Benchmark
  public Object capture_sentry(SentryPeer state) throws Throwable {
    return (Object)
        SentryPeer.CAPTURE.invokeExact((Throwable) new IllegalStateException("payment declined"));
  }
}
