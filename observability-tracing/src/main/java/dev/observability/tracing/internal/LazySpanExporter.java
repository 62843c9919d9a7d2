package dev.observability.tracing.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A span exporter built on its first use instead of at start-up. Building an OTLP exporter creates
 * its HTTP client, and the JDK's client sets up TLS (security providers, the trust store) even for
 * an {@code http://} endpoint: about a thousand classes and most of the tracing module's start-up
 * time. The export pipeline's worker makes the first call, so that cost moves off the thread that
 * starts the SDK and off request threads. The factory configures the builder too (about a dozen
 * classes more off the start); what the builder would refuse, an endpoint that is not an http or
 * https URL or a malformed header, is refused by the configuration's checks, so such an error still
 * fails the start.
 *
 * <p>Shut down before any export, it builds nothing. If building fails, the export fails (the
 * pipeline counts it) and the next call tries again.
 *
 * <p>Thread-safe.
 */
final class LazySpanExporter implements SpanExporter {

  private final Supplier<SpanExporter> factory;
  private final String description;
  private final Object lock = new Object();
  private @Nullable SpanExporter delegate;
  private boolean shutdown;

  /**
   * @param factory builds the exporter; called at most once successfully, on the first export
   * @param description what {@link #toString()} shows before the exporter is built
   */
  LazySpanExporter(Supplier<SpanExporter> factory, String description) {
    this.factory = Objects.requireNonNull(factory, "factory");
    this.description = Objects.requireNonNull(description, "description");
  }

  private @Nullable SpanExporter delegate() {
    synchronized (lock) {
      if (delegate == null && !shutdown) {
        delegate = outsideApplicationLoader(factory);
      }
      return delegate;
    }
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> spans) {
    SpanExporter exporter;
    try {
      exporter = delegate();
    } catch (RuntimeException e) {
      return CompletableResultCode.ofExceptionalFailure(e);
    }
    if (exporter == null) {
      return CompletableResultCode.ofFailure();
    }
    SpanExporter built = exporter;
    return outsideApplicationLoader(() -> built.export(spans));
  }

  /**
   * Runs {@code work} with the system class loader as the thread's context class loader. The JDK's
   * HTTP client starts its selector thread when it is built and its worker threads when it sends;
   * they inherit the context class loader of the thread that creates them. In a web application
   * that is the application's loader, and on Java 17 the client cannot be closed: its threads would
   * outlive the application (until the client is collected, and 60 s of idleness for the workers)
   * holding the application's class loader, which the container reports as a leak at undeploy.
   */
  private static <T> T outsideApplicationLoader(Supplier<T> work) {
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    thread.setContextClassLoader(ClassLoader.getSystemClassLoader());
    try {
      return work.get();
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  @Override
  public CompletableResultCode flush() {
    SpanExporter exporter;
    synchronized (lock) {
      exporter = delegate;
    }
    // Nothing was exported yet, so nothing is pending.
    return exporter == null ? CompletableResultCode.ofSuccess() : exporter.flush();
  }

  @Override
  public CompletableResultCode shutdown() {
    SpanExporter exporter;
    synchronized (lock) {
      shutdown = true;
      exporter = delegate;
    }
    return exporter == null ? CompletableResultCode.ofSuccess() : exporter.shutdown();
  }

  @Override
  public String toString() {
    SpanExporter exporter;
    synchronized (lock) {
      exporter = delegate;
    }
    return exporter == null ? description + " (not built yet)" : exporter.toString();
  }
}
