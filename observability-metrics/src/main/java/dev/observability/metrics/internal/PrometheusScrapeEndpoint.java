package dev.observability.metrics.internal;

import dev.observability.EndpointResponse;
import dev.observability.ScrapeEndpoint;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Renders the Prometheus registry for {@code /metrics}, in the format and compression the request
 * asks for ({@link ContentNegotiation}). Every response says {@code Vary: Accept, Accept-Encoding}.
 * A failure while rendering answers 500 and is counted in {@code
 * observability_internal_errors_total{component="metrics"}}; it never throws.
 *
 * <p>Thread-safe; each call renders into its own buffer.
 */
public final class PrometheusScrapeEndpoint implements ScrapeEndpoint {

  /** Writes the registry in a format named by its content type. */
  @FunctionalInterface
  public interface Writer {
    /** Writes every metric to {@code out} in the format of {@code contentType}. */
    void write(OutputStream out, String contentType) throws IOException;
  }

  static final String VARY = "Accept, Accept-Encoding";

  private static final int MAX_INITIAL_BUFFER = 4 << 20;

  private final Writer writer;
  private final BiConsumer<String, Throwable> errors;
  private volatile int lastSize = 16 * 1024;

  /**
   * Creates an endpoint for {@code registry}.
   *
   * @param errors receives rendering failures as (component, error)
   */
  public PrometheusScrapeEndpoint(
      PrometheusMeterRegistry registry, BiConsumer<String, Throwable> errors) {
    this(registry::scrape, errors);
  }

  /** Creates an endpoint around any writer; for tests. */
  public PrometheusScrapeEndpoint(Writer writer, BiConsumer<String, Throwable> errors) {
    this.writer = writer;
    this.errors = errors;
  }

  @Override
  public EndpointResponse scrape(@Nullable String accept, @Nullable String acceptEncoding) {
    ContentNegotiation.Format format = ContentNegotiation.format(accept);
    boolean gzip = ContentNegotiation.gzip(acceptEncoding);
    try {
      ByteArrayOutputStream buffer =
          new ByteArrayOutputStream(Math.min(MAX_INITIAL_BUFFER, lastSize + lastSize / 4));
      if (gzip) {
        try (GZIPOutputStream out = new GZIPOutputStream(buffer, 8192)) {
          writer.write(out, format.contentType());
        }
      } else {
        writer.write(buffer, format.contentType());
        lastSize = buffer.size();
      }
      Map<String, String> headers =
          gzip ? Map.of("Content-Encoding", "gzip", "Vary", VARY) : Map.of("Vary", VARY);
      return new EndpointResponse(200, format.contentType(), buffer.toByteArray(), headers);
    } catch (IOException | RuntimeException e) {
      errors.accept("metrics", e);
      return new EndpointResponse(
          500,
          "text/plain; charset=utf-8",
          ("metrics could not be rendered; the failure is counted in"
                  + " observability_internal_errors_total{component=\"metrics\"}\n")
              .getBytes(java.nio.charset.StandardCharsets.UTF_8),
          Map.of("Vary", VARY));
    }
  }
}
