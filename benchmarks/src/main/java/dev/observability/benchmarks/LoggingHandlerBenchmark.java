package dev.observability.benchmarks;

import static net.logstash.logback.argument.StructuredArguments.kv;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.logging.BatchingAppender;
import dev.observability.logging.JsonEncoder;
import dev.observability.logging.LoggingModule;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
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
import org.slf4j.MDC;

/**
 * The logging module's part of one request, as the overhead app's {@code GET /work} has it: the ids
 * put in the MDC while the request's scope is open, the service's line logged inside it, and the
 * access line at its end.
 *
 * <ul>
 *   <li>{@code sdk}: through the SDK's spine with the logging module alone, its lines through the
 *       module's {@link BatchingAppender} and {@link JsonEncoder} to {@code /dev/null} (the
 *       module's default output, to a file); the request's span is put in the context, as the
 *       tracing handler would, so that both lines carry its ids;
 *   <li>{@code peer}: what set-up (d) of the overhead harness assembles by hand: the ids put in and
 *       taken out of the MDC, the same service line, and an access line with logstash's {@code
 *       StructuredArguments}, both through logstash-logback-encoder's {@link LogstashEncoder} on a
 *       Logback appender writing to a discarding stream.
 * </ul>
 *
 * <p>Both measure the request thread only: the batching appender's writes happen on its own thread,
 * and the peer's appender writes to a stream that discards. To read the SDK's lines, give the fork
 * {@code -Dlogging.benchmark.file=<path>} ({@code -jvmArgs}).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LoggingHandlerBenchmark {

  private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN_ID = "00f067aa0ba902b7";
  private static final String REQUEST_ID = "6adc477a-7b37-4b0b-bc9a-715a4ba060db";

  private Observability observability;
  private Span span;
  private org.slf4j.Logger service;
  private org.slf4j.Logger peerService;
  private org.slf4j.Logger peerAccess;
  private long n;

  @Setup
  public void start() {
    LoggerContext context =
        SdkLines.toFile(System.getProperty("logging.benchmark.file", "/dev/null"));

    LogstashEncoder logstash = new LogstashEncoder();
    logstash.setContext(context);
    logstash.start();
    OutputStreamAppender<ILoggingEvent> discard = new OutputStreamAppender<>();
    discard.setContext(context);
    discard.setName("PEER");
    discard.setEncoder(logstash);
    discard.setOutputStream(OutputStream.nullOutputStream());
    discard.start();
    Logger peer = context.getLogger("peer");
    peer.setAdditive(false);
    peer.addAppender(discard);

    service = context.getLogger("dev.observability.benchmarks.overhead.OverheadApp");
    peerService = context.getLogger("peer.OverheadApp");
    peerAccess = context.getLogger("peer.access");
    span =
        Span.wrap(
            SpanContext.create(
                TRACE_ID, SPAN_ID, TraceFlags.getDefault(), TraceState.getDefault()));
    observability =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new LoggingModule())
            .serviceName("overhead-sdk")
            .environment("benchmark")
            .property("shutdown.hook", "false")
            .start();
  }

  @TearDown
  public void stop() {
    observability.close();
  }

  @Benchmark
  public HttpServerObservationContext sdk() {
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/work", null, name -> null);
    http.setRequestId(REQUEST_ID);
    http.setRoute("/work");
    http.put(ObservationNames.SPAN, span);
    Observation observation = observability.observation(ObservationNames.HTTP_SERVER, http).start();
    Observation.Scope scope = observation.openScope();
    try {
      long id = ++n;
      service.info("served work request {} with item {}", id, "item-" + id);
    } finally {
      scope.close();
    }
    http.setStatus(200);
    observation.stop();
    return http;
  }

  @Benchmark
  public long peer() {
    long start = System.nanoTime();
    MDC.put("trace_id", TRACE_ID);
    MDC.put("span_id", SPAN_ID);
    MDC.put("request_id", REQUEST_ID);
    try {
      long id = ++n;
      peerService.info("served work request {} with item {}", id, "item-" + id);
      peerAccess.info(
          "request completed",
          kv("method", "GET"),
          kv("path", "/work"),
          kv("status", 200),
          kv("duration_ms", (System.nanoTime() - start) / 1_000_000.0));
    } finally {
      MDC.remove("trace_id");
      MDC.remove("span_id");
      MDC.remove("request_id");
    }
    return start;
  }
}
