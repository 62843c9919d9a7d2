package dev.observability.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.health.HealthChecks;
import dev.observability.health.HealthRegistry;
import dev.observability.instrument.Instrumentation;
import dev.observability.metrics.Metrics;
import dev.observability.metrics.MetricsConfig;
import dev.observability.servlet.ObservabilityFilter;
import dev.observability.servlet.ObservabilityServlets;
import dev.observability.tracing.TracedHttpClient;
import dev.observability.tracing.TracingConfig;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.net.BindException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The example service: embedded Jetty 12 with the SDK started from the environment, the servlet
 * filter, the {@code /metrics} and {@code /health*} servlets, and annotated services.
 *
 * <p>Endpoints: {@code GET /}, {@code POST /api/register}, {@code GET /api/users/{id}}, {@code POST
 * /api/checkout} (which calls {@code POST /api/inventory/reserve} over HTTP), {@code GET
 * /api/slow}, {@code GET /api/fail}, {@code GET /metrics}, {@code GET /health}, {@code
 * /health/live}, {@code /health/ready}.
 *
 * <p>The H2 queries go through a HikariCP pool bound as {@code
 * db_connections_used/max{pool="main"}}; the guide's {@code active_users} gauge counts the users
 * seen in the last five minutes.
 *
 * <p>Flags: {@code --port N} (default 8080; 0 picks a free port; a port in use is a one-line error
 * and exit status 1), {@code --duration-seconds N} (stop by itself after N seconds; default: run
 * until killed), {@code --traffic} (send itself a mix of requests to every endpoint and print what
 * was emitted). Standard output carries only JSON log lines; the example's own messages go to
 * standard error. Configuration comes from the environment as for any service: {@code
 * OTEL_EXPORTER_OTLP_ENDPOINT} sends kept traces to a collector, {@code OTEL_METRICS_EXPORTER=otlp}
 * (or {@code prometheus,otlp}) pushes the meters there too, {@code OTEL_LOGS_EXPORTER=otlp} sends
 * every log line as an OTLP log record as well, {@code OBSERVABILITY_LOGGING_FORMAT=ecs} writes the
 * lines as Elastic Common Schema, {@code SENTRY_DSN} sends errors to Sentry, {@code
 * OTEL_SERVICE_NAME} names the service ({@code example-service} by default).
 */
public final class ExampleService {

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
   * Runs the service. Standard output carries only the SDK's log lines, one JSON object each; what
   * the example says to a person (where it listens, the traffic summary, errors) goes to standard
   * error.
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
    StdoutLines lines = StdoutLines.install();
    int exitCode = 0;
    try (Observability obs = builder(System.getenv()).start()) {
      Running running;
      try {
        running = start(obs, options.port());
      } catch (PortInUseException e) {
        running = null;
        System.err.println("error: " + e.getMessage());
        exitCode = 1;
      }
      if (running != null) {
        try (Running r = running) {
          serve(obs, r, options, lines);
        }
        System.err.println("example service stopped");
      }
    }
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }

  private static void serve(Observability obs, Running running, Options options, StdoutLines lines)
      throws Exception {
    String base = "http://127.0.0.1:" + running.port();
    System.err.println(
        "example service '"
            + obs.service().name()
            + "' listening on "
            + base
            + "/ (modules: "
            + obs.modules()
            + ")");
    if (options.traffic()) {
      Map<Integer, Integer> byStatus = Traffic.send(running.port());
      System.err.println("traffic summary: requests by status " + byStatus);
      System.err.println("traffic summary: traces " + Traffic.traceDecisions(obs));
      System.err.println("traffic summary: health " + Traffic.health(running.port(), JSON));
      System.err.println("traffic summary: log lines written " + lines.jsonLines());
      System.err.println("traffic summary: metrics " + metricsWhere(obs, running.port()));
      System.err.println(
          "next: curl -s " + base + "/metrics | grep -E '^(http_requests|active_users|db_)'");
      System.err.println("      curl -s " + base + "/health ; curl -s " + base + "/api/users/1");
      System.err.println(
          options.durationSeconds() > 0
              ? "      the service stops by itself after "
                  + options.durationSeconds()
                  + " s; Ctrl-C stops it sooner"
              : "      the service keeps running; Ctrl-C stops it");
    }
    if (options.durationSeconds() > 0) {
      running.stopped().await(options.durationSeconds(), TimeUnit.SECONDS);
    } else {
      running.stopped().await();
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** Where the metrics can be seen: the scrape endpoint, OTLP push, or both. */
  private static String metricsWhere(Observability obs, int port) {
    java.util.List<String> exporters;
    try {
      exporters = obs.config().get(MetricsConfig.EXPORTER);
    } catch (RuntimeException e) {
      exporters = java.util.List.of("prometheus");
    }
    java.util.List<String> where = new java.util.ArrayList<>();
    if (exporters.stream().anyMatch(e -> e.equalsIgnoreCase("prometheus"))) {
      where.add("at http://127.0.0.1:" + port + "/metrics");
    }
    if (exporters.stream().anyMatch(e -> e.equalsIgnoreCase("otlp"))) {
      where.add("pushed over OTLP");
    }
    return where.isEmpty() ? "not exported (metrics.exporter=none)" : String.join(" and ", where);
  }

  /**
   * The SDK's builder: everything from system properties and the environment, and the service name
   * {@code example-service} unless one is configured there.
   */
  static ObservabilityBuilder builder(Map<String, String> environment) {
    ObservabilityBuilder builder = Observability.builder();
    boolean named =
        System.getProperty("observability.service.name") != null
            || environment.containsKey("OBSERVABILITY_SERVICE_NAME")
            || environment.containsKey("OTEL_SERVICE_NAME")
            || environment.getOrDefault("OTEL_RESOURCE_ATTRIBUTES", "").contains("service.name=");
    if (!named) {
      builder.serviceName("example-service");
    }
    boolean tracesGoSomewhere =
        System.getProperty("observability.tracing.exporter") != null
            || System.getProperty("observability.tracing.otlp.endpoint") != null
            || System.getProperty("observability.tracing.otlp.traces-endpoint") != null
            || environment.containsKey("OBSERVABILITY_TRACING_EXPORTER")
            || environment.containsKey("OBSERVABILITY_TRACING_OTLP_ENDPOINT")
            || environment.containsKey("OBSERVABILITY_TRACING_OTLP_TRACES_ENDPOINT")
            || environment.containsKey("OTEL_TRACES_EXPORTER")
            || environment.containsKey("OTEL_EXPORTER_OTLP_ENDPOINT")
            || environment.containsKey("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
    if (!tracesGoSomewhere) {
      // With no collector, write kept spans as log lines, so the demo shows the tail sampler.
      builder.property("tracing.exporter", "logging");
    }
    return builder;
  }

  /** The port asked for is taken. */
  static final class PortInUseException extends Exception {
    private static final long serialVersionUID = 1L;

    PortInUseException(int port, Throwable cause) {
      super(
          "port "
              + port
              + " is already in use; stop what listens there, or start with --port N (--port 0"
              + " takes any free port)",
          cause);
    }
  }

  /** A started server and what it needs to stop. */
  record Running(
      Server server,
      int port,
      CountDownLatch stopped,
      ScheduledExecutorService scheduler,
      UserStore store)
      implements AutoCloseable {
    @Override
    public void close() {
      try {
        server.stop();
      } catch (Exception e) {
        throw new IllegalStateException("stopping Jetty failed", e);
      } finally {
        scheduler.shutdownNow();
        store.close();
        stopped.countDown();
      }
    }
  }

  /**
   * Starts Jetty on {@code port} (0 for any free port) on all interfaces.
   *
   * @throws PortInUseException when the port is taken; nothing is left running then
   */
  static Running start(Observability obs, int port) throws Exception {
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setPort(port);
    server.addConnector(connector);
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");

    // One call: the filter on /* (with the one route a servlet mapping cannot name) and the
    // /metrics and /health servlets.
    ObservabilityServlets.register(
        context.getServletContext(),
        ObservabilityFilter.builder().observability(obs).route("/api/users/{id}").build());

    Metrics metrics = Metrics.of(obs);
    ActiveUsers active = new ActiveUsers();
    metrics.gauge("active_users", active::count);
    UserStore store = new UserStore(metrics);
    ScheduledExecutorService scheduler =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "example-slow");
              t.setDaemon(true);
              return t;
            });
    Running running = new Running(server, port, new CountDownLatch(1), scheduler, store);
    try {
      // The inventory client learns its target once the port is known; until then it is unused.
      InventoryTarget inventoryTarget = new InventoryTarget();
      Instrumentation instrumentation = Instrumentation.of(obs);
      Inventory inventory =
          instrumentation.instrument(
              Inventory.class,
              new HttpInventory(
                  TracedHttpClient.wrap(HttpClient.newHttpClient(), obs),
                  inventoryTarget::reserveUri,
                  JSON));
      CheckoutService checkout = instrumentation.subclass(CheckoutService.class, store, inventory);

      add(context, "", new ApiServlets.Hello(obs, JSON));
      add(context, "/", new ApiServlets.NotFound());
      add(context, "/api/register", new ApiServlets.Register(store, metrics, active, JSON));
      add(context, "/api/users/*", new ApiServlets.Users(store, active, JSON));
      add(context, "/api/checkout", new ApiServlets.Checkout(checkout, active, JSON));
      add(context, "/api/inventory/reserve", new ApiServlets.InventoryReserve(JSON));
      add(context, "/api/slow", new ApiServlets.Slow(scheduler, JSON, slowDelay(obs)));
      add(context, "/api/fail", new ApiServlets.Fail());

      server.setHandler(context);
      server.setStopAtShutdown(false);
      try {
        server.start();
      } catch (IOException e) {
        if (isBindFailure(e)) {
          throw new PortInUseException(port, e);
        }
        throw e;
      }
      int actualPort = connector.getLocalPort();
      inventoryTarget.port = actualPort;

      HealthRegistry health = HealthRegistry.of(obs);
      health.register("database", HealthChecks.jdbc(store.dataSource()));
      health.register(
          "inventory",
          HealthChecks.http(
              URI.create("http://127.0.0.1:" + actualPort + "/api/inventory/reserve")));
      return new Running(server, actualPort, running.stopped(), scheduler, store);
    } catch (Exception | Error e) {
      try {
        running.close();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static boolean isBindFailure(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof BindException) {
        return true;
      }
    }
    return false;
  }

  private static void add(ServletContextHandler context, String path, HttpServlet servlet) {
    ServletHolder holder = new ServletHolder(servlet);
    holder.setAsyncSupported(true);
    context.addServlet(holder, path);
  }

  /** Just over the tracing module's latency threshold, so the slow trace is kept; at most 5 s. */
  private static Duration slowDelay(Observability obs) {
    Duration threshold;
    try {
      threshold = obs.config().get(TracingConfig.LATENCY_THRESHOLD);
    } catch (RuntimeException e) {
      threshold = Duration.ofSeconds(1);
    }
    Duration delay = threshold.plusMillis(200);
    return delay.compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : delay;
  }

  /** Where the inventory service listens: this same server, once its port is known. */
  static final class InventoryTarget {
    volatile int port;

    URI reserveUri() {
      return URI.create("http://127.0.0.1:" + port + "/api/inventory/reserve");
    }
  }
}
