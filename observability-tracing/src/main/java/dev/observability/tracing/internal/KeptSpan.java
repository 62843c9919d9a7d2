package dev.observability.tracing.internal;

import dev.observability.tracing.SamplingPolicy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.jspecify.annotations.Nullable;

/**
 * An ended span the tail sampler decided to keep, handed to the export queue. It carries the
 * snapshot taken when the span ended and, for a local root, the policy that kept it; the export
 * pipeline adds that policy as the {@code sampling.policy} attribute and scrubs the span, on the
 * export thread.
 *
 * <p>Immutable.
 */
final class KeptSpan extends DelegatingSpanData implements ReadableSpan {

  private final SpanData data;
  private final @Nullable SamplingPolicy policy;

  KeptSpan(SpanData data, @Nullable SamplingPolicy policy) {
    super(data);
    this.data = data;
    this.policy = policy;
  }

  /** The snapshot taken when the span ended. */
  SpanData data() {
    return data;
  }

  /** The policy that kept the fragment, on its local root; null on other spans. */
  @Nullable SamplingPolicy policy() {
    return policy;
  }

  @Override
  public SpanData toSpanData() {
    return this;
  }

  @Override
  public long getLatencyNanos() {
    return data.getEndEpochNanos() - data.getStartEpochNanos();
  }

  @Override
  public <T> @Nullable T getAttribute(AttributeKey<T> key) {
    return data.getAttributes().get(key);
  }
}
