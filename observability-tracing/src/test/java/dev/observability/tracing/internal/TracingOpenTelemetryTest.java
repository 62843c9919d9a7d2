package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.logs.LoggerProvider;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class TracingOpenTelemetryTest {

  private final AtomicInteger built = new AtomicInteger();
  private final AtomicInteger processorShutdowns = new AtomicInteger();
  private final List<ReadableSpan> ended = new ArrayList<>();

  private TracingOpenTelemetry openTelemetry() {
    SpanProcessor processor =
        new SpanProcessor() {
          @Override
          public void onStart(Context parentContext, ReadWriteSpan span) {}

          @Override
          public boolean isStartRequired() {
            return false;
          }

          @Override
          public synchronized void onEnd(ReadableSpan span) {
            ended.add(span);
          }

          @Override
          public boolean isEndRequired() {
            return true;
          }

          @Override
          public CompletableResultCode shutdown() {
            processorShutdowns.incrementAndGet();
            return CompletableResultCode.ofSuccess();
          }
        };
    return new TracingOpenTelemetry(
        () -> {
          built.incrementAndGet();
          return SdkTracerProvider.builder().addSpanProcessor(processor).build();
        },
        ContextPropagators.create(W3CTraceContextPropagator.getInstance()));
  }

  @Test
  void tracerProvider_isBuiltOnItsFirstUse_once_evenWhenThreadsRace() throws Exception {
    TracingOpenTelemetry otel = openTelemetry();
    assertThat(otel.getTracerProvider()).isNotNull();
    assertThat(otel.getPropagators().getTextMapPropagator().fields()).contains("traceparent");
    assertThat(built).hasValue(0);

    Race.run(8, () -> otel.getTracer("race").spanBuilder("s").startSpan().end());

    assertThat(built).hasValue(1);
    assertThat(ended).hasSize(8);
  }

  @Test
  void tracerProvider_cannotBeCastBackAndShutDown() {
    TracingOpenTelemetry otel = openTelemetry();
    otel.getTracer("x");
    assertThat(otel.getTracerProvider()).isNotInstanceOf(SdkTracerProvider.class);
  }

  @Test
  void metersAndLogs_areTheApisNoOps() {
    TracingOpenTelemetry otel = openTelemetry();
    assertThat(otel.getMeterProvider()).isSameAs(MeterProvider.noop());
    assertThat(otel.getLogsBridge()).isSameAs(LoggerProvider.noop());
    assertThat(built).hasValue(0);
  }

  @Test
  void shutdownAfterUse_shutsTheProviderAndItsProcessorDown() {
    TracingOpenTelemetry otel = openTelemetry();
    Span span = otel.getTracer("x").spanBuilder("before").startSpan();
    assertThat(span.isRecording()).isTrue();
    span.end();

    CompletableResultCode done = otel.shutdown();

    assertThat(done).isNotNull();
    assertThat(done.join(5, java.util.concurrent.TimeUnit.SECONDS).isSuccess()).isTrue();
    assertThat(processorShutdowns).hasValue(1);
    assertThat(otel.getTracer("x").spanBuilder("after").startSpan().isRecording()).isFalse();
  }

  @Test
  void shutdownBeforeAnyUse_buildsNothing_andLeavesTheProcessorToTheCaller() {
    TracingOpenTelemetry otel = openTelemetry();

    assertThat(otel.shutdown()).isNull();
    Span after = otel.getTracer("x").spanBuilder("after").startSpan();

    assertThat(after.isRecording()).isFalse();
    assertThat(after.getSpanContext().isValid()).isFalse();
    assertThat(built).hasValue(0);
    assertThat(processorShutdowns).hasValue(0);
  }
}
