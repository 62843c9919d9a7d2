package dev.observability.benchmarks.overhead;

import dev.observability.Observability;
import dev.observability.health.HealthCheck;
import dev.observability.health.HealthRegistry;
import dev.observability.servlet.ObservabilityServlets;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * The SDK set-up: {@link Observability#start()} configured from the environment the benchmark
 * script sets, the servlet filter on every request with the {@code /metrics} and {@code /health*}
 * servlets ({@link ObservabilityServlets#register}), and the child operation observed as {@code
 * child}. Only this class refers to the SDK, so the bare set-up never loads it.
 *
 * <p>Thread-safe.
 */
final class OverheadSdk implements OverheadInstrumentation {

  private final Observability obs;
  private final CountDownLatch released = new CountDownLatch(1);

  private OverheadSdk(Observability obs) {
    this.obs = obs;
  }

  /**
   * Starts the SDK; with {@code hangingHealthCheck}, registers a readiness check named {@code
   * hanging} that blocks until the app stops (its default 2 s timeout turns it DOWN).
   */
  static OverheadSdk start(boolean hangingHealthCheck) {
    return start(Observability.start(), hangingHealthCheck);
  }

  /** As {@link #start(boolean)}, on an instance the caller started. */
  static OverheadSdk start(Observability obs, boolean hangingHealthCheck) {
    OverheadSdk sdk = new OverheadSdk(obs);
    if (hangingHealthCheck) {
      HealthRegistry.of(sdk.obs)
          .register(
              "hanging",
              () -> {
                sdk.released.await();
                return HealthCheck.Result.up();
              });
    }
    return sdk;
  }

  @Override
  public void install(ServletContextHandler context) {
    ObservabilityServlets.register(context.getServletContext(), obs);
  }

  @Override
  public OverheadWork.Item child(long n) {
    return Objects.requireNonNull(obs.observe("child", () -> OverheadWork.child(n)));
  }

  @Override
  public void reportError(long n) {
    obs.errors().capture(new IllegalStateException("overhead benchmark error, request " + n));
  }

  @Override
  public void close() {
    released.countDown();
    obs.close();
  }
}
