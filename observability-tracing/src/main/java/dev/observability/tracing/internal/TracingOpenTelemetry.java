package dev.observability.tracing.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.Objects;

/**
 * The facade's {@code openTelemetry()}: the module's tracer provider and propagators. Its meter
 * provider and logs bridge are the API's no-op ones (the interface's defaults), which is what an
 * {@code OpenTelemetrySdk} built without metric readers or log processors hands out too; building
 * that SDK's meter and logger providers only to answer no-ops cost about 45 classes at start-up.
 *
 * <p>As in {@code OpenTelemetrySdk}, the tracer provider handed out is a view that cannot be cast
 * back to the {@link SdkTracerProvider} and shut down: the module closes it.
 *
 * <p>Thread-safe and immutable.
 */
final class TracingOpenTelemetry implements OpenTelemetry {

  private final TracerProvider tracerProvider;
  private final ContextPropagators propagators;

  TracingOpenTelemetry(SdkTracerProvider tracerProvider, ContextPropagators propagators) {
    this.tracerProvider = new TracerProviderView(tracerProvider);
    this.propagators = Objects.requireNonNull(propagators, "propagators");
  }

  @Override
  public TracerProvider getTracerProvider() {
    return tracerProvider;
  }

  @Override
  public ContextPropagators getPropagators() {
    return propagators;
  }

  @Override
  public String toString() {
    return "TracingOpenTelemetry{tracerProvider="
        + ((TracerProviderView) tracerProvider).delegate
        + ", propagators="
        + propagators
        + "}";
  }

  /** The tracer provider without its {@code shutdown}, {@code forceFlush} and {@code close}. */
  private static final class TracerProviderView implements TracerProvider {
    private final SdkTracerProvider delegate;

    TracerProviderView(SdkTracerProvider delegate) {
      this.delegate = Objects.requireNonNull(delegate, "tracerProvider");
    }

    @Override
    public Tracer get(String instrumentationScopeName) {
      return delegate.get(instrumentationScopeName);
    }

    @Override
    public Tracer get(String instrumentationScopeName, String instrumentationScopeVersion) {
      return delegate.get(instrumentationScopeName, instrumentationScopeVersion);
    }

    @Override
    public TracerBuilder tracerBuilder(String instrumentationScopeName) {
      return delegate.tracerBuilder(instrumentationScopeName);
    }
  }
}
