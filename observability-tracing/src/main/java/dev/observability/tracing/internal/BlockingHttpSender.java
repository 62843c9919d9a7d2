package dev.observability.tracing.internal;

import io.opentelemetry.api.impl.InstrumentationUtil;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.URLConnection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.HttpsURLConnection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;

/**
 * Sends OTLP/HTTP requests on the calling thread with the JDK's {@link HttpURLConnection}, whose
 * keep-alive cache keeps one connection to the collector open between exports.
 *
 * <p>The export thread calls {@link #send} and the exchange runs to its end before it returns:
 * marshalling into a reused buffer, one write of the body, one read of the response, and the
 * retries of the {@link RetryPolicy}. OpenTelemetry's JDK sender hands each export to an executor
 * thread, whose {@code java.net.http.HttpClient} then passes it between its selector thread and its
 * worker threads; on a service with one core, those wake-ups take the core from request threads
 * several times per export. Here one thread does the work, and waits in blocking reads.
 *
 * <p>Every attempt is bounded by what remains of the export's timeout: the connect and read
 * timeouts are set to it, and a watchdog thread, which wakes a few times per timeout, disconnects
 * an exchange that is still running when its time is up (a collector that stops reading would
 * otherwise block the body's write for as long as TCP lets it). Retries follow OpenTelemetry's JDK
 * sender: the status codes 429, 502, 503 and 504 and any {@link IOException} but an {@link
 * SSLException} are retried, with jittered exponential backoff, or after the response's {@code
 * Retry-After} seconds when that is sooner than the timeout.
 *
 * <p>Thread-safe: exchanges run one at a time.
 */
final class BlockingHttpSender implements HttpSender {

  private static final Set<Integer> RETRYABLE_STATUS = Set.of(429, 502, 503, 504);
  private static final Duration WATCHDOG_MIN_PERIOD = Duration.ofMillis(50);
  private static final Duration WATCHDOG_MAX_PERIOD = Duration.ofSeconds(1);

  /**
   * A component loader for OpenTelemetry's OTLP/HTTP exporter builders: loads service providers as
   * usual, except that the HTTP sender is always this one, whatever else the class path offers
   * (OkHttp, added for gRPC, provides one).
   */
  static ComponentLoader loader() {
    return new ComponentLoader() {
      private final ComponentLoader delegate =
          ComponentLoader.forClassLoader(BlockingHttpSender.class.getClassLoader());

      @Override
      public <T> Iterable<T> load(Class<T> type) {
        if (type == HttpSenderProvider.class) {
          HttpSenderProvider provider = BlockingHttpSender::new;
          return List.of(type.cast(provider));
        }
        return delegate.load(type);
      }
    };
  }

  private final URL url;
  private final String contentType;
  private final @Nullable Compressor compressor;
  private final long timeoutNanos;
  private final int connectTimeoutMillis;
  private final Supplier<Map<String, List<String>>> headers;
  private final @Nullable RetryPolicy retryPolicy;
  private final Predicate<IOException> retryable;
  private final @Nullable SSLContext sslContext;
  private final URI endpoint;
  private final long maxResponseBodySize;
  private final ByteArrayOutputStream body = new ByteArrayOutputStream(8192);
  private final Watchdog watchdog;

  private BlockingHttpSender(HttpSenderConfig config) {
    this.endpoint = config.getEndpoint();
    try {
      this.url = config.getEndpoint().toURL();
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("not a URL: " + config.getEndpoint(), e);
    }
    this.contentType = config.getContentType();
    this.compressor = config.getCompressor();
    this.timeoutNanos = config.getTimeout().toNanos();
    this.connectTimeoutMillis = millis(config.getConnectTimeout().toNanos());
    this.headers = config.getHeadersSupplier();
    this.retryPolicy = config.getRetryPolicy();
    Predicate<IOException> predicate =
        retryPolicy == null ? null : retryPolicy.getRetryExceptionPredicate();
    this.retryable = predicate != null ? predicate : e -> !(e instanceof SSLException);
    this.sslContext = config.getSslContext();
    this.maxResponseBodySize = config.getMaxResponseBodySize();
    long period = timeoutNanos / 8;
    this.watchdog =
        new Watchdog(
            Math.max(
                WATCHDOG_MIN_PERIOD.toNanos(), Math.min(WATCHDOG_MAX_PERIOD.toNanos(), period)));
    if (config.getProxyOptions() != null) {
      throw new IllegalArgumentException("proxy options are not supported by this sender");
    }
    List<String> protocols = config.getEnabledProtocols();
    if (protocols != null && !protocols.isEmpty()) {
      throw new IllegalArgumentException("TLS protocols are not configurable with this sender");
    }
  }

  @Override
  public void send(
      MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
    // An agent's HttpURLConnection instrumentation must not trace the export's own requests.
    InstrumentationUtil.suppressInstrumentation(
        () -> {
          HttpResponse response;
          try {
            response = exchange(writer);
          } catch (IOException | RuntimeException e) {
            onError.accept(e);
            return;
          }
          onResponse.accept(response);
        });
  }

  private synchronized HttpResponse exchange(MessageWriter writer) throws IOException {
    long start = System.nanoTime();
    body.reset();
    if (compressor != null) {
      try (OutputStream compressed = compressor.compress(body)) {
        writer.writeMessage(compressed);
      }
    } else {
      writer.writeMessage(body);
    }
    return attempts(start, headers.get());
  }

  private HttpResponse attempts(long start, @Nullable Map<String, List<String>> extra)
      throws IOException {
    if (retryPolicy == null) {
      return attempt(start + timeoutNanos, extra);
    }
    long deadline = start + timeoutNanos;
    long backoff = retryPolicy.getInitialBackoff().toNanos();
    long maxBackoff = retryPolicy.getMaxBackoff().toNanos();
    int attempt = 0;
    while (true) {
      long wait;
      try {
        Response response = attempt(deadline, extra);
        if (!RETRYABLE_STATUS.contains(response.status)) {
          return response;
        }
        if (attempt + 1 >= retryPolicy.getMaxAttempts()) {
          return response;
        }
        long current = Math.min(backoff, maxBackoff);
        wait =
            response.retryAfterNanos >= 0
                ? response.retryAfterNanos
                : (long) (ThreadLocalRandom.current().nextDouble(0.8d, 1.2d) * current);
        if (System.nanoTime() + wait - deadline >= 0) {
          return response;
        }
      } catch (IOException e) {
        if (!retryable.test(e) || attempt + 1 >= retryPolicy.getMaxAttempts()) {
          throw e;
        }
        long current = Math.min(backoff, maxBackoff);
        wait = (long) (ThreadLocalRandom.current().nextDouble(0.8d, 1.2d) * current);
        if (System.nanoTime() + wait - deadline >= 0) {
          throw e;
        }
      }
      backoff = (long) (Math.min(backoff, maxBackoff) * retryPolicy.getBackoffMultiplier());
      attempt++;
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted between export attempts");
      }
    }
  }

  private Response attempt(long deadline, @Nullable Map<String, List<String>> extra)
      throws IOException {
    long remaining = deadline - System.nanoTime();
    if (remaining <= 0) {
      throw new IOException("export timed out before the request was sent");
    }
    HttpURLConnection connection = open();
    Watchdog.Exchange exchange = watchdog.watch(connection, deadline);
    try {
      connection.setConnectTimeout(Math.min(connectTimeoutMillis, millis(remaining)));
      connection.setReadTimeout(millis(remaining));
      connection.setRequestMethod("POST");
      connection.setInstanceFollowRedirects(false);
      connection.setUseCaches(false);
      connection.setDoOutput(true);
      if (extra != null) {
        extra.forEach(
            (name, values) -> {
              for (String value : values) {
                connection.addRequestProperty(name, value);
              }
            });
      }
      connection.setRequestProperty("Content-Type", contentType);
      if (compressor != null) {
        connection.setRequestProperty("Content-Encoding", compressor.getEncoding());
      }
      connection.setFixedLengthStreamingMode(body.size());
      try (OutputStream out = connection.getOutputStream()) {
        body.writeTo(out);
      }
      int status = connection.getResponseCode();
      byte[] bytes = readBody(connection, status);
      return new Response(
          status,
          connection.getResponseMessage(),
          bytes,
          retryAfterNanos(connection.getHeaderField("Retry-After")));
    } catch (IOException e) {
      connection.disconnect();
      throw exchange.expired() ? new IOException("export timed out", e) : e;
    } finally {
      watchdog.done(exchange);
    }
  }

  private HttpURLConnection open() throws IOException {
    URLConnection connection = url.openConnection();
    if (sslContext != null && connection instanceof HttpsURLConnection https) {
      https.setSSLSocketFactory(sslContext.getSocketFactory());
    }
    return (HttpURLConnection) connection;
  }

  private byte[] readBody(HttpURLConnection connection, int status) throws IOException {
    InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
    if (in == null) {
      return new byte[0];
    }
    if ("gzip".equalsIgnoreCase(connection.getContentEncoding())) {
      in = new GZIPInputStream(in);
    }
    try (InputStream body = in) {
      byte[] bytes = body.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxResponseBodySize));
      if (body.read() != -1) {
        // Not read to its end, the connection cannot be reused.
        connection.disconnect();
        throw new IOException("response body larger than " + maxResponseBodySize + " bytes");
      }
      return bytes;
    }
  }

  private static long retryAfterNanos(@Nullable String value) {
    if (value == null) {
      return -1;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      return seconds < 0 ? -1 : TimeUnit.SECONDS.toNanos(seconds);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static int millis(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  @Override
  public CompletableResultCode shutdown() {
    watchdog.stop();
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public String toString() {
    return "BlockingHttpSender{" + endpoint + "}";
  }

  private record Response(int status, String message, byte[] body, long retryAfterNanos)
      implements HttpResponse {
    private Response {
      message = message == null ? String.valueOf(status) : message;
    }

    @Override
    public int getStatusCode() {
      return status;
    }

    @Override
    public String getStatusMessage() {
      return message;
    }

    @Override
    public byte[] getResponseBody() {
      return body;
    }
  }

  /**
   * Disconnects an exchange that outlives its deadline. One daemon thread, started with the first
   * exchange, that checks the running exchange every period and otherwise sleeps: an exchange costs
   * it no wake-up.
   */
  static final class Watchdog implements Runnable {

    /** One exchange under watch. */
    static final class Exchange {
      private final HttpURLConnection connection;
      private final long deadline;
      private volatile boolean expired;

      Exchange(HttpURLConnection connection, long deadline) {
        this.connection = connection;
        this.deadline = deadline;
      }

      boolean expired() {
        return expired;
      }
    }

    private final long periodNanos;
    private volatile @Nullable Exchange running;
    private volatile boolean stopped;
    private @Nullable Thread thread;

    Watchdog(long periodNanos) {
      this.periodNanos = periodNanos;
    }

    synchronized Exchange watch(HttpURLConnection connection, long deadline) {
      Exchange exchange = new Exchange(connection, deadline);
      running = exchange;
      if (thread == null && !stopped) {
        Thread started = new Thread(this, "observability-tracing-export-watchdog");
        started.setDaemon(true);
        started.start();
        thread = started;
      }
      return exchange;
    }

    void done(Exchange exchange) {
      if (running == exchange) {
        running = null;
      }
    }

    synchronized void stop() {
      stopped = true;
      if (thread != null) {
        LockSupport.unpark(thread);
      }
    }

    @Override
    public void run() {
      while (!stopped) {
        LockSupport.parkNanos(this, periodNanos);
        Exchange exchange = running;
        if (exchange != null && System.nanoTime() - exchange.deadline >= 0) {
          exchange.expired = true;
          exchange.connection.disconnect();
        }
      }
    }
  }
}
