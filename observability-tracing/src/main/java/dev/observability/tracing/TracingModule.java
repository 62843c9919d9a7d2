package dev.observability.tracing;

import dev.observability.ConfigKey;
import dev.observability.ObservabilityConfig;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import dev.observability.tracing.internal.TracingObservationHandler;
import dev.observability.tracing.internal.TracingSdk;
import dev.observability.tracing.internal.TracingSettings;
import io.opentelemetry.sdk.common.Clock;
import java.util.List;
import java.util.Objects;

/**
 * The tracing module ({@code tracing}, order 200), found on the class path by {@link
 * java.util.ServiceLoader}. At start it builds an OpenTelemetry SDK from {@link TracingConfig}
 * (resource from the service, W3C propagation as {@link TracingConfig#PROPAGATORS} says,
 * error-biased tail sampling, OTLP or logging export), hands it to the facade ({@code
 * Observability.openTelemetry()}, {@code tracer()}), and adds a handler that makes one span per
 * observation. Spans are recorded for every operation, so trace and span ids reach logs and
 * outbound calls whether or not the trace is exported.
 *
 * <p>Without an OTLP endpoint and without {@code tracing.exporter}, spans are recorded but not
 * exported (one INFO line at start says so): no connection-refused errors against a collector that
 * was never configured.
 *
 * <p>Instances are stateless until started; {@link #start} is called once, by the facade.
 */
public final class TracingModule implements ObservabilityModule {

  private final Clock clock;

  /** The module as the facade loads it. */
  public TracingModule() {
    this(Clock.getDefault());
  }

  /** A module whose spans are timed by {@code clock}; for tests that control time. */
  TracingModule(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public String name() {
    return "tracing";
  }

  @Override
  public int order() {
    return ORDER_TRACING;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return TracingConfig.ALL;
  }

  @Override
  public List<String> validate(ObservabilityConfig config) {
    return TracingSettings.problems(config);
  }

  @Override
  public void start(ModuleContext context) {
    TracingSettings settings = TracingSettings.from(context.config());
    String component = context.moduleName();
    TracingSdk sdk =
        TracingSdk.create(
            settings,
            context.service(),
            context.scrubber(),
            context.meterRegistry(),
            error -> context.reportInternalError(component, error),
            clock);
    context.onClose(sdk);
    context.setOpenTelemetry(sdk.openTelemetry());
    context.provide(
        DownstreamKeep.class,
        new DownstreamKeep(settings.respectDownstream() ? sdk.processor() : null));
    context.addObservationHandler(
        new TracingObservationHandler(
            sdk.handlerTracer(),
            sdk.propagator(),
            settings.responseTraceparent(),
            settings.traceresponse(),
            settings.serverTiming(),
            settings.respectDownstream()));
  }
}
