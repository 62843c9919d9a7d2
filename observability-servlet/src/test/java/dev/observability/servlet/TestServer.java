package dev.observability.servlet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** Jetty 12 (ee10) on a loopback port with one servlet context, and an HTTP client for it. */
final class TestServer implements AutoCloseable {

  final Server server;
  final ServletContextHandler context;
  final int port;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(Server server, ServletContextHandler context, int port) {
    this.server = server;
    this.context = context;
    this.port = port;
  }

  static TestServer start(String contextPath, Consumer<ServletContextHandler> setup)
      throws Exception {
    return start(contextPath, setup, false);
  }

  /**
   * A server on a loopback port; with {@code h2c}, its connector also upgrades a request to HTTP/2
   * over cleartext, as the JDK client asks when told to use HTTP/2.
   */
  static TestServer start(String contextPath, Consumer<ServletContextHandler> setup, boolean h2c)
      throws Exception {
    Server server = new Server();
    HttpConfiguration config = new HttpConfiguration();
    ServerConnector connector =
        h2c
            ? new ServerConnector(
                server,
                new HttpConnectionFactory(config),
                new HTTP2CServerConnectionFactory(config))
            : new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath(contextPath);
    setup.accept(context);
    server.setHandler(context);
    server.start();
    return new TestServer(server, context, connector.getLocalPort());
  }

  URI uri(String pathAndQuery) {
    return URI.create("http://127.0.0.1:" + port + pathAndQuery);
  }

  HttpResponse<String> get(String pathAndQuery, String... headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10));
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping Jetty failed", e);
    }
  }
}
