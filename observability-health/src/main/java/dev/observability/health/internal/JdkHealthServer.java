package dev.observability.health.internal;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.observability.EndpointResponse;
import dev.observability.HealthEndpoint;
import dev.observability.health.HealthServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The standalone health server on the JDK's {@link HttpServer}: {@code GET} and {@code HEAD} on
 * {@code /health}, {@code /health/live} and {@code /health/ready}; 404 elsewhere, 405 for other
 * methods. Requests run on a small bounded pool; when it is full the connection is closed at once
 * rather than queued without bound.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and stops at once.
 */
public final class JdkHealthServer implements HealthServer, AutoCloseable {

  private static final int QUEUE = 16;

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final HealthEndpoint endpoint;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();

  private JdkHealthServer(HttpServer server, ThreadPoolExecutor executor, HealthEndpoint endpoint) {
    this.server = server;
    this.executor = executor;
    this.endpoint = endpoint;
    this.address = server.getAddress();
  }

  /**
   * Binds {@code host:port} (port 0: any free port) and starts serving.
   *
   * @throws IOException when the address cannot be bound, with the address in the message
   */
  public static JdkHealthServer start(String host, int port, int threads, HealthEndpoint endpoint)
      throws IOException {
    Objects.requireNonNull(endpoint, "endpoint");
    InetSocketAddress bind = new InetSocketAddress(host, port);
    if (bind.isUnresolved()) {
      throw new IOException("health.server.host '" + host + "' cannot be resolved");
    }
    HttpServer server;
    try {
      server = HttpServer.create(bind, 32);
    } catch (IOException e) {
      throw new IOException(
          "the health server cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
    }
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            task -> {
              Thread thread =
                  new Thread(task, "observability-health-http-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.AbortPolicy());
    executor.allowCoreThreadTimeOut(true);
    JdkHealthServer health = new JdkHealthServer(server, executor, endpoint);
    server.createContext("/health", health::handle);
    server.setExecutor(executor);
    server.start();
    return health;
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      HealthEndpoint.@Nullable Group group = groupOf(exchange.getRequestURI().getPath());
      if (group == null) {
        sendText(exchange, 404, "not found\n", false);
        return;
      }
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        sendText(exchange, 405, "method not allowed\n", false);
        return;
      }
      EndpointResponse response = endpoint.check(group);
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Type", response.contentType());
      for (Map.Entry<String, String> header : response.headers().entrySet()) {
        headers.set(header.getKey(), header.getValue());
      }
      send(exchange, response.status(), response.body(), head);
    } catch (IOException | RuntimeException e) {
      // The client went away, or the exchange broke: nothing to answer; the close above frees it.
    }
  }

  private static HealthEndpoint.@Nullable Group groupOf(String path) {
    String p =
        path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return switch (p) {
      case "/health" -> HealthEndpoint.Group.ALL;
      case "/health/live" -> HealthEndpoint.Group.LIVENESS;
      case "/health/ready" -> HealthEndpoint.Group.READINESS;
      default -> null;
    };
  }

  private static void sendText(HttpExchange exchange, int status, String text, boolean head)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    send(exchange, status, text.getBytes(StandardCharsets.UTF_8), head);
  }

  private static void send(HttpExchange exchange, int status, byte[] body, boolean head)
      throws IOException {
    if (head) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops listening at once and stops the request threads. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "health server on " + address;
  }
}
