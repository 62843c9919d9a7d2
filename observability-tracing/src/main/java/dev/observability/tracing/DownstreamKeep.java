package dev.observability.tracing;

import dev.observability.Observability;
import dev.observability.tracing.internal.LightSpan;
import dev.observability.tracing.internal.TailSamplingSpanProcessor;
import dev.observability.tracing.internal.TraceResponse;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Objects;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The downstream keep for HTTP clients other than {@link TracedHttpClient}: one call with the
 * response headers of an outbound call, and when the callee says it kept the trace ({@code
 * traceresponse}, or {@code Server-Timing: traceparent;desc="..."}, with the sampled flag) this
 * service keeps its own fragment of the trace too, with {@code sampling.policy=downstream}.
 *
 * <pre>{@code
 * DownstreamKeep keep = DownstreamKeep.of(observability);      // once
 * // inside the span whose context the request carried (the client span, or the server span):
 * Response response = okHttp.newCall(request).execute();
 * keep.onResponse(response::header);                            // OkHttp; Apache: name -> ...
 * }</pre>
 *
 * <p>Only a response about the trace the call was made with counts: the trace id of the header must
 * be that of {@link Span#current()}, whose context the client is expected to have injected into the
 * request. So a response cannot make this service keep an unrelated trace. Calls observed with an
 * {@code HttpClientObservationContext} need no hook: give the context the response headers ({@code
 * setResponseHeaders}) before the observation stops, as {@code TracedHttpClient} does.
 *
 * <p>Without the tracing module, with no exporter, or with {@code
 * tracing.respect-downstream=false}, {@link #of} returns an instance that does nothing.
 * Thread-safe; never throws into the caller and never blocks.
 */
public final class DownstreamKeep {

  private static final DownstreamKeep NOOP = new DownstreamKeep(null);

  private final @Nullable TailSamplingSpanProcessor processor;

  DownstreamKeep(@Nullable TailSamplingSpanProcessor processor) {
    this.processor = processor;
  }

  /**
   * The hook of {@code observability}'s tracing module, or one that does nothing without it.
   *
   * @param observability the running instance
   * @return its hook
   */
  public static DownstreamKeep of(Observability observability) {
    Objects.requireNonNull(observability, "observability");
    return observability.find(DownstreamKeep.class).orElse(NOOP);
  }

  /**
   * Reads the response headers of an outbound call made inside the current span; when the callee
   * kept the current span's trace, keeps this service's fragment of it.
   *
   * @param responseHeaders reads one response header by name (case-insensitive), repeated fields
   *     joined by {@code ", "}, or null when absent
   * @return whether the response said the callee kept the trace (and this fragment is now kept)
   */
  public boolean onResponse(Function<String, @Nullable String> responseHeaders) {
    TailSamplingSpanProcessor p = processor;
    if (p == null || responseHeaders == null) {
      return false;
    }
    try {
      Span current = Span.current();
      SpanContext context = current.getSpanContext();
      if (!context.isValid() || !TraceResponse.keeps(responseHeaders, context.getTraceId())) {
        return false;
      }
      if (!(current instanceof LightSpan light && light.keepDownstream())) {
        p.keepDownstream(context.getTraceId());
      }
      return true;
    } catch (RuntimeException e) {
      // A header getter that throws: the keep is lost, the caller is not disturbed.
      return false;
    }
  }

  @Override
  public String toString() {
    return processor == null ? "DownstreamKeep{noop}" : "DownstreamKeep{}";
  }
}
