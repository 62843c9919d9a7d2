package dev.observability.benchmarks.overhead;

import dev.observability.Observability;
import java.util.Objects;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * The SDK set-up: {@link Observability#start()} configured from the environment the benchmark
 * script sets, the servlet filter on every request, and the child operation observed as {@code
 * child}. Only this class refers to the SDK, so the bare set-up never loads it.
 *
 * <p>Thread-safe.
 */
final class OverheadSdk implements OverheadInstrumentation {

  private final Observability obs;

  private OverheadSdk(Observability obs) {
    this.obs = obs;
  }

  /** Starts the SDK; with {@code hangingHealthCheck}, adds a readiness check that never returns. */
  static OverheadSdk start(boolean hangingHealthCheck) {
    Observability obs = Observability.start();
    return new OverheadSdk(obs);
  }

  @Override
  public void install(ServletContextHandler context) {}

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
    obs.close();
  }
}
