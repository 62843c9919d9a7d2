package dev.observability.spi;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.observability.EndpointResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A small read-only HTTP server on the JDK's {@link HttpServer}, for modules that offer a
 * standalone endpoint to hosts without a servlet container ({@code /metrics}, {@code /health*}). It
 * answers {@code GET} and {@code HEAD} on the paths it is given (a trailing slash is ignored), 404
 * elsewhere and 405 for other methods, writing each route's {@link EndpointResponse}.
 *
 * <p>Requests run on a bounded pool of daemon threads with a bounded queue; beyond that the
 * accepting thread answers the request itself, which stops it accepting more, so the server holds
 * bounded memory under any load. Thread-safe. {@link #close()} is idempotent, stops listening at
 * once and waits about a second for running requests.
 */
public final class EndpointServer implements AutoCloseable {

  /**
   * Answers one route; receives a reader of the request's headers (first value, null if absent).
   */
  @FunctionalInterface
  public interface Route {
    /**
     * Renders the response. May throw; the failure is reported and the client gets a 500.
     *
     * @param requestHeaders reads one request header by name, null when absent
     * @return the response
     */
    EndpointResponse handle(Function<String, @Nullable String> requestHeaders);
  }

  private static final int QUEUE = 16;

  private final String name;
  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final InetSocketAddress address;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EndpointServer(String name, HttpServer server, ThreadPoolExecutor executor) {
    this.name = name;
    this.server = server;
    this.executor = executor;
    this.address = server.getAddress();
  }

  /**
   * Binds {@code host:port} (port 0: any free port) and starts serving {@code routes}.
   *
   * @param name the module's name, for thread names and messages
   * @param threads the request threads, at least 1
   * @param routes paths (such as {@code /metrics}) and what answers them
   * @param errors receives failures while answering, as (component, error)
   * @param host the address to bind
   * @param port the port to bind, or 0 for any free port
   * @return the started server
   * @throws IOException when the address cannot be resolved or bound, with the address in the
   *     message
   */
  public static EndpointServer start(
      String name,
      String host,
      int port,
      int threads,
      Map<String, Route> routes,
      BiConsumer<String, Throwable> errors)
      throws IOException {
    Objects.requireNonNull(name, "name");
    Map<String, Route> table = Map.copyOf(routes);
    InetSocketAddress bind = new InetSocketAddress(host, port);
    if (bind.isUnresolved()) {
      throw new IOException("the " + name + " server's host '" + host + "' cannot be resolved");
    }
    HttpServer server;
    try {
      server = HttpServer.create(bind, 32);
    } catch (IOException e) {
      throw new IOException(
          "the " + name + " server cannot listen on " + host + ":" + port + ": " + e.getMessage(),
          e);
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
                  new Thread(task, "observability-" + name + "-http-" + count.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, name, table, errors));
    server.start();
    return new EndpointServer(name, server, executor);
  }

  /**
   * The bound address, with the actual port when 0 was asked for.
   *
   * @return the bound address
   */
  public InetSocketAddress address() {
    return address;
  }

  private static void handle(
      HttpExchange exchange,
      String name,
      Map<String, Route> routes,
      BiConsumer<String, Throwable> errors) {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (path.length() > 1 && path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      Route route = routes.get(path);
      String method = exchange.getRequestMethod();
      boolean head = "HEAD".equals(method);
      EndpointResponse response;
      if (route == null) {
        response = EndpointResponse.text(404, "text/plain; charset=utf-8", "not found\n");
      } else if (!head && !"GET".equals(method)) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        response = EndpointResponse.text(405, "text/plain; charset=utf-8", "method not allowed\n");
      } else {
        Headers request = exchange.getRequestHeaders();
        try {
          response = route.handle(request::getFirst);
        } catch (RuntimeException e) {
          errors.accept(name, e);
          response = EndpointResponse.text(500, "text/plain; charset=utf-8", "internal error\n");
        }
      }
      send(exchange, response, head);
    } catch (IOException e) {
      // The client went away; nothing to answer.
    } catch (RuntimeException e) {
      errors.accept(name, e);
    }
  }

  private static void send(HttpExchange exchange, EndpointResponse response, boolean head)
      throws IOException {
    Headers headers = exchange.getResponseHeaders();
    headers.set("Content-Type", response.contentType());
    for (Map.Entry<String, String> header : response.headers().entrySet()) {
      headers.set(header.getKey(), header.getValue());
    }
    byte[] body = response.body();
    if (head) {
      headers.set("Content-Length", Integer.toString(body.length));
      exchange.sendResponseHeaders(response.status(), -1);
      return;
    }
    exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** Stops listening at once and stops the request threads, waiting about a second. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return name + " endpoint on http://" + address.getHostString() + ":" + address.getPort();
  }
}
