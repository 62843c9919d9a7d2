package dev.observability.tracing.internal;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * W3C Trace Context ({@code traceparent}, {@code tracestate}) to the letter of the {@link
 * TraceContextLevel} chosen: in place of OpenTelemetry's {@code W3CTraceContextPropagator}, whose
 * {@code tracestate} parser drops the whole list for a repeated key or a key of the draft's
 * grammar.
 *
 * <p>Extraction expects the getter to return repeated header fields as one value joined by commas
 * (RFC 9110 §5.3), as the SDK's instrumentation does. Then:
 *
 * <ul>
 *   <li>{@code traceparent}, spaces and tabs around it ignored, is {@code version "-" trace-id "-"
 *       parent-id "-" trace-flags} in lowercase hex; version {@code ff}, an all-zero id, a version
 *       {@code 00} value longer than 55 characters, a higher version whose 56th character is not
 *       {@code -}, or a comma (two fields) make it invalid, and an invalid {@code traceparent} is
 *       ignored together with {@code tracestate}: a new trace starts. Flags this level does not
 *       define are cleared.
 *   <li>{@code tracestate} is parsed as {@link W3CTraceState#parse} says, and only when {@code
 *       traceparent} is valid.
 * </ul>
 *
 * <p>Injection writes version {@code 00} with the span's trace id, span id and the flags this level
 * defines ({@code sampled}, and at Level 2 {@code random-trace-id}), and the span's {@code
 * tracestate} when it has members.
 *
 * <p>Immutable and thread-safe; never throws on malformed input.
 */
public final class TraceContextPropagator implements TextMapPropagator {

  static final String TRACEPARENT = "traceparent";
  static final String TRACESTATE = "tracestate";

  private static final List<String> FIELDS = List.of(TRACEPARENT, TRACESTATE);
  private static final int TRACEPARENT_LENGTH = 55;
  private static final int TRACE_ID_OFFSET = 3;
  private static final int SPAN_ID_OFFSET = 36;
  private static final int FLAGS_OFFSET = 53;
  private static final String[] FLAGS_HEX = {"00", "01", "02", "03"};

  private final TraceContextLevel level;

  /** A propagator applying {@code level}'s rules. */
  public TraceContextPropagator(TraceContextLevel level) {
    this.level = Objects.requireNonNull(level, "level");
  }

  /** The level whose rules apply. */
  public TraceContextLevel level() {
    return level;
  }

  @Override
  public Collection<String> fields() {
    return FIELDS;
  }

  @Override
  public <C> void inject(Context context, @Nullable C carrier, TextMapSetter<C> setter) {
    if (context == null || setter == null) {
      return;
    }
    SpanContext span = Span.fromContext(context).getSpanContext();
    if (!span.isValid()) {
      return;
    }
    int flags = span.getTraceFlags().asByte() & level.flagMask();
    setter.set(
        carrier,
        TRACEPARENT,
        "00-" + span.getTraceId() + '-' + span.getSpanId() + '-' + FLAGS_HEX[flags]);
    TraceState state = span.getTraceState();
    if (!state.isEmpty()) {
      String header = W3CTraceState.encode(state);
      if (!header.isEmpty()) {
        setter.set(carrier, TRACESTATE, header);
      }
    }
  }

  @Override
  public <C> Context extract(Context context, @Nullable C carrier, TextMapGetter<C> getter) {
    if (context == null) {
      return Context.root();
    }
    if (getter == null) {
      return context;
    }
    String traceparent = getter.get(carrier, TRACEPARENT);
    if (traceparent == null) {
      return context;
    }
    SpanContext parent = parse(traceparent, getter.get(carrier, TRACESTATE), level);
    return parent == null ? context : context.with(Span.wrap(parent));
  }

  /**
   * The remote parent that {@code traceparent} and {@code tracestate} (repeated fields joined by
   * commas) describe, or null when {@code traceparent} is invalid.
   */
  static @Nullable SpanContext parse(
      String traceparent, @Nullable String tracestate, TraceContextLevel level) {
    int start = 0;
    int end = traceparent.length();
    while (start < end && isOws(traceparent.charAt(start))) {
      start++;
    }
    while (end > start && isOws(traceparent.charAt(end - 1))) {
      end--;
    }
    int length = end - start;
    if (length < TRACEPARENT_LENGTH) {
      return null;
    }
    char v0 = traceparent.charAt(start);
    char v1 = traceparent.charAt(start + 1);
    if (!isLowerHex(v0) || !isLowerHex(v1) || (v0 == 'f' && v1 == 'f')) {
      return null;
    }
    if (v0 == '0' && v1 == '0') {
      if (length != TRACEPARENT_LENGTH) {
        return null;
      }
    } else if (length > TRACEPARENT_LENGTH
        && (traceparent.charAt(start + TRACEPARENT_LENGTH) != '-'
            || traceparent.indexOf(',', start) >= 0)) {
      // A later version may append fields after a dash; a comma means two traceparent fields.
      return null;
    }
    if (traceparent.charAt(start + TRACE_ID_OFFSET - 1) != '-'
        || traceparent.charAt(start + SPAN_ID_OFFSET - 1) != '-'
        || traceparent.charAt(start + FLAGS_OFFSET - 1) != '-'
        || !isNonZeroLowerHex(traceparent, start + TRACE_ID_OFFSET, start + SPAN_ID_OFFSET - 1)
        || !isNonZeroLowerHex(traceparent, start + SPAN_ID_OFFSET, start + FLAGS_OFFSET - 1)) {
      return null;
    }
    char f0 = traceparent.charAt(start + FLAGS_OFFSET);
    char f1 = traceparent.charAt(start + FLAGS_OFFSET + 1);
    if (!isLowerHex(f0) || !isLowerHex(f1)) {
      return null;
    }
    int flags = ((hexValue(f0) << 4) | hexValue(f1)) & level.flagMask();
    return SpanContext.createFromRemoteParent(
        traceparent.substring(start + TRACE_ID_OFFSET, start + SPAN_ID_OFFSET - 1),
        traceparent.substring(start + SPAN_ID_OFFSET, start + FLAGS_OFFSET - 1),
        TraceFlags.fromByte((byte) flags),
        W3CTraceState.parse(tracestate, level));
  }

  private static boolean isNonZeroLowerHex(String text, int from, int to) {
    boolean nonZero = false;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!isLowerHex(c)) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }

  private static boolean isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  private static int hexValue(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  @Override
  public String toString() {
    return "TraceContextPropagator{" + level + "}";
  }
}
