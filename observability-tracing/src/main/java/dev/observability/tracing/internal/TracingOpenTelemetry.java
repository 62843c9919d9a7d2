package dev.observability.tracing.internal;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerBuilder;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The facade's {@code openTelemetry()}: the module's tracer provider and propagators. Its meter
 * provider and logs bridge are the API's no-op ones (the interface's defaults), which is what an
 * {@code OpenTelemetrySdk} built without metric readers or log processors hands out too; building
 * that SDK's meter and logger providers only to answer no-ops cost about 45 classes at start-up.
 *
 * <p>The SDK's tracer provider is built on the first use of {@link #getTracerProvider()}'s
 * provider, not at start: the module's own spans do not need it. As in {@code OpenTelemetrySdk},
 * the provider handed out is a view that cannot be cast back to the {@link SdkTracerProvider} and
 * shut down: {@link #shutdown()} does that. After it, the provider hands out OpenTelemetry's no-op
 * tracers, as a shut-down SDK does.
 *
 * <p>Thread-safe.
 */
final class TracingOpenTelemetry implements OpenTelemetry {

  private final TracerProvider tracerProvider = new TracerProviderView();
  private final ContextPropagators propagators;
  private final Supplier<SdkTracerProvider> factory;
  private final Object lock = new Object();

  /** Null until first used; OpenTelemetry's no-op when shut down before that. */
  private volatile @Nullable TracerProvider built;

  TracingOpenTelemetry(Supplier<SdkTracerProvider> factory, ContextPropagators propagators) {
    this.factory = Objects.requireNonNull(factory, "factory");
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

  /** The SDK's tracer provider, built on the first call; OpenTelemetry's no-op after shutdown. */
  private TracerProvider provider() {
    TracerProvider provider = built;
    if (provider != null) {
      return provider;
    }
    synchronized (lock) {
      if (built == null) {
        built = factory.get();
      }
      return built;
    }
  }

  /**
   * Shuts the tracer provider down, and with it its span processor. Returns null when it was never
   * built: the caller then shuts the processor down itself.
   */
  @Nullable CompletableResultCode shutdown() {
    synchronized (lock) {
      TracerProvider provider = built;
      if (provider == null) {
        built = TracerProvider.noop();
        return null;
      }
      return provider instanceof SdkTracerProvider sdk ? sdk.shutdown() : null;
    }
  }

  @Override
  public String toString() {
    return "TracingOpenTelemetry{tracerProvider="
        + (built == null ? "(not built yet)" : built)
        + ", propagators="
        + propagators
        + "}";
  }

  /** The tracer provider without its {@code shutdown}, {@code forceFlush} and {@code close}. */
  private final class TracerProviderView implements TracerProvider {
    @Override
    public Tracer get(String instrumentationScopeName) {
      return provider().get(instrumentationScopeName);
    }

    @Override
    public Tracer get(String instrumentationScopeName, String instrumentationScopeVersion) {
      return provider().get(instrumentationScopeName, instrumentationScopeVersion);
    }

    @Override
    public TracerBuilder tracerBuilder(String instrumentationScopeName) {
      return provider().tracerBuilder(instrumentationScopeName);
    }
  }
}
