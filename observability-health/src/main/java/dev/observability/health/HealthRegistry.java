package dev.observability.health;

import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import dev.observability.health.internal.CheckNames;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Where a service registers its health checks. The health module provides it as a feature:
 *
 * <pre>{@code
 * HealthRegistry health = HealthRegistry.of(observability);
 * health.register("database", HealthChecks.jdbc(dataSource));
 * health.register("cache", () -> ping(redis), HealthCheckOptions.builder().critical(false).build());
 * }</pre>
 *
 * <p>Thread-safe: checks may be registered and unregistered at any time, also while requests run.
 */
public interface HealthRegistry {

  /** The largest number of checks one registry holds. */
  int MAX_CHECKS = 256;

  /**
   * The running instance's registry, or a no-op registry (which accepts registrations and runs
   * nothing) when the health module is not running, for example when it is listed in {@code
   * modules.disabled}.
   *
   * @param observability the running instance
   * @return the registry
   */
  static HealthRegistry of(Observability observability) {
    Objects.requireNonNull(observability, "observability");
    return observability.find(HealthRegistry.class).orElse(NoopHealthRegistry.INSTANCE);
  }

  /**
   * A registry that accepts registrations (validating them) and runs nothing.
   *
   * @return the no-op registry
   */
  static HealthRegistry noop() {
    return NoopHealthRegistry.INSTANCE;
  }

  /**
   * Registers {@code check} under {@code name} with the {@linkplain HealthCheckOptions#defaults()
   * default options}: critical, 2 s timeout, readiness group.
   *
   * @param name the check's name
   * @param check the check
   * @throws IllegalArgumentException when the name is not valid or already registered
   * @throws IllegalStateException when the registry is closed or full ({@value #MAX_CHECKS} checks)
   */
  default void register(String name, HealthCheck check) {
    register(name, check, HealthCheckOptions.defaults());
  }

  /**
   * Registers {@code check} under {@code name}. A name is 1 to 64 letters, digits, {@code _},
   * {@code .} or {@code -}, starting with a letter or digit; it is the key in the JSON output and
   * the {@code check} label of the health metrics. With a {@linkplain
   * HealthCheckOptions#refreshPeriod() refresh period}, the first run starts at once.
   *
   * @param name the check's name
   * @param check the check
   * @param options how the check runs
   * @throws IllegalArgumentException when the name is not valid or already registered
   * @throws IllegalStateException when the registry is closed or full ({@value #MAX_CHECKS} checks)
   */
  void register(String name, HealthCheck check, HealthCheckOptions options);

  /**
   * Removes a check, its background refresh and its meters. A run in progress finishes on its own
   * and is ignored.
   *
   * @param name the check's name
   * @return whether a check of that name was registered
   */
  boolean unregister(String name);

  /**
   * The names of the registered checks, in registration order.
   *
   * @return the names
   */
  Set<String> names();

  /**
   * Runs (or reuses the cached results of) the checks of {@code group} in parallel and returns
   * their report. Returns within the longest timeout among them (plus scheduling noise), even when
   * a check never returns. Never throws because of a check.
   *
   * @param group the checks to run: all, liveness or readiness
   * @return the report
   */
  HealthReport report(HealthEndpoint.Group group);
}

enum NoopHealthRegistry implements HealthRegistry {
  INSTANCE;

  @Override
  public void register(String name, HealthCheck check, HealthCheckOptions options) {
    CheckNames.validate(name);
    Objects.requireNonNull(check, "check");
    Objects.requireNonNull(options, "options");
  }

  @Override
  public boolean unregister(String name) {
    return false;
  }

  @Override
  public Set<String> names() {
    return Set.of();
  }

  @Override
  public HealthReport report(HealthEndpoint.Group group) {
    return HealthReport.of(Instant.now(), Map.of());
  }
}
