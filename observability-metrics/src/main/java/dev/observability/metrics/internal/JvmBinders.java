package dev.observability.metrics.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import org.jspecify.annotations.Nullable;

/**
 * Micrometer's JVM and process binders, bound on demand: memory, GC (closed with the instance),
 * threads, class loading, CPU, file descriptors, uptime. Nothing is created before {@link #bind()},
 * so that an instance whose meters are never read never loads them.
 *
 * <p>Thread-safe: {@link #bind()} binds once; {@link #close()} stops the GC binder, also while a
 * bind is under way.
 */
public final class JvmBinders implements AutoCloseable {

  private final MeterRegistry registry;
  private boolean bound;
  private boolean closed;
  private @Nullable JvmGcMetrics gc;

  /** Binders for {@code registry}, not bound yet. */
  public JvmBinders(MeterRegistry registry) {
    this.registry = registry;
  }

  /** Binds every binder to the registry, the first time only; does nothing once closed. */
  public synchronized void bind() {
    if (bound || closed) {
      return;
    }
    bound = true;
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gcMetrics = new JvmGcMetrics();
    gc = gcMetrics;
    gcMetrics.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }

  /** Whether {@link #bind()} ran. */
  public synchronized boolean isBound() {
    return bound;
  }

  /** Stops the GC binder's notification listeners, if it was bound. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    JvmGcMetrics gcMetrics = gc;
    gc = null;
    if (gcMetrics != null) {
      gcMetrics.close();
    }
  }
}
