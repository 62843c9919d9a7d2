package dev.observability.benchmarks;

import ch.qos.logback.classic.LoggerContext;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.logging.LoggingModule;
import dev.observability.metrics.MetricsModule;
import dev.observability.tracing.TracingModule;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
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
 *
 * <p>{@code registry=boot} adds to the observation registry, once the instance has started, what
 * the Spring Boot starter and Spring Boot Actuator add to it in a Spring MVC application: a
 * predicate that mutes one context type (the starter's, for Spring MVC's server observation), a
 * filter that is also a predicate and lets everything through unchanged (Actuator's {@code
 * PropertiesObservationFilterPredicate} without common key-values) and a handler that supports no
 * context (the starter's {@code SdkMeterObservationHandler}, in Actuator's composite).
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

  /** {@code sdk}: the modules' registry as they set it up; {@code boot}: with Spring Boot's. */
  @Param({"sdk", "boot"})
  public String registry;

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
    if (registry.equals("boot")) {
      addSpringBoots(observability.observationRegistry().observationConfig());
    }
  }

  private static void addSpringBoots(ObservationRegistry.ObservationConfig config) {
    config.observationPredicate((name, context) -> !(context instanceof MutedContext));
    PassThrough passThrough = new PassThrough();
    config.observationPredicate(passThrough);
    config.observationFilter(passThrough);
    config.observationHandler(
        new ObservationHandler<>() {
          @Override
          public boolean supportsContext(Observation.Context context) {
            return false;
          }
        });
  }

  /** The context type of an observation the predicate mutes; none is made here. */
  private static final class MutedContext extends Observation.Context {}

  /** A filter and predicate that lets every observation through unchanged. */
  private static final class PassThrough implements ObservationPredicate, ObservationFilter {
    @Override
    public boolean test(String name, Observation.Context context) {
      return true;
    }

    @Override
    public Observation.Context map(Observation.Context context) {
      return context;
    }
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
