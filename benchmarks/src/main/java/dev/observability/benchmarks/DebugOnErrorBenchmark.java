package dev.observability.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.logging.JsonEncoder;
import dev.observability.logging.LoggingModule;
import io.micrometer.observation.Observation;
import java.io.OutputStream;
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
import org.slf4j.LoggerFactory;

/**
 * What {@code logging.debug-on-error} costs a healthy request: one HTTP server observation through
 * the spine with the logging module, whose handler logs five DEBUG lines (the classic API, one or
 * two arguments each) and answers 200, its lines going through the SDK's {@link JsonEncoder} to an
 * output stream that discards them (no disk in the figure). The access line is off in every mode so
 * that the DEBUG lines are all that differs.
 *
 * <ul>
 *   <li>{@code off}: DEBUG off for the logger, no holding: the lines cost a level check each;
 *   <li>{@code on}: DEBUG on: the five lines are encoded and written;
 *   <li>{@code onError}: DEBUG off, {@code logging.debug-on-error=true}: the lines are built and
 *       held in the request's buffer, then discarded because the request succeeded;
 *   <li>{@code onErrorFailing}: the same with a 500: the held lines are encoded and written (for
 *       comparison with {@code on}).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class DebugOnErrorBenchmark {

  /** {@code off}, {@code on}, {@code onError} or {@code onErrorFailing}. */
  @Param({"off", "on", "onError", "onErrorFailing"})
  public String mode;

  private Observability observability;
  private org.slf4j.Logger log;
  private int status;
  private long orderId;

  @Setup
  public void start() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.start();
    OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
    appender.setContext(context);
    appender.setName("DISCARD");
    appender.setEncoder(encoder);
    appender.setImmediateFlush(false);
    appender.setOutputStream(OutputStream.nullOutputStream());
    appender.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(appender);
    root.setLevel(Level.INFO);
    Logger app = context.getLogger("com.example.orders.OrderService");
    app.setLevel(mode.equals("on") ? Level.DEBUG : Level.INFO);
    log = app;
    status = mode.equals("onErrorFailing") ? 500 : 200;
    observability =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new LoggingModule())
            .serviceName("benchmark")
            .property("shutdown.hook", "false")
            .property("logging.access-log", "false")
            .property("logging.debug-on-error", String.valueOf(mode.startsWith("onError")))
            .start();
  }

  @TearDown
  public void stop() {
    observability.close();
  }

  @Benchmark
  public HttpServerObservationContext request() {
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/api/orders/42", null, name -> null);
    http.setRequestId("req-42");
    http.setRoute("/api/orders/{id}");
    Observation observation = observability.observation(ObservationNames.HTTP_SERVER, http).start();
    Observation.Scope scope = observation.openScope();
    try {
      long id = ++orderId;
      log.debug("loading order {}", id);
      log.debug("order {} has {} lines", id, 3);
      log.debug("applying price rules to order {}", id);
      log.debug("order {} total is {}", id, 42.5);
      log.debug("order {} loaded", id);
    } finally {
      scope.close();
    }
    http.setStatus(status);
    observation.stop();
    return http;
  }
}
