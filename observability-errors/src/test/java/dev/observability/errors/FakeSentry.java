package dev.observability.errors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.sentry.EnvelopeReader;
import io.sentry.JsonSerializer;
import io.sentry.SentryEnvelope;
import io.sentry.SentryEnvelopeItem;
import io.sentry.SentryEvent;
import io.sentry.SentryItemType;
import io.sentry.SentryOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;

/**
 * A loopback HTTP server standing in for Sentry's ingest endpoint: DSN {@code
 * http://key@127.0.0.1:PORT/1}, envelopes POSTed to {@code /api/1/envelope/}, read back with
 * Sentry's own envelope reader and JSON serializer.
 */
final class FakeSentry implements AutoCloseable {

  /** How the ingest answers. */
  enum Mode {
    OK,
    ERROR_500,
    TOO_MANY_429,
    /** Reads the request, then never answers until {@link #release()} (or close). */
    HANG
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final JsonSerializer serializer = new JsonSerializer(new SentryOptions());
  private final List<SentryEvent> events = new CopyOnWriteArrayList<>();
  private final List<String> failures = new CopyOnWriteArrayList<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger answered = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);
  private volatile Mode mode;

  FakeSentry() throws IOException {
    this(Mode.OK);
  }

  FakeSentry(Mode mode) throws IOException {
    this.mode = mode;
    this.executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "fake-sentry");
              t.setDaemon(true);
              return t;
            });
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/1/envelope/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String dsn() {
    return "http://key@127.0.0.1:" + server.getAddress().getPort() + "/1";
  }

  void mode(Mode mode) {
    this.mode = mode;
  }

  /** Lets every hanging request answer. */
  void release() {
    release.countDown();
  }

  /** Events received (in every mode), in arrival order. */
  List<SentryEvent> events() {
    return events;
  }

  /** Envelope requests received. */
  int requests() {
    return requests.get();
  }

  /** Requests answered so far. */
  int answered() {
    return answered.get();
  }

  /** Bodies that could not be read (should stay empty). */
  List<String> failures() {
    return failures;
  }

  /** Waits for an event matching {@code match} and returns it. */
  SentryEvent awaitEvent(Predicate<SentryEvent> match) {
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> events.stream().anyMatch(match));
    return events.stream().filter(match).findFirst().orElseThrow();
  }

  /** Waits for the first event whose message (formatted) equals {@code message}. */
  SentryEvent awaitMessage(String message) {
    return awaitEvent(e -> message.equals(formatted(e)));
  }

  static String formatted(SentryEvent event) {
    return Optional.ofNullable(event.getMessage()).map(m -> m.getFormatted()).orElse(null);
  }

  /** Whether any exception of {@code event} has the value (message) {@code value}. */
  static boolean hasException(SentryEvent event, String value) {
    return event.getExceptions() != null
        && event.getExceptions().stream().anyMatch(e -> value.equals(e.getValue()));
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      InputStream in = new ByteArrayInputStream(body);
      if (encoding != null && encoding.contains("gzip")) {
        in = new GZIPInputStream(in);
      }
      try {
        SentryEnvelope envelope = new EnvelopeReader(serializer).read(in);
        if (envelope != null) {
          for (SentryEnvelopeItem item : envelope.getItems()) {
            if (item.getHeader().getType() == SentryItemType.Event) {
              SentryEvent event = item.getEvent(serializer);
              if (event != null) {
                events.add(event);
              }
            }
          }
        }
      } catch (Exception e) {
        failures.add(String.valueOf(e));
      }
      Mode current = mode;
      if (current == Mode.HANG) {
        try {
          release.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      int status =
          switch (current) {
            case OK, HANG -> 200;
            case ERROR_500 -> 500;
            case TOO_MANY_429 -> 429;
          };
      if (current == Mode.TOO_MANY_429) {
        exchange.getResponseHeaders().add("Retry-After", "60");
      }
      byte[] answer = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, answer.length);
      exchange.getResponseBody().write(answer);
      answered.incrementAndGet();
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
