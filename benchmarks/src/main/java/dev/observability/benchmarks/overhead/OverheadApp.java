package dev.observability.benchmarks.overhead;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app of the whole-service overhead benchmark: embedded Jetty 12 (ee10) on a loopback port with
 * one small endpoint, the same in every set-up.
 *
 * <p>{@code GET /work} runs one child operation ({@link OverheadWork#child}), writes one log line
 * through SLF4J and answers a small JSON object serialised with Jackson. {@code GET /admin/stats}
 * reports the process figures of {@link OverheadStats} ({@code ?gc=1} collects first).
 *
 * <p>The app's own status lines (where it listens, its start-up phases) go to stderr, so that
 * stdout holds log lines only.
 *
 * <p>Flags: {@code --mode bare|sdk|peer} (required), {@code --port N} (default 8080), {@code
 * --error-every N} (sdk and peer modes: report an error on every N-th request, 0 for none; default
 * 100), {@code --hanging-health-check} (sdk mode: add a readiness check that never returns), {@code
 * --sentry-dsn URL} (peer mode, required: where Sentry's static API sends the errors), {@code
 * --virtual-threads} (Jetty serves each request on a virtual thread of its own; needs JDK 21 or
 * newer).
 *
 * <ul>
 *   <li>{@code bare}: Jetty alone; the child is a plain call. The OpenTelemetry Java agent set-up
 *       runs this mode with {@code -javaagent}.
 *   <li>{@code sdk}: the SDK started from the environment ({@code Observability.start()}), the
 *       servlet filter and the {@code /metrics} and {@code /health*} servlets; the child runs
 *       inside {@code observe("child", ...)}.
 *   <li>{@code peer}: the same signals assembled by hand ({@link OverheadPeer}): a JSON access line
 *       written by a servlet filter, errors through Sentry's static API; run with the OpenTelemetry
 *       Java agent (metrics on) and logstash-logback-encoder's configuration.
 * </ul>
 */
public final class OverheadApp {

  private OverheadApp() {}

  /**
   * Parsed command line.
   *
   * @param mode {@code bare}, {@code sdk} or {@code peer}
   * @param port the loopback port to listen on (0 for any)
   * @param errorEvery report an error on every N-th request in sdk and peer modes, 0 for none
   * @param hangingHealthCheck add a readiness check that never returns (sdk mode)
   * @param sentryDsn where the peer mode sends errors, or empty
   * @param virtualThreads whether Jetty serves requests on virtual threads
   */
  record Options(
      String mode,
      int port,
      int errorEvery,
      boolean hangingHealthCheck,
      String sentryDsn,
      boolean virtualThreads) {

    static Options parse(String[] args) {
      String mode = "";
      int port = 8080;
      int errorEvery = 100;
      boolean hanging = false;
      String sentryDsn = "";
      boolean virtualThreads = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--mode" -> mode = value(args, ++i, "--mode");
          case "--port" -> port = number(args, ++i, "--port", 0, 65_535);
          case "--error-every" ->
              errorEvery = number(args, ++i, "--error-every", 0, Integer.MAX_VALUE);
          case "--hanging-health-check" -> hanging = true;
          case "--sentry-dsn" -> sentryDsn = value(args, ++i, "--sentry-dsn");
          case "--virtual-threads" -> virtualThreads = true;
          default -> throw new IllegalArgumentException("unknown option " + args[i]);
        }
      }
      if (!mode.equals("bare") && !mode.equals("sdk") && !mode.equals("peer")) {
        throw new IllegalArgumentException("--mode must be bare, sdk or peer, not '" + mode + "'");
      }
      if (mode.equals("peer") && sentryDsn.isEmpty()) {
        throw new IllegalArgumentException("--mode peer needs --sentry-dsn");
      }
      if (hanging && !mode.equals("sdk")) {
        throw new IllegalArgumentException("--hanging-health-check needs --mode sdk");
      }
      if (virtualThreads && !VirtualThreads.areSupported()) {
        throw new IllegalArgumentException(
            "--virtual-threads needs a JDK with virtual threads (21 or newer)");
      }
      return new Options(mode, port, errorEvery, hanging, sentryDsn, virtualThreads);
    }

    private static String value(String[] args, int index, String flag) {
      if (index >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args[index];
    }

    private static int number(String[] args, int index, String flag, int min, int max) {
      String text = value(args, index, flag);
      try {
        int number = Integer.parseInt(text);
        if (number < min || number > max) {
          throw new NumberFormatException();
        }
        return number;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            flag + " must be a whole number from " + min + " to " + max + ", not " + text);
      }
    }
  }

  /**
   * Runs the app until the process is stopped.
   *
   * @param args see the class description
   */
  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println(
          "usage: OverheadApp --mode bare|sdk|peer [--port N] [--error-every N]"
              + " [--hanging-health-check] [--sentry-dsn URL] [--virtual-threads]");
      System.exit(2);
      return;
    }
    // Start-up phases, as JVM uptime: the logger factory is touched here (no logger is created in
    // a static initialiser of this class) so that configuring Logback is a phase of its own.
    long atMain = uptimeMillis();
    LoggerFactory.getILoggerFactory();
    long atLogging = uptimeMillis();
    OverheadStats stats = new OverheadStats();
    OverheadInstrumentation instrumentation =
        switch (options.mode()) {
          case "sdk" -> OverheadSdk.start(options.hangingHealthCheck());
          case "peer" -> OverheadPeer.underAgent(options.sentryDsn());
          default -> OverheadInstrumentation.bare();
        };
    long atInstrumentation = uptimeMillis();

    QueuedThreadPool pool = new QueuedThreadPool();
    if (options.virtualThreads()) {
      pool.setVirtualThreadsExecutor(VirtualThreads.getNamedVirtualThreadsExecutor("overhead-vt-"));
    }
    Server server = new Server(pool);
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(options.port());
    server.addConnector(connector);
    ServletContextHandler context = context(instrumentation, stats::served, options.errorEvery());
    context.addServlet(new ServletHolder(new StatsServlet(stats)), "/admin/stats");
    server.setHandler(context);
    server.setStopAtShutdown(false);

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.stop();
                  } catch (Exception e) {
                    System.err.println("stopping Jetty failed: " + e);
                  } finally {
                    instrumentation.close();
                    stats.close();
                    stopped.countDown();
                  }
                },
                "overhead-app-shutdown"));
    server.start();
    System.err.println(
        "overhead app (mode "
            + options.mode()
            + ") listening on http://127.0.0.1:"
            + connector.getLocalPort()
            + "/work");
    System.err.println(
        "startup phases (JVM uptime, ms): main "
            + atMain
            + " logging "
            + atLogging
            + " instrumentation "
            + atInstrumentation
            + " listening "
            + uptimeMillis());
    stopped.await();
  }

  /**
   * The servlet context of every set-up: what {@code instrumentation} installs, then {@code GET
   * /work}, which calls {@code served} after each answer.
   */
  static ServletContextHandler context(
      OverheadInstrumentation instrumentation, Runnable served, int errorEvery) {
    ServletContextHandler context = new ServletContextHandler();
    context.setContextPath("/");
    instrumentation.install(context);
    context.addServlet(
        new ServletHolder(new WorkServlet(instrumentation, served, errorEvery)), "/work");
    return context;
  }

  private static long uptimeMillis() {
    return ManagementFactory.getRuntimeMXBean().getUptime();
  }

  /** {@code GET /work}: the endpoint under load. */
  static final class WorkServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(OverheadApp.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private final transient OverheadInstrumentation instrumentation;
    private final transient Runnable served;
    private final int errorEvery;
    private final transient AtomicLong sequence = new AtomicLong();

    WorkServlet(OverheadInstrumentation instrumentation, Runnable served, int errorEvery) {
      this.instrumentation = instrumentation;
      this.served = served;
      this.errorEvery = errorEvery;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      long n = sequence.incrementAndGet();
      OverheadWork.Item item = instrumentation.child(n);
      if (errorEvery > 0 && n % errorEvery == 0) {
        instrumentation.reportError(n);
      }
      log.info("served work request {} with item {}", n, item.name());
      byte[] body = JSON.writeValueAsBytes(new OverheadWork.Response(n, item, "ok"));
      resp.setStatus(200);
      resp.setContentType("application/json");
      resp.setContentLength(body.length);
      resp.getOutputStream().write(body);
      served.run();
    }
  }

  /** {@code GET /admin/stats[?gc=1]}: the process figures, one {@code name value} per line. */
  static final class StatsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient OverheadStats stats;

    StatsServlet(OverheadStats stats) {
      this.stats = stats;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      byte[] body =
          stats.render("1".equals(req.getParameter("gc"))).getBytes(StandardCharsets.US_ASCII);
      resp.setStatus(200);
      resp.setContentType("text/plain; charset=us-ascii");
      resp.setContentLength(body.length);
      resp.getOutputStream().write(body);
    }
  }
}
