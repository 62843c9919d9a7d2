package dev.observability.errors.internal;

import java.io.PrintStream;
import org.jspecify.annotations.Nullable;

/**
 * The JVM's default uncaught-exception handler while the module runs: reports the exception that
 * ends a thread (at most once, like every capture point), then hands it to the handler that was
 * installed before, or prints it as the JVM would.
 *
 * <p>Threads with their own handler ({@code Thread.setUncaughtExceptionHandler}) bypass it, as they
 * bypass any default handler.
 *
 * <p>Thread-safe. {@link #close()} restores the previous handler if this one is still installed; if
 * something wrapped it meanwhile, it stays in place as a pass-through.
 */
public final class UncaughtExceptionCapture
    implements Thread.UncaughtExceptionHandler, AutoCloseable {

  private final ErrorTracker tracker;
  private final Thread.@Nullable UncaughtExceptionHandler previous;
  private volatile boolean active = true;

  private UncaughtExceptionCapture(
      ErrorTracker tracker, Thread.@Nullable UncaughtExceptionHandler previous) {
    this.tracker = tracker;
    this.previous = previous;
  }

  /** Installs a handler that wraps the current default handler. */
  public static UncaughtExceptionCapture install(ErrorTracker tracker) {
    UncaughtExceptionCapture handler =
        new UncaughtExceptionCapture(tracker, Thread.getDefaultUncaughtExceptionHandler());
    Thread.setDefaultUncaughtExceptionHandler(handler);
    return handler;
  }

  @Override
  public void uncaughtException(Thread thread, Throwable error) {
    if (active) {
      try {
        tracker.onUncaught(thread, error);
      } catch (RuntimeException | LinkageError ignored) {
        // The tracker counts its own failures; the previous handler must run whatever happens.
      }
    }
    Thread.UncaughtExceptionHandler next = previous;
    if (next != null) {
      next.uncaughtException(thread, error);
    } else if (!(error instanceof ThreadDeath)) {
      PrintStream err = System.err;
      err.print("Exception in thread \"" + thread.getName() + "\" ");
      error.printStackTrace(err);
    }
  }

  @Override
  public void close() {
    active = false;
    if (Thread.getDefaultUncaughtExceptionHandler() == this) {
      Thread.setDefaultUncaughtExceptionHandler(previous);
    }
  }
}
