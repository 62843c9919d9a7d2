package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.List;
import org.junit.jupiter.api.Test;

class TraceIdRatioTest {

  @Test
  void keeps_agreesWithOpenTelemetryTraceIdRatioSampler_onRandomIds() {
    IdGenerator ids = IdGenerator.random();
    for (double ratio : new double[] {0.0, 0.01, 0.1, 0.5, 0.999, 1.0}) {
      TraceIdRatio ours = new TraceIdRatio(ratio);
      Sampler theirs = Sampler.traceIdRatioBased(ratio);
      for (int i = 0; i < 5_000; i++) {
        String traceId = ids.generateTraceId();
        boolean otel =
            theirs
                    .shouldSample(
                        Context.root(),
                        traceId,
                        "x",
                        SpanKind.SERVER,
                        Attributes.empty(),
                        List.of())
                    .getDecision()
                == SamplingDecision.RECORD_AND_SAMPLE;
        assertThat(ours.keeps(traceId)).as("ratio %s, trace %s", ratio, traceId).isEqualTo(otel);
      }
    }
  }

  @Test
  void keeps_readsOnlyTheLowerEightBytes() {
    TraceIdRatio ratio = new TraceIdRatio(0.1);
    String lower = "0000000000000001";
    assertThat(ratio.keeps("ffffffffffffffff" + lower))
        .isEqualTo(ratio.keeps("0123456789abcdef" + lower))
        .isTrue();
    assertThat(ratio.keeps("0123456789abcdef7fffffffffffffff")).isFalse();
  }

  @Test
  void constructor_ratioOutsideZeroToOne_isRejected() {
    assertThatThrownBy(() -> new TraceIdRatio(1.5)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TraceIdRatio(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
