package dev.observability.tracing.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingResult;
import java.util.List;

/**
 * The head half of error-biased sampling: records every span (so ids are valid, the context
 * propagates and logs carry trace and span ids), and sets the <em>sampled</em> flag only where the
 * ratio or a sampled inbound parent already guarantees the trace will be kept.
 *
 * <ul>
 *   <li>a span with a local parent inherits the parent's flag;
 *   <li>a local root whose remote parent is sampled is sampled when {@code respectParentSampled};
 *   <li>otherwise the flag is the ratio decision on the trace id ({@link TraceIdRatio}).
 * </ul>
 *
 * <p>The flag is what downstream services receive in {@code traceparent}: they agree with this
 * service's ratio decision, and a fragment that this service keeps only because of an error or its
 * latency is not announced as sampled (that is not known when the outbound call starts).
 *
 * <p>Immutable and thread-safe; allocation-free.
 */
public final class ErrorBiasedSampler implements Sampler {

  private final TraceIdRatio ratio;
  private final boolean respectParentSampled;

  /** A sampler with the given ratio and parent rule. */
  public ErrorBiasedSampler(TraceIdRatio ratio, boolean respectParentSampled) {
    this.ratio = ratio;
    this.respectParentSampled = respectParentSampled;
  }

  @Override
  public SamplingResult shouldSample(
      Context parentContext,
      String traceId,
      String name,
      SpanKind spanKind,
      Attributes attributes,
      List<LinkData> parentLinks) {
    return shouldSample(
        Span.fromContext(parentContext).getSpanContext(), DecisionCache.low(traceId));
  }

  /**
   * The decision {@link #shouldSample(Context, String, String, SpanKind, Attributes, List)} makes,
   * from the parent's span context and the lower half of the trace id as {@link DecisionCache#low}
   * reads it: for a tracer that has both at hand.
   */
  SamplingResult shouldSample(SpanContext parent, long traceLow) {
    boolean sampled;
    if (parent.isValid() && !parent.isRemote()) {
      sampled = parent.isSampled();
    } else if (parent.isValid() && respectParentSampled && parent.isSampled()) {
      sampled = true;
    } else {
      sampled = ratio.keepsLow(traceLow);
    }
    return sampled ? SamplingResult.recordAndSample() : SamplingResult.recordOnly();
  }

  @Override
  public String getDescription() {
    return "ErrorBiasedSampler{ratio="
        + ratio.ratio()
        + ", respectParentSampled="
        + respectParentSampled
        + "}";
  }

  @Override
  public String toString() {
    return getDescription();
  }
}
