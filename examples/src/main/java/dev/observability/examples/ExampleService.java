package dev.observability.examples;

import dev.observability.Observability;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The example service: embedded Jetty 12 with the SDK started from the environment.
 *
 * <p>Flags: {@code --port N} (default 8080; 0 picks a free port), {@code --duration-seconds N}
 * (stop by itself after N seconds; default: run until killed), {@code --traffic} (send itself a
 * short burst of demo requests and print a summary).
 */
public final class ExampleService {

  private static final Logger log = LoggerFactory.getLogger(ExampleService.class);

  private ExampleService() {}

  /** Parsed command line. */
  record Options(int port, long durationSeconds, boolean traffic) {

    static Options parse(String[] args) {
      int port = 8080;
      long duration = -1;
      boolean traffic = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--port" -> port = parseNumber(args, ++i, "--port", 0, 65_535);
          case "--duration-seconds" ->
              duration = parseNumber(args, ++i, "--duration-seconds", 1, Integer.MAX_VALUE);
          case "--traffic" -> traffic = true;
          case "--help", "-h" -> throw new IllegalArgumentException("");
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      return new Options(port, duration, traffic);
    }

    private static int parseNumber(String[] args, int index, String flag, int min, int max) {
      if (index >= args.length) {
        throw new IllegalArgumentException(flag + " needs a number");
      }
      try {
        int value = Integer.parseInt(args[index]);
        if (value < min || value > max) {
          throw new NumberFormatException();
        }
        return value;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            flag + " must be a whole number from " + min + " to " + max + ", not " + args[index]);
      }
    }
  }

  /**
   * Runs the service.
   *
   * @param args see the class description
   */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      if (!e.getMessage().isEmpty()) {
        System.err.println("error: " + e.getMessage());
      }
      System.err.println(
          "usage: java -jar observability-example.jar [--port N] [--duration-seconds N]"
              + " [--traffic]");
      System.exit(2);
      return;
    }
    try (Observability obs = Observability.start();
        Running running = start(obs, options.port())) {
      System.out.println(
          "example service '"
              + obs.service().name()
              + "' listening on http://127.0.0.1:"
              + running.port()
              + "/ (modules: "
              + obs.modules()
              + ")");
      if (options.traffic()) {
        Map<Integer, Integer> byStatus = Traffic.send(running.port());
        System.out.println("traffic summary: requests by status " + byStatus);
      }
      if (options.durationSeconds() > 0) {
        running.stopped().await(options.durationSeconds(), TimeUnit.SECONDS);
      } else {
        running.stopped().await();
      }
    }
    System.out.println("example service stopped");
  }

  /** A started server. */
  record Running(Server server, int port, CountDownLatch stopped) implements AutoCloseable {
    @Override
    public void close() {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("stopping Jetty failed", e);
      } finally {
        stopped.countDown();
      }
    }
  }

  /** Starts Jetty on {@code port} (0 for any free port) on all interfaces. */
  static Running start(Observability obs, int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    context.addServlet(new ServletHolder(new HelloServlet(obs)), "/");
    server.setHandler(context);
    server.setStopAtShutdown(false);
    server.start();
    return new Running(server, connector.getLocalPort(), new CountDownLatch(1));
  }

  /** {@code GET /}: says hello as JSON, inside an observed child operation. */
  static final class HelloServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Observability obs;

    HelloServlet(Observability obs) {
      this.obs = obs;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      if (!"/".equals(req.getRequestURI())) {
        resp.sendError(404);
        return;
      }
      String greeting = obs.observe("greeting.compose", () -> "hello from " + obs.service().name());
      log.info("served greeting");
      resp.setContentType("application/json");
      resp.setCharacterEncoding("UTF-8");
      resp.getWriter().write("{\"message\":\"" + greeting + "\"}");
    }
  }

  /** The demo traffic that {@code --traffic} sends. */
  static final class Traffic {
    private Traffic() {}

    static Map<Integer, Integer> send(int port) throws IOException, InterruptedException {
      HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
      Map<Integer, Integer> byStatus = new TreeMap<>();
      String[] paths = {"/", "/", "/", "/missing"};
      for (int i = 0; i < 20; i++) {
        HttpRequest request =
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + paths[i % paths.length]))
                .timeout(Duration.ofSeconds(5))
                .build();
        HttpResponse<String> response =
            client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        byStatus.merge(response.statusCode(), 1, Integer::sum);
      }
      return byStatus;
    }
  }
}
