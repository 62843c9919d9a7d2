package dev.observability.logging.internal;

import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * With {@code logging.format=ecs}: while an HTTP server observation's scope is open, the MDC holds
 * {@code transaction.id}, the id of the request's server span (Elastic's transaction), so that
 * every ECS line written during the request, also inside nested observations whose span is another
 * one, carries the transaction it belongs to. Closing the scope puts back what was there.
 *
 * <p>Costs one MDC change when a request's scope opens and one when it closes, only in ECS mode.
 * Thread-safe: the previous value is kept in the observation's context.
 */
public final class EcsTransactionHandler
    implements ObservationHandler<HttpServerObservationContext> {

  private static final String PREVIOUS = "observability.logging.ecs.previous-transaction";
  private static final String NONE = "";

  /** Creates the handler. */
  public EcsTransactionHandler() {}

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof HttpServerObservationContext;
  }

  @Override
  public void onScopeOpened(HttpServerObservationContext context) {
    Span span = context.get(ObservationNames.SPAN);
    SpanContext spanContext =
        span == null ? Span.current().getSpanContext() : span.getSpanContext();
    if (!spanContext.isValid()) {
      return;
    }
    String previous = MDC.get(EcsEventWriter.TRANSACTION_ID);
    context.put(PREVIOUS, previous == null ? NONE : previous);
    if (!spanContext.getSpanId().equals(previous)) {
      MDC.put(EcsEventWriter.TRANSACTION_ID, spanContext.getSpanId());
    }
  }

  @Override
  public void onScopeClosed(HttpServerObservationContext context) {
    @Nullable String previous = context.get(PREVIOUS);
    if (previous == null) {
      return;
    }
    context.remove(PREVIOUS);
    String restore = previous.equals(NONE) ? null : previous;
    if (Objects.equals(restore, MDC.get(EcsEventWriter.TRANSACTION_ID))) {
      return;
    }
    if (restore == null) {
      MDC.remove(EcsEventWriter.TRANSACTION_ID);
    } else {
      MDC.put(EcsEventWriter.TRANSACTION_ID, restore);
    }
  }
}
