package dev.observability.benchmarks.overhead;

import dev.observability.Observability;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.LocalConnector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.slf4j.LoggerFactory;

/**
 * One whole request of the overhead benchmark's app, in process and without sockets: {@code GET
 * /work} through Jetty's {@link LocalConnector} on one kept-alive connection, parsed, served and
 * answered on the benchmark thread (the connector runs its tasks in place), so that the score is
 * the CPU time of one request with no kernel, scheduler or load generator in it.
 *
 * <ul>
 *   <li>{@code bare}: the app alone, its log line through a Logback file appender (set-up (a) of
 *       {@code run.sh});
 *   <li>{@code sdk}: every module of the SDK, configured as set-up (b);
 *   <li>{@code peer}: the same signals assembled by hand from the usual parts (set-up (d) without
 *       its agent): see {@link OverheadPeer}.
 *   <li>{@code agent}: the bare app under the OpenTelemetry Java agent, traces only (set-up (c)).
 *       Not among the defaults: the fork needs the agent and its settings as JVM arguments, which
 *       {@link RequestComparison} adds ({@code -javaagent:<jar>} and {@code
 *       -Dotel.exporter.otlp.endpoint=http://127.0.0.1:<port>}, among others). The set-up fails if
 *       the agent is not attached, and at its end if the sink received no span from it.
 * </ul>
 *
 * <p>Spans and error events go to an {@link OtlpSink} in a process of its own, so that receiving
 * them is not counted. Run with {@code -prof gc} for bytes per request and {@code -prof
 * dev.observability.benchmarks.ProcessCpuProfiler} for the CPU of every thread per request (what
 * background threads do for a request is not in the primary score).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
    value = 1,
    jvmArgsAppend = {RequestBenchmark.XMS, RequestBenchmark.XMX, RequestBenchmark.GC})
@State(Scope.Benchmark)
public class RequestBenchmark {

  static final String XMS = "-Xms512m";
  static final String XMX = "-Xmx512m";
  static final String GC = "-XX:+UseG1GC";

  /** The fork's JVM arguments, as run.sh's {@code JAVA_OPTS}. */
  static final String[] JVM_ARGS = {XMS, XMX, GC};

  private static final byte[] REQUEST =
      ("GET /work HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: wrk\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  /** The set-up: {@code bare}, {@code sdk}, {@code peer} or {@code agent}. */
  @Param({"bare", "sdk", "peer"})
  public String setup;

  /** Every n-th request reports an error, as {@code run.sh}'s {@code ERROR_EVERY}. */
  @Param({"100"})
  public int errorEvery;

  private final List<AutoCloseable> closeables = new ArrayList<>();
  private Server server;
  private LocalConnector.LocalEndPoint endPoint;
  private Path logFile;
  private Process sink;
  private String sinkUrl;

  @Setup(Level.Trial)
  public void start() throws Exception {
    logFile = Files.createTempFile("request-benchmark-" + setup + "-", ".log");
    System.setProperty("overhead.log.file", logFile.toString());
    String logback = setup.equals("agent") ? "bare" : setup;
    System.setProperty(
        "logback.configurationFile", "request-benchmark/logback-" + logback + ".xml");
    LoggerFactory.getILoggerFactory();

    int sinkPort = setup.equals("agent") ? agentSinkPort() : freePort();
    sinkUrl = "http://127.0.0.1:" + sinkPort;
    OverheadInstrumentation instrumentation;
    switch (setup) {
      case "bare" -> instrumentation = OverheadInstrumentation.bare();
      case "sdk" -> {
        sink = startSink(sinkPort);
        instrumentation =
            OverheadSdk.start(
                Observability.builder()
                    .serviceName("overhead-sdk")
                    .environment("benchmark")
                    .property("tracing.otlp.endpoint", sinkUrl)
                    .property("tracing.otlp.protocol", "http/protobuf")
                    .property("tracing.sample-ratio", "0.1")
                    .property("errors.dsn", "http://overhead@127.0.0.1:" + sinkPort + "/1")
                    .property("shutdown.hook", "false")
                    .start(),
                false);
      }
      case "peer" -> {
        sink = startSink(sinkPort);
        instrumentation =
            OverheadPeer.inProcess(sinkUrl, "http://overhead@127.0.0.1:" + sinkPort + "/1");
      }
      case "agent" -> {
        sink = startSink(sinkPort);
        instrumentation = OverheadInstrumentation.bare();
      }
      default -> throw new IllegalArgumentException("unknown set-up " + setup);
    }
    closeables.add(instrumentation);

    // Tasks run in place, so that the benchmark thread parses, serves and answers each request;
    // only the connector's acceptor, which waits for connections, gets a thread of its own.
    Executor inPlace =
        task -> {
          if (task.getClass().getName().endsWith("$Acceptor")) {
            Thread acceptor = new Thread(task, "request-benchmark-acceptor");
            acceptor.setDaemon(true);
            acceptor.start();
          } else {
            task.run();
          }
        };
    server = new Server();
    ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler();
    LocalConnector connector =
        new LocalConnector(
            server, inPlace, scheduler, new ArrayByteBufferPool(), 0, new HttpConnectionFactory());
    server.addConnector(connector);
    server.setHandler(OverheadApp.context(instrumentation, () -> {}, errorEvery));
    server.start();
    endPoint = connector.connect();
    for (int i = 0; endPoint.getConnection() == null; i++) {
      if (i > 10_000) {
        throw new IllegalStateException("the local connection was not accepted within 10 s");
      }
      Thread.sleep(1);
    }

    // The first request may find the new connection not yet waiting for input: wait for it.
    endPoint.addInputAndExecute(ByteBuffer.wrap(REQUEST));
    ByteBuffer answer = endPoint.waitForResponse(false, 30, TimeUnit.SECONDS);
    String first = answer == null ? "" : StandardCharsets.ISO_8859_1.decode(answer).toString();
    if (!first.startsWith("HTTP/1.1 200")) {
      throw new IllegalStateException("GET /work did not answer 200: " + first);
    }
    for (int i = 0; i < 10; i++) {
      String next = StandardCharsets.ISO_8859_1.decode(send()).toString();
      if (!next.startsWith("HTTP/1.1 200")) {
        throw new IllegalStateException("GET /work was not answered in place: " + next);
      }
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    long spans = sink == null ? -1 : sinkSpans();
    if (server != null) {
      server.stop();
    }
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
    // The agent exports what it still holds from a shutdown hook of this JVM: its sink stays up
    // until this process has exited (--parent).
    if (sink != null && !setup.equals("agent")) {
      sink.destroy();
      sink.waitFor(10, TimeUnit.SECONDS);
    }
    if (logFile != null) {
      Files.deleteIfExists(logFile);
    }
    if (spans == 0) {
      throw new IllegalStateException(
          "set-up " + setup + " exported no span to the sink: its traces were not recorded");
    }
  }

  /** One {@code GET /work}, answered: the bytes of the response. */
  @Benchmark
  public ByteBuffer request() {
    return send();
  }

  private ByteBuffer send() {
    endPoint.addInputAndExecute(ByteBuffer.wrap(REQUEST));
    return endPoint.takeOutput();
  }

  /**
   * The port of the agent's OTLP endpoint, after checking that the agent is attached: the agent
   * reads its endpoint when the JVM starts, so the sink listens where the agent was told to send.
   */
  private static int agentSinkPort() {
    try {
      Class.forName("io.opentelemetry.javaagent.bootstrap.AgentInitializer", false, null);
    } catch (ClassNotFoundException notAttached) {
      throw new IllegalStateException(
          "set-up agent needs the OpenTelemetry Java agent: run it through RequestComparison, or"
              + " add -javaagent:<opentelemetry-javaagent.jar> to the fork's JVM arguments");
    }
    String endpoint = System.getProperty("otel.exporter.otlp.endpoint", "");
    Matcher port = Pattern.compile("^http://127\\.0\\.0\\.1:(\\d+)/?$").matcher(endpoint);
    if (!port.matches()) {
      throw new IllegalStateException(
          "set-up agent needs -Dotel.exporter.otlp.endpoint=http://127.0.0.1:<port>, not '"
              + endpoint
              + "'");
    }
    return Integer.parseInt(port.group(1));
  }

  /** The spans the sink has counted, from its {@code /stats}. */
  private long sinkSpans() throws IOException {
    String text;
    try (InputStream in = URI.create(sinkUrl + "/stats").toURL().openStream()) {
      text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
    }
    for (String line : text.split("\n")) {
      if (line.startsWith("spans ")) {
        return Long.parseLong(line.substring("spans ".length()).trim());
      }
    }
    throw new IllegalStateException("the sink's /stats has no spans line: " + text);
  }

  private static Process startSink(int port) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process =
        new ProcessBuilder(
                java,
                "-Xmx256m",
                "-cp",
                System.getProperty("java.class.path"),
                OtlpSink.class.getName(),
                "--mode",
                "ok",
                "--port",
                Integer.toString(port),
                "--parent",
                Long.toString(ProcessHandle.current().pid()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    for (int i = 0; i < 300; i++) {
      try {
        new java.net.Socket("127.0.0.1", port).close();
        return process;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IllegalStateException("the sink exited with " + process.exitValue());
        }
        Thread.sleep(50);
      }
    }
    process.destroy();
    throw new IllegalStateException("the sink did not listen on port " + port + " within 15 s");
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
