package dev.observability.logging.internal;

import dev.observability.ServiceInfo;
import dev.observability.scrub.Scrubber;
import org.jspecify.annotations.Nullable;

/**
 * Where encoders created outside the module (from {@code logback.xml}, before the facade started)
 * find the scrubber and the service fields: those the running logging module published, else the
 * scrubber's default policy ({@link Scrubber#defaults()}) and {@link ServiceFields#UNKNOWN}. (The
 * facade is not asked directly: {@code Observability.current()} takes a lock that start-up holds,
 * and a log call must not wait for it.)
 *
 * <p>Thread-safe; reading costs one volatile read while the module runs.
 */
public final class LoggingRuntime {

  /** What the running module published. */
  public record State(Scrubber scrubber, ServiceFields service) {}

  private static volatile @Nullable State active;

  private LoggingRuntime() {}

  /** Publishes the running module's parts; returns the state to pass to {@link #deactivate}. */
  public static State activate(Scrubber scrubber, ServiceInfo service) {
    State state = new State(scrubber, ServiceFields.of(service));
    active = state;
    return state;
  }

  /** Withdraws {@code state} if it is still the published one. */
  public static void deactivate(State state) {
    if (active == state) {
      active = null;
    }
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
    return active;
  }
}
