package dev.observability.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Work that only matters once meters are read, such as binding gauges over JVM state, run once, the
 * first time they are: a listing of the facade's registry ({@link FacadeMeterRegistry}), a scrape
 * (through the trigger a module keeps), or the end of {@code start()} when a registry that reads
 * its meters on its own schedule is present.
 *
 * <p>Thread-safe. A reader that arrives while the actions run waits for them, so that it sees their
 * meters; a read from inside an action (on the same thread) returns at once.
 */
public final class FirstMeterRead implements Runnable {

  private final List<Runnable> actions = new ArrayList<>();
  private volatile boolean done;
  private boolean running;

  /** Creates an instance with nothing to run. */
  public FirstMeterRead() {}

  /** Adds {@code action}; runs it now when the meters were already read. */
  public void add(Runnable action) {
    synchronized (this) {
      if (!done) {
        actions.add(action);
        return;
      }
    }
    action.run();
  }

  /** Runs the actions added so far, the first time only; cheap afterwards. */
  @Override
  public void run() {
    if (done) {
      return;
    }
    synchronized (this) {
      if (done || running) {
        return;
      }
      running = true;
      try {
        for (Runnable action : actions) {
          action.run();
        }
      } finally {
        actions.clear();
        running = false;
        done = true;
      }
    }
  }

  /** Whether the actions ran. */
  public boolean done() {
    return done;
  }
}
