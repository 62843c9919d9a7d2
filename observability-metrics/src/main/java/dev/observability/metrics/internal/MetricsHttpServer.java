package dev.observability.metrics.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.observability.EndpointResponse;
import dev.observability.ScrapeEndpoint;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

/**
 * A standalone {@code /metrics} endpoint on the JDK's {@link HttpServer}, for hosts without a
 * servlet container. Answers {@code GET} and {@code HEAD} of {@code /metrics} through a {@link
 * ScrapeEndpoint}; 404 elsewhere, 405 for other methods.
 *
 * <p>Requests run on at most {@value #THREADS} daemon threads with a queue of {@value #QUEUE};
 * beyond that the accepting thread renders the scrape itself, which stops it accepting more, so the
 * server holds bounded memory under any load. {@link #close()} stops it and releases the port.
 * Thread-safe.
 */
public final class MetricsHttpServer implements AutoCloseable {

  /** The path served. */
  public static final String PATH = "/metrics";

  static final int THREADS = 2;
  static final int QUEUE = 16;

  private final HttpServer server;
  private final ThreadPoolExecutor executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private MetricsHttpServer(HttpServer server, ThreadPoolExecutor executor) {
    this.server = server;
    this.executor = executor;
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
    HttpServer server = HttpServer.create(new InetSocketAddress(host, port), 16);
    AtomicInteger threads = new AtomicInteger();
    ThreadPoolExecutor executor =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread thread =
                  new Thread(r, "observability-metrics-http-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            },
            new ThreadPoolExecutor.CallerRunsPolicy());
    executor.allowCoreThreadTimeOut(true);
    server.setExecutor(executor);
    server.createContext("/", exchange -> handle(exchange, endpoint, errors));
    server.start();
    return new MetricsHttpServer(server, executor);
  }

  /** The bound address (with the actual port when 0 was asked for). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private static void handle(
      HttpExchange exchange, ScrapeEndpoint endpoint, BiConsumer<String, Throwable> errors) {
    try {
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      EndpointResponse response;
      if (!PATH.equals(path) && !(PATH + "/").equals(path)) {
        response = EndpointResponse.text(404, "text/plain; charset=utf-8", "not found\n");
      } else if (!method.equals("GET") && !method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Allow", "GET, HEAD");
        response = EndpointResponse.text(405, "text/plain; charset=utf-8", "method not allowed\n");
      } else {
        response =
            endpoint.scrape(
                exchange.getRequestHeaders().getFirst("Accept"),
                exchange.getRequestHeaders().getFirst("Accept-Encoding"));
      }
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      for (Map.Entry<String, String> header : response.headers().entrySet()) {
        exchange.getResponseHeaders().set(header.getKey(), header.getValue());
      }
      byte[] body = response.body();
      if (method.equals("HEAD")) {
        exchange.getResponseHeaders().set("Content-Length", Integer.toString(body.length));
        exchange.sendResponseHeaders(response.status(), -1);
      } else {
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } catch (IOException e) {
      // The scraper went away; nothing to answer.
    } catch (RuntimeException e) {
      errors.accept("metrics", e);
    } finally {
      exchange.close();
    }
  }

  /** Stops accepting, closes open exchanges and the threads; returns within about a second. */
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
    return "metrics endpoint http://"
        + address().getHostString()
        + ":"
        + address().getPort()
        + PATH;
  }
}
