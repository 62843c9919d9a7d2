package dev.observability.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes registered resources in reverse order of registration, on a separate thread, waiting at
 * most the configured time in all; and owns the JVM shutdown hook.
 */
public final class Shutdown {

  private static final Logger logger = LoggerFactory.getLogger(Shutdown.class);

  private final Duration timeout;
  private final Deque<AutoCloseable> closeables = new ArrayDeque<>();
  private @Nullable Thread hook;

  /** Creates a shutdown that waits at most {@code timeout}. */
  public Shutdown(Duration timeout) {
    this.timeout = timeout;
  }

  /** Registers a resource; the last registered is closed first. */
  public synchronized void add(AutoCloseable closeable) {
    closeables.push(closeable);
  }

  /** Registers a JVM shutdown hook that runs {@code action}. */
  public synchronized void registerHook(Runnable action) {
    Thread thread = new Thread(action, "observability-shutdown-hook");
    Runtime.getRuntime().addShutdownHook(thread);
    hook = thread;
  }

  /**
   * Closes everything registered, in reverse order, and removes the hook. Returns when all are
   * closed or when the timeout has passed, whichever is first; a resource that throws is logged and
   * the next one is closed.
   */
  public void run() {
    Deque<AutoCloseable> toClose;
    Thread registeredHook;
    synchronized (this) {
      toClose = new ArrayDeque<>(closeables);
      closeables.clear();
      registeredHook = hook;
      hook = null;
    }
    if (registeredHook != null && Thread.currentThread() != registeredHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(registeredHook);
      } catch (IllegalStateException alreadyShuttingDown) {
        // The JVM is exiting; the hook is running or about to, and close() is idempotent.
      }
    }
    if (toClose.isEmpty()) {
      return;
    }
    Thread closer =
        new Thread(
            () -> {
              for (AutoCloseable closeable : toClose) {
                try {
                  closeable.close();
                } catch (Exception | LinkageError e) {
                  logger.warn("observability: failed to close {}", closeable, e);
                }
              }
            },
            "observability-close");
    closer.setDaemon(true);
    closer.start();
    try {
      closer.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      logger.warn(
          "observability: close() gave up after {} ms; unflushed data is lost",
          TimeUnit.MILLISECONDS.convert(timeout));
    }
  }
}
