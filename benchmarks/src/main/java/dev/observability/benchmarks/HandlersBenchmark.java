package dev.observability.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.logging.LoggingModule;
import dev.observability.metrics.MetricsModule;
import dev.observability.tracing.TracingModule;
import io.micrometer.observation.Observation;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The request-path handlers of the logging, metrics and tracing modules together, for one request
 * of the overhead app's {@code GET /work} without Jetty: the request's observation through the
 * SDK's spine, its scope, a child observation ({@code Observability.observe}) and the service's
 * line inside it, then the stop with its access line, request timer and spans. The spans go to the
 * tail sampler, as in a service that exports them, which drops every trace (sample ratio 0, no
 * error), so no span is exported and the endpoint is never called; the lines go through the logging
 * module's {@code BatchingAppender} and {@code JsonEncoder} to {@code /dev/null}.
 *
 * <p>Measures the request thread's share of what the handlers do together, where {@code
 * RequestBenchmark} adds Jetty's and the servlet filter's work to it, with their noise.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HandlersBenchmark {

  private static final String REQUEST_ID = "6adc477a-7b37-4b0b-bc9a-715a4ba060db";

  private Observability observability;
  private org.slf4j.Logger service;
  private long n;

  @Setup
  public void start() {
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
            // Without an endpoint the module records spans but has no tail sampler to decide them.
            .property("tracing.otlp.endpoint", "http://127.0.0.1:9")
            .property("shutdown.hook", "false")
            .start();
  }

  @TearDown
  public void stop() {
    observability.close();
  }

  @Benchmark
  public HttpServerObservationContext request() {
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
    return http;
  }
}
