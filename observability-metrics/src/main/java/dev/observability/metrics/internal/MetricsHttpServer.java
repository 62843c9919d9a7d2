package dev.observability.metrics.internal;

import dev.observability.ScrapeEndpoint;
import dev.observability.spi.EndpointServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A standalone {@code /metrics} endpoint for hosts without a servlet container: core's {@link
 * EndpointServer} answering {@code GET} and {@code HEAD} of {@code /metrics} through a {@link
 * ScrapeEndpoint} (404 elsewhere, 405 for other methods) on at most {@value #THREADS} daemon
 * threads. Thread-safe; {@link #close()} stops it and releases the port.
 */
public final class MetricsHttpServer implements AutoCloseable {

  /** The path served. */
  public static final String PATH = "/metrics";

  static final int THREADS = 2;

  private final EndpointServer server;

  private MetricsHttpServer(EndpointServer server) {
    this.server = server;
  }

  /**
   * Binds and starts the server.
   *
   * @param host the address to bind
   * @param port the port, 0 for any free one
   * @param endpoint renders the metrics
   * @param errors receives failures while answering, as (component, error)
   * @throws IOException when the address cannot be bound (in use, or not local)
   */
  public static MetricsHttpServer start(
      String host, int port, ScrapeEndpoint endpoint, BiConsumer<String, Throwable> errors)
      throws IOException {
    EndpointServer.Route scrape =
        headers -> endpoint.scrape(headers.apply("Accept"), headers.apply("Accept-Encoding"));
    return new MetricsHttpServer(
        EndpointServer.start("metrics", host, port, THREADS, Map.of(PATH, scrape), errors));
  }

  /** The bound address (with the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.address();
  }

  /** Stops accepting, closes open exchanges and the threads; returns within about a second. */
  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "metrics endpoint http://"
        + address().getHostString()
        + ":"
        + address().getPort()
        + PATH;
  }
}
