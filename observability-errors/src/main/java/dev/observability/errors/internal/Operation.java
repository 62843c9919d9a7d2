package dev.observability.errors.internal;

import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import io.opentelemetry.api.trace.Span;
import org.jspecify.annotations.Nullable;

/**
 * The operation an error belongs to: the observation it ended (or the one current on the capturing
 * thread), the inbound request around it, and the operation's span. Found once per capture; the
 * event is built from it and the event id written back into it.
 *
 * <p>Immutable holder of mutable, thread-confined contexts: used on the capturing thread only.
 */
final class Operation {

  private static final int MAX_DEPTH = 64;

  /** No observation and no span. */
  static final Operation NONE = new Operation(null, null, null, false);

  final Observation.@Nullable Context context;
  final @Nullable HttpServerObservationContext http;
  final @Nullable Span span;
  final boolean scopeOnThisThread;

  private Operation(
      Observation.@Nullable Context context,
      @Nullable HttpServerObservationContext http,
      @Nullable Span span,
      boolean scopeOnThisThread) {
    this.context = context;
    this.http = http;
    this.span = span;
    this.scopeOnThisThread = scopeOnThisThread;
  }

  /** The operation of {@code context}, as seen by a handler of its observation. */
  static Operation of(Observation.Context context, ObservationRegistry registry) {
    Observation current = registry.getCurrentObservation();
    boolean scopeHere = current != null && current.getContextView() == context;
    Span span = findSpan(context);
    if (span == null && scopeHere) {
      span = validOrNull(Span.current());
    }
    return new Operation(context, findRequest(context), span, scopeHere);
  }

  /**
   * The operation current on this thread: the current observation (and its request and span), or
   * else just the current OpenTelemetry span, if any.
   */
  static Operation current(ObservationRegistry registry) {
    Observation current = registry.getCurrentObservation();
    if (current == null) {
      Span span = validOrNull(Span.current());
      return span == null ? NONE : new Operation(null, null, span, false);
    }
    Observation.Context context = current.getContext();
    Span span = findSpan(context);
    if (span == null) {
      span = validOrNull(Span.current());
    }
    return new Operation(context, findRequest(context), span, true);
  }

  /** The observation's name, or null. */
  @Nullable String name() {
    return context == null ? null : context.getName();
  }

  private static @Nullable Span findSpan(Observation.ContextView start) {
    Observation.ContextView context = start;
    for (int depth = 0; context != null && depth < MAX_DEPTH; depth++) {
      Object value = context.get(ObservationNames.SPAN);
      if (value instanceof Span span && span.getSpanContext().isValid()) {
        return span;
      }
      ObservationView parent = context.getParentObservation();
      context = parent == null ? null : parent.getContextView();
    }
    return null;
  }

  private static @Nullable HttpServerObservationContext findRequest(Observation.ContextView start) {
    Observation.ContextView context = start;
    for (int depth = 0; context != null && depth < MAX_DEPTH; depth++) {
      if (context instanceof HttpServerObservationContext http) {
        return http;
      }
      ObservationView parent = context.getParentObservation();
      context = parent == null ? null : parent.getContextView();
    }
    return null;
  }

  private static @Nullable Span validOrNull(Span span) {
    return span.getSpanContext().isValid() ? span : null;
  }
}
