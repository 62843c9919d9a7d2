package dev.observability.benchmarks.overhead;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * The loopback backend of the overhead benchmark: an OTLP/HTTP trace receiver and a Sentry ingest
 * on one port, in one of two modes.
 *
 * <ul>
 *   <li>{@code --mode ok}: every {@code POST} gets 200. {@code /v1/traces} (and any other OTLP
 *       path) answers an empty {@code Export*ServiceResponse} ({@code application/x-protobuf}, no
 *       bytes); the spans in each request are counted from the protobuf wire format (gzip
 *       accepted). {@code /api/<project>/envelope/} answers {@code {}} as Sentry does. {@code GET
 *       /stats} reports the counts as {@code name value} lines.
 *   <li>{@code --mode hang}: accepts every connection and never reads or answers. Connections are
 *       held up to a bound (the oldest is closed past it) and counted.
 * </ul>
 *
 * A backend that refuses connections is no process at all on the port; the script does that.
 *
 * <p>Flags: {@code --mode ok|hang}, {@code --port N}, and {@code --parent PID} to exit when that
 * process has (for a sink that must outlive its parent's shutdown hooks, which may still export).
 */
public final class OtlpSink {

  private static final int MAX_HELD_CONNECTIONS = 4096;

  private final AtomicLong traceRequests = new AtomicLong();
  private final AtomicLong spans = new AtomicLong();
  private final AtomicLong traceBytes = new AtomicLong();
  private final AtomicLong sentryEnvelopes = new AtomicLong();
  private final AtomicLong otherRequests = new AtomicLong();
  private final AtomicLong malformed = new AtomicLong();

  private OtlpSink() {}

  /**
   * Runs the sink until the process is stopped.
   *
   * @param args see the class description
   */
  public static void main(String[] args) throws Exception {
    String mode = "ok";
    int port = 4318;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mode" -> mode = args[++i];
        case "--port" -> port = Integer.parseInt(args[++i]);
        case "--parent" -> exitWith(Long.parseLong(args[++i]));
        default -> {
          System.err.println("usage: OtlpSink --mode ok|hang --port N [--parent PID]");
          System.exit(2);
        }
      }
    }
    switch (mode) {
      case "ok" -> new OtlpSink().serve(port);
      case "hang" -> hang(port);
      default -> {
        System.err.println("--mode must be ok or hang, not " + mode);
        System.exit(2);
      }
    }
  }

  private static void exitWith(long parent) {
    ProcessHandle.of(parent)
        .ifPresentOrElse(
            process -> process.onExit().thenRun(() -> System.exit(0)), () -> System.exit(0));
  }

  private void serve(int port) throws InterruptedException, IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 128);
    ExecutorService executor = Executors.newFixedThreadPool(4);
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    System.out.println("otlp sink (mode ok) listening on http://127.0.0.1:" + port);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.print(stats());
                  server.stop(0);
                  executor.shutdownNow();
                  stopped.countDown();
                }));
    stopped.await();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if ("GET".equals(exchange.getRequestMethod()) && path.equals("/stats")) {
        respond(exchange, 200, "text/plain; charset=us-ascii", stats());
        return;
      }
      byte[] body = readBody(exchange);
      if (path.startsWith("/api/") && path.endsWith("/envelope/")) {
        sentryEnvelopes.incrementAndGet();
        respond(exchange, 200, "application/json", "{}");
      } else if (path.equals("/v1/traces")) {
        traceRequests.incrementAndGet();
        traceBytes.addAndGet(body.length);
        try {
          spans.addAndGet(countSpans(body));
        } catch (RuntimeException e) {
          malformed.incrementAndGet();
        }
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      } else {
        otherRequests.incrementAndGet();
        exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
        exchange.sendResponseHeaders(200, -1);
      }
    }
  }

  private static byte[] readBody(HttpExchange exchange) throws IOException {
    InputStream in = exchange.getRequestBody();
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
      in = new GZIPInputStream(in);
    }
    try (InputStream body = in) {
      return body.readAllBytes();
    }
  }

  private static void respond(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private String stats() {
    return "trace_requests "
        + traceRequests.get()
        + "\nspans "
        + spans.get()
        + "\ntrace_bytes "
        + traceBytes.get()
        + "\nsentry_envelopes "
        + sentryEnvelopes.get()
        + "\nother_requests "
        + otherRequests.get()
        + "\nmalformed_requests "
        + malformed.get()
        + "\n";
  }

  /**
   * Counts the spans of an {@code ExportTraceServiceRequest}: field 1 {@code resource_spans}, in it
   * field 2 {@code scope_spans}, in it field 2 {@code spans}.
   */
  static long countSpans(byte[] request) {
    long count = 0;
    for (Field resourceSpans : new Fields(request, 0, request.length)) {
      if (resourceSpans.number() != 1) {
        continue;
      }
      for (Field scopeSpans : new Fields(request, resourceSpans.start(), resourceSpans.end())) {
        if (scopeSpans.number() != 2) {
          continue;
        }
        for (Field span : new Fields(request, scopeSpans.start(), scopeSpans.end())) {
          if (span.number() == 2) {
            count++;
          }
        }
      }
    }
    return count;
  }

  /** A length-delimited field of a protobuf message: its number and its bytes' bounds. */
  record Field(int number, int start, int end) {}

  /** The length-delimited fields of a protobuf message between two offsets; others are skipped. */
  static final class Fields implements Iterable<Field> {
    private final byte[] bytes;
    private final int start;
    private final int end;

    Fields(byte[] bytes, int start, int end) {
      this.bytes = bytes;
      this.start = start;
      this.end = end;
    }

    @Override
    public Iterator<Field> iterator() {
      List<Field> fields = new ArrayList<>();
      int[] pos = {start};
      while (pos[0] < end) {
        long key = varint(bytes, pos);
        int number = (int) (key >>> 3);
        int wireType = (int) (key & 7);
        switch (wireType) {
          case 0 -> varint(bytes, pos);
          case 1 -> pos[0] += 8;
          case 5 -> pos[0] += 4;
          case 2 -> {
            int length = (int) varint(bytes, pos);
            if (length < 0 || pos[0] + length > end) {
              throw new IllegalArgumentException("truncated field " + number);
            }
            fields.add(new Field(number, pos[0], pos[0] + length));
            pos[0] += length;
          }
          default -> throw new IllegalArgumentException("unsupported wire type " + wireType);
        }
      }
      return fields.iterator();
    }

    private static long varint(byte[] bytes, int[] pos) {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos[0] >= bytes.length) {
          throw new IllegalArgumentException("truncated varint");
        }
        byte b = bytes[pos[0]++];
        value |= (long) (b & 0x7f) << shift;
        if (b >= 0) {
          return value;
        }
      }
      throw new IllegalArgumentException("varint too long");
    }
  }

  /** Accepts connections and never answers, holding at most {@link #MAX_HELD_CONNECTIONS}. */
  private static void hang(int port) throws IOException {
    AtomicLong accepted = new AtomicLong();
    Deque<Socket> held = new ArrayDeque<>();
    try (ServerSocket server = new ServerSocket(port, 128, InetAddress.getLoopbackAddress())) {
      System.out.println("otlp sink (mode hang) listening on http://127.0.0.1:" + port);
      Runtime.getRuntime()
          .addShutdownHook(new Thread(() -> System.out.println("accepted " + accepted.get())));
      while (true) {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        held.addLast(socket);
        if (held.size() > MAX_HELD_CONNECTIONS) {
          held.removeFirst().close();
        }
      }
    }
  }
}
