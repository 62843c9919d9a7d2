package dev.observability.health;

import dev.observability.ConfigKey;
import dev.observability.HealthEndpoint;
import dev.observability.ObservabilityConfig;
import dev.observability.health.internal.HealthAggregator;
import dev.observability.health.internal.JdkHealthServer;
import dev.observability.health.internal.JsonHealthEndpoint;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import java.time.Duration;
import java.util.List;

/**
 * The health module ({@code health}, order 500). Found on the class path through {@code
 * META-INF/services}; add it explicitly with {@code Observability.builder().module(new
 * HealthModule())}.
 *
 * <p>At start it provides the {@link HealthRegistry} and the core {@link HealthEndpoint} (which the
 * servlet module's {@code /health}, {@code /health/live} and {@code /health/ready} call), registers
 * the built-in {@code deadlock} check unless {@code health.deadlock-check=false}, and, when {@code
 * health.server.port} is set, starts the standalone {@link HealthServer}. Everything stops when the
 * instance closes.
 *
 * <p>Instances hold no state; {@link #start} is called once per {@code Observability} instance.
 */
public final class HealthModule implements ObservabilityModule {

  /** The module's name, as used in {@code modules.disabled}. */
  public static final String NAME = "health";

  /** The built-in deadlock check's name. */
  public static final String DEADLOCK_CHECK = "deadlock";

  /** Creates the module; called by {@link java.util.ServiceLoader}. */
  public HealthModule() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int order() {
    return ORDER_HEALTH;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return HealthConfig.ALL;
  }

  @Override
  public List<String> validate(ObservabilityConfig config) {
    if (config.isSet(HealthConfig.SERVER_HOST) && config.get(HealthConfig.SERVER_PORT) < 0) {
      return List.of(
          config.problem(
              HealthConfig.SERVER_HOST,
              "is set but health.server.port is -1, so no standalone health server runs; set"
                  + " health.server.port (0 for any free port) or drop the host"));
    }
    return List.of();
  }

  @Override
  public void start(ModuleContext context) throws Exception {
    ObservabilityConfig config = context.config();
    String component = context.moduleName();
    HealthAggregator registry =
        new HealthAggregator(
            config.get(HealthConfig.THREADS),
            config.get(HealthConfig.QUEUE_SIZE),
            context.scrubber(),
            context.meterRegistry(),
            error -> context.reportInternalError(component, error));
    context.onClose(registry);
    if (config.get(HealthConfig.DEADLOCK_CHECK)) {
      registry.register(
          DEADLOCK_CHECK,
          HealthChecks.deadlockedThreads(),
          HealthCheckOptions.builder()
              .groups(HealthGroup.LIVENESS, HealthGroup.READINESS)
              .timeout(Duration.ofSeconds(2))
              .cacheTtl(config.get(HealthConfig.DEADLOCK_CHECK_CACHE_TTL))
              .build());
    }
    JsonHealthEndpoint endpoint =
        new JsonHealthEndpoint(
            registry,
            context.service().version(),
            config.get(HealthConfig.DETAILS),
            error -> context.reportInternalError(component, error));
    context.provide(HealthRegistry.class, registry);
    context.provide(HealthEndpoint.class, endpoint);
    int port = config.get(HealthConfig.SERVER_PORT);
    if (port >= 0) {
      JdkHealthServer server =
          JdkHealthServer.start(
              config.get(HealthConfig.SERVER_HOST),
              port,
              config.get(HealthConfig.SERVER_THREADS),
              endpoint);
      context.onClose(server);
      context.provide(HealthServer.class, server);
    }
  }
}
