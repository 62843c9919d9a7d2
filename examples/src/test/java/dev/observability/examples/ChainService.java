package dev.observability.examples;

import dev.observability.Observability;
import dev.observability.servlet.ObservabilityFilter;
import dev.observability.servlet.ObservabilityServlets;
import dev.observability.tracing.TracedHttpClient;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * One service of a call chain, run in a JVM of its own by {@code DownstreamChainTest}: Jetty with
 * the SDK (modules from the class path, configuration from system properties) and {@code GET
 * /hop?chain=URL,URL&fail=1}. A hop with a {@code chain} calls its first URL through {@link
 * TracedHttpClient}, handing on the rest, and answers 200 even when that call fails (it falls
 * back); the last hop answers 503 when {@code fail=1}, else 200. {@code /metrics} is served too.
 *
 * <p>Prints {@code chain service listening on http://127.0.0.1:PORT/} once it serves.
 */
final class ChainService {

  private ChainService() {}

  /** Starts the SDK and the service on a free loopback port, until the process is stopped. */
  public static void main(String[] args) throws Exception {
    Observability obs = Observability.start();
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    ObservabilityServlets.register(
        context.getServletContext(), ObservabilityFilter.builder().observability(obs).build());
    HttpClient client =
        TracedHttpClient.wrap(
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build(), obs);
    context.addServlet(new ServletHolder(new Hop(client)), "/hop");
    server.setHandler(context);
    server.start();
    System.out.println(
        "chain service listening on http://127.0.0.1:" + connector.getLocalPort() + "/");
    server.join();
  }

  /** {@code GET /hop}: calls the next hop, falling back when it fails; or fails when last. */
  private static final class Hop extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient HttpClient client;

    Hop(HttpClient client) {
      this.client = client;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
        throws IOException {
      String chain = request.getParameter("chain");
      boolean fail = "1".equals(request.getParameter("fail"));
      response.setContentType("application/json");
      if (chain == null || chain.isEmpty()) {
        response.setStatus(fail ? 503 : 200);
        response.getWriter().write(fail ? "{\"error\":\"unavailable\"}" : "{\"served\":true}");
        return;
      }
      String[] hops = chain.split(",");
      String rest = String.join(",", Arrays.copyOfRange(hops, 1, hops.length));
      URI next =
          URI.create(
              hops[0]
                  + "?chain="
                  + URLEncoder.encode(rest, StandardCharsets.UTF_8)
                  + (fail ? "&fail=1" : ""));
      int status;
      try {
        status =
            client
                .send(
                    HttpRequest.newBuilder(next).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.discarding())
                .statusCode();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while calling " + next, e);
      }
      response.setStatus(200);
      response.getWriter().write(status >= 500 ? "{\"fallback\":true}" : "{\"served\":true}");
    }
  }
}
