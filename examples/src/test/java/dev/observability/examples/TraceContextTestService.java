package dev.observability.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.Observability;
import dev.observability.servlet.ObservabilityFilter;
import dev.observability.tracing.TracedHttpClient;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.EnumSet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The service under test of the W3C Trace Context conformance suite (w3c/trace-context, {@code
 * test/}): Jetty with the SDK's filter, and {@code POST /test}, whose body is a JSON array of
 * {@code {"url": ..., "arguments": ...}}; for each element, in order, it POSTs the element's {@code
 * arguments} as JSON to its {@code url} through {@link TracedHttpClient}, inside the request's
 * server span, then answers 200. So the suite sees what the SDK extracts from the request headers
 * and injects into the outbound calls. {@code TraceContextConformanceTest} drives it the same way.
 *
 * <p>Run by hand (docs/tracing.md): {@code java -cp ... dev.observability.examples.
 * TraceContextTestService [port]}, configuration from system properties and the environment as for
 * any service ({@code -Dobservability.tracing.tracecontext.level=1} for Level 1).
 */
final class TraceContextTestService implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Server server;
  private final int port;

  private TraceContextTestService(Server server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts the service on 127.0.0.1:{@code port} (0 for any free port), observed by {@code obs}.
   */
  static TraceContextTestService start(Observability obs, int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addFilter(
        new FilterHolder(ObservabilityFilter.builder().observability(obs).build()),
        "/*",
        EnumSet.of(DispatcherType.REQUEST));
    HttpClient client =
        TracedHttpClient.wrap(
            HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build(),
            obs);
    context.addServlet(new ServletHolder(new CallsServlet(client)), "/test");
    server.setHandler(context);
    server.start();
    return new TraceContextTestService(server, connector.getLocalPort());
  }

  /** The port the service listens on. */
  int port() {
    return port;
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (Exception e) {
      throw new IllegalStateException("stopping Jetty failed", e);
    }
  }

  /**
   * Starts the SDK (modules found on the class path, configuration from system properties and the
   * environment) and the service on the port given as the first argument (default 5000), until the
   * process is stopped.
   */
  public static void main(String[] args) throws Exception {
    int port = args.length > 0 ? Integer.parseInt(args[0]) : 5000;
    Observability obs = Observability.start();
    TraceContextTestService service = start(obs, port);
    System.err.println(
        "trace-context test service on http://127.0.0.1:" + service.port() + "/test");
    service.server.join();
  }

  /** {@code POST /test}: calls each URL of the JSON body in order, propagating the context. */
  private static final class CallsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HttpClient client;

    CallsServlet(HttpClient client) {
      this.client = client;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      JsonNode actions = JSON.readTree(request.getInputStream());
      if (actions != null && actions.isArray()) {
        for (JsonNode action : actions) {
          JsonNode arguments = action.path("arguments");
          HttpRequest call =
              HttpRequest.newBuilder(URI.create(action.path("url").asText()))
                  .timeout(Duration.ofSeconds(10))
                  .header("Content-Type", "application/json")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          JSON.writeValueAsString(
                              arguments.isMissingNode() ? JSON.createArrayNode() : arguments),
                          StandardCharsets.UTF_8))
                  .build();
          try {
            client.send(call, HttpResponse.BodyHandlers.discarding());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while calling " + call.uri(), e);
          }
        }
      }
      response.setStatus(200);
      response.setContentType("application/json");
      response.getWriter().write("{}");
    }
  }
}
