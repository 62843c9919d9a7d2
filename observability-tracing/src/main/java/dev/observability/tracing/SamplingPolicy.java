package dev.observability.tracing;

import io.opentelemetry.api.common.AttributeKey;
import java.util.Locale;

/**
 * Why a trace fragment was kept by the error-biased tail sampler. The policy that kept a fragment
 * is written on its local root span as the attribute {@link #ATTRIBUTE} ({@code sampling.policy})
 * with the value {@link #value()}, and counts in {@code
 * observability_traces_decided_total{decision="kept",policy=...}}.
 *
 * <p>Policies are tried in declaration order; the first that applies names the decision.
 */
public enum SamplingPolicy {

  /**
   * A span of the local fragment ended with status ERROR or recorded an exception, or the local
   * root is an HTTP response with status 500 or above.
   */
  ERROR,

  /** The local root lasted longer than {@code tracing.latency-threshold}. */
  LATENCY,

  /**
   * An outbound call of the fragment was answered by a service that kept the same trace for an
   * error, its latency or a downstream keep of its own ({@code traceresponse} or {@code
   * Server-Timing: traceparent} with the sampled flag, carrying the trace id the call was made
   * with), and {@code tracing.respect-downstream} is on. So a failure handled further down keeps
   * every caller's fragment up the chain.
   */
  DOWNSTREAM,

  /**
   * The caller's {@code traceparent} had the sampled flag set and {@code
   * tracing.respect-parent-sampled} is on.
   */
  PARENT,

  /** The trace id falls within {@code tracing.sample-ratio}, as every service computes it. */
  RATIO;

  /** The span attribute that names the policy which kept the fragment, on its local root. */
  public static final AttributeKey<String> ATTRIBUTE = AttributeKey.stringKey("sampling.policy");

  private final String value = name().toLowerCase(Locale.ROOT);

  /**
   * The attribute and metric tag value: {@code error}, {@code latency}, {@code downstream}, {@code
   * parent}, {@code ratio}.
   *
   * @return the value
   */
  public String value() {
    return value;
  }
}
