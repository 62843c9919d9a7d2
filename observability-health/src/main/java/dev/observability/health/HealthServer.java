package dev.observability.health;

import java.net.InetSocketAddress;

/**
 * The standalone health HTTP server (the JDK's {@code com.sun.net.httpserver}), provided as a
 * feature when {@code health.server.port} is set: {@code observability.find(HealthServer.class)}.
 * It serves {@code GET}/{@code HEAD} on {@code /health}, {@code /health/live} and {@code
 * /health/ready}, and stops when the instance closes.
 *
 * <p>Thread-safe.
 */
public interface HealthServer {

  /**
   * The address the server listens on; its port is the real one when port 0 was configured.
   *
   * @return the bound address
   */
  InetSocketAddress address();
}
