package dev.observability.health.internal;

import dev.observability.HealthEndpoint;
import dev.observability.health.HealthServer;
import dev.observability.spi.EndpointServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;

/**
 * The standalone health server: core's {@link EndpointServer} answering {@code GET} and {@code
 * HEAD} on {@code /health}, {@code /health/live} and {@code /health/ready} (404 elsewhere, 405 for
 * other methods) on a small bounded pool.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and stops at once.
 */
public final class JdkHealthServer implements HealthServer, AutoCloseable {

  private final EndpointServer server;

  private JdkHealthServer(EndpointServer server) {
    this.server = server;
  }

  /**
   * Binds {@code host:port} (port 0: any free port) and starts serving.
   *
   * @throws IOException when the address cannot be bound, with the address in the message
   */
  public static JdkHealthServer start(String host, int port, int threads, HealthEndpoint endpoint)
      throws IOException {
    Objects.requireNonNull(endpoint, "endpoint");
    Map<String, EndpointServer.Route> routes =
        Map.of(
            "/health", headers -> endpoint.check(HealthEndpoint.Group.ALL),
            "/health/live", headers -> endpoint.check(HealthEndpoint.Group.LIVENESS),
            "/health/ready", headers -> endpoint.check(HealthEndpoint.Group.READINESS));
    // Rendering failures are the endpoint's to count (it turns them into a 500 itself).
    return new JdkHealthServer(
        EndpointServer.start("health", host, port, threads, routes, (component, error) -> {}));
  }

  @Override
  public InetSocketAddress address() {
    return server.address();
  }

  /** Stops listening at once and stops the request threads. Idempotent. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "health server on " + address();
  }
}
