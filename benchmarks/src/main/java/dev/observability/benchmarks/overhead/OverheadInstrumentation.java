package dev.observability.benchmarks.overhead;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/**
 * What differs between the app's set-ups: how the child operation runs, what happens on the
 * requests chosen to report an error, and what the servlet context gets besides the app's own
 * servlets. The bare set-up (also the one the Java agent runs on) does nothing extra.
 *
 * <p>Implementations are thread-safe: {@link #child} and {@link #reportError} run on request
 * threads.
 */
interface OverheadInstrumentation extends AutoCloseable {

  /** Adds filters and servlets to the context before the server starts. */
  void install(ServletContextHandler context);

  /** Runs the child operation of request {@code n}. */
  OverheadWork.Item child(long n);

  /** Reports an error for request {@code n}, which still answers 200. */
  void reportError(long n);

  @Override
  void close();

  /** The bare set-up: the child runs as a plain call, errors are not reported. */
  static OverheadInstrumentation bare() {
    return new OverheadInstrumentation() {
      @Override
      public void install(ServletContextHandler context) {}

      @Override
      public OverheadWork.Item child(long n) {
        return OverheadWork.child(n);
      }

      @Override
      public void reportError(long n) {}

      @Override
      public void close() {}
    };
  }
}
