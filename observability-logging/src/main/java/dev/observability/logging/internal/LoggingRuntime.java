package dev.observability.logging.internal;

import dev.observability.Observability;
import dev.observability.ServiceInfo;
import dev.observability.scrub.Scrubber;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where encoders created outside the module (from {@code logback.xml}, before the facade started)
 * find the scrubber and the service fields: the running logging module's, else the running
 * instance's, else the scrubber's default policy ({@link Scrubber#defaults()}) and {@link
 * ServiceFields#UNKNOWN}.
 *
 * <p>Thread-safe; reading costs one volatile read while the module runs.
 */
public final class LoggingRuntime {

  /** What the running module published. */
  public record State(Scrubber scrubber, ServiceFields service) {}

  private static final long RECHECK_NANOS = 1_000_000_000L;

  private static volatile @Nullable State active;
  private static volatile @Nullable State lookedUp;
  private static volatile long lookedUpAt;

  private LoggingRuntime() {}

  /** Publishes the running module's parts; returns the state to pass to {@link #deactivate}. */
  public static State activate(Scrubber scrubber, ServiceInfo service) {
    State state = new State(scrubber, ServiceFields.of(service));
    active = state;
    lookedUp = null;
    return state;
  }

  /** Withdraws {@code state} if it is still the published one. */
  public static void deactivate(State state) {
    if (active == state) {
      active = null;
    }
    lookedUp = null;
  }

  /** The scrubber to use when the encoder was given none. */
  public static Scrubber scrubber() {
    State state = current();
    if (state != null) {
      return state.scrubber();
    }
    // No instance: the scrubber's default policy, never a scrubber that masks nothing.
    return Scrubber.defaults();
  }

  /** The service fields to use when the encoder was given none. */
  public static ServiceFields service() {
    State state = current();
    return state != null ? state.service() : ServiceFields.UNKNOWN;
  }

  private static @Nullable State current() {
    State state = active;
    if (state != null) {
      return state;
    }
    // The logging module is not running (disabled, or not started yet): look at the facade, but
    // not more than once a second, because Observability.current() takes a lock.
    long now = System.nanoTime();
    State cached = lookedUp;
    if (now - lookedUpAt < RECHECK_NANOS && lookedUpAt != 0) {
      return cached;
    }
    lookedUpAt = now == 0 ? 1 : now;
    Optional<Observability> running;
    try {
      running = Observability.current();
    } catch (RuntimeException | LinkageError e) {
      running = Optional.empty();
    }
    State found =
        running
            .filter(o -> !o.isClosed())
            .map(o -> new State(o.scrubber(), ServiceFields.of(o.service())))
            .orElse(null);
    lookedUp = found;
    return found;
  }
}
