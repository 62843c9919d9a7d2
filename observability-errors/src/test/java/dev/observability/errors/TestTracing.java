package dev.observability.errors;

import dev.observability.ObservationNames;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationView;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Stands in for the tracing module (order 200): a real OpenTelemetry SDK span per observation,
 * stored in the context under {@link ObservationNames#SPAN} and made current while the scope is
 * open, exported to a list when it ends.
 */
final class TestTracing implements ObservabilityModule {

  final List<SpanData> exported = new CopyOnWriteArrayList<>();
  private final SdkTracerProvider provider =
      SdkTracerProvider.builder()
          .addSpanProcessor(
              SimpleSpanProcessor.create(
                  new SpanExporter() {
                    @Override
                    public CompletableResultCode export(Collection<SpanData> spans) {
                      exported.addAll(spans);
                      return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode flush() {
                      return CompletableResultCode.ofSuccess();
                    }

                    @Override
                    public CompletableResultCode shutdown() {
                      return CompletableResultCode.ofSuccess();
                    }
                  }))
          .build();

  @Override
  public String name() {
    return "test-tracing";
  }

  @Override
  public int order() {
    return ORDER_TRACING;
  }

  @Override
  public void start(ModuleContext context) {
    context.addObservationHandler(new Handler(provider.get("test")));
    context.onClose(provider::close);
  }

  SpanData exportedSpan(String name) {
    return exported.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no span named " + name + " in " + exported));
  }

  private static final class Handler implements ObservationHandler<Observation.Context> {
    private final Tracer tracer;

    Handler(Tracer tracer) {
      this.tracer = tracer;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }

    @Override
    public void onStart(Observation.Context context) {
      Context parent = Context.current();
      ObservationView parentObservation = context.getParentObservation();
      if (parentObservation != null) {
        Span parentSpan = parentObservation.getContextView().get(ObservationNames.SPAN);
        if (parentSpan != null) {
          parent = parent.with(parentSpan);
        }
      }
      Span span = tracer.spanBuilder(context.getName()).setParent(parent).startSpan();
      context.put(ObservationNames.SPAN, span);
    }

    @Override
    public void onScopeOpened(Observation.Context context) {
      Span span = context.get(ObservationNames.SPAN);
      if (span != null) {
        context.put(Scope.class, span.makeCurrent());
      }
    }

    @Override
    public void onScopeClosed(Observation.Context context) {
      Scope scope = context.get(Scope.class);
      if (scope != null) {
        scope.close();
        context.remove(Scope.class);
      }
    }

    @Override
    public void onStop(Observation.Context context) {
      Span span = context.get(ObservationNames.SPAN);
      if (span != null) {
        span.end();
      }
    }
  }
}
