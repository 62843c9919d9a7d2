package dev.observability.internal;

import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jspecify.annotations.Nullable;

/**
 * The instance's {@link ObservationRegistry}: Micrometer's own registry in every respect (its
 * thread-local current scope, its configuration). Once the SDK's modules have started, and while
 * Micrometer's context-propagation library (which resets and re-activates scopes assuming they are
 * all Micrometer's own) is not on the class path, {@link #observation} returns a {@link
 * DirectObservation}: what Micrometer's own observation would do with the registry's handlers,
 * predicates, global conventions and filters, without its per-observation bookkeeping. Whatever is
 * added to the configuration later (a host's handler, Spring Boot's predicates and filters) applies
 * to the direct observations created from then on, as it does to Micrometer's; with more than
 * {@value DirectObservation#MAX_HANDLERS} handlers, every observation is Micrometer's own.
 *
 * <p>Thread-safe.
 */
public final class FacadeObservationRegistry implements ObservationRegistry {

  private static final boolean CONTEXT_PROPAGATION =
      present("io.micrometer.context.ContextRegistry");

  /** Micrometer's registry, for the current observation scope of each thread. */
  private final ObservationRegistry scopes = ObservationRegistry.create();

  private final Config config = new Config();

  /** What direct observations call, or null while observations must be Micrometer's. */
  private volatile DirectObservation.@Nullable Plan plan;

  /** Creates an empty registry: a no-op until a handler is added. */
  public FacadeObservationRegistry() {}

  /**
   * The innermost direct observation scope open on each thread. Direct scopes are not Micrometer's
   * current scope (Micrometer's scopes expect every scope before them to be one of their own): each
   * remembers which of Micrometer's scopes was current when it opened, and is the current
   * observation while that one still is.
   */
  private final ThreadLocal<@Nullable DirectFrame> frames = new ThreadLocal<>();

  /**
   * The current observation: the innermost direct scope's, unless one of Micrometer's scopes was
   * opened inside it, and else Micrometer's current one.
   */
  @Override
  public @Nullable Observation getCurrentObservation() {
    Observation.Scope micrometer = scopes.getCurrentObservationScope();
    DirectFrame top = frames.get();
    if (top != null && top.micrometerScope() == micrometer) {
      return top.observation();
    }
    return micrometer == null ? null : micrometer.getCurrentObservation();
  }

  /** Micrometer's current scope: the scopes of Micrometer's own observations only. */
  @Override
  public Observation.@Nullable Scope getCurrentObservationScope() {
    return scopes.getCurrentObservationScope();
  }

  /** Makes {@code frame} the innermost direct scope of this thread. */
  void push(DirectFrame frame) {
    frames.set(frame);
  }

  /** The innermost direct scope of this thread, or null. */
  @Nullable DirectFrame top() {
    return frames.get();
  }

  /**
   * Ends {@code frame} on this thread: its predecessor is the innermost again; a frame closed out
   * of order (an outer one before an inner one) is taken out of the chain.
   */
  void pop(DirectFrame frame) {
    DirectFrame top = frames.get();
    if (top == frame) {
      // Set to null rather than removed when the last one ends: the thread's entry is kept, so the
      // next request's scope allocates none (a null value holds no class of the application).
      frames.set(frame.previousFrame());
      return;
    }
    DirectFrame current = top;
    int depth = 0;
    while (current != null && depth++ < 1024) {
      DirectFrame previous = current.previousFrame();
      if (previous == frame) {
        current.unlink(frame.previousFrame());
        return;
      }
      current = previous;
    }
  }

  @Override
  public void setCurrentObservationScope(Observation.@Nullable Scope current) {
    scopes.setCurrentObservationScope(current);
  }

  @Override
  public ObservationConfig observationConfig() {
    return config;
  }

  /** As Micrometer's registry: a no-op while no handler is registered. */
  @Override
  public boolean isNoop() {
    return config.handlers.isEmpty();
  }

  /**
   * Marks the modules' set-up as done: observations are direct ones from now on, with what is
   * registered so far and whatever is registered later. Called once the modules have started.
   */
  public void seal() {
    synchronized (config) {
      config.sealed = true;
      config.replan();
    }
  }

  /** Whether observations are currently direct ones. */
  public boolean isDirect() {
    return plan != null;
  }

  /**
   * A new, not yet started observation of {@code context} under {@code name}: a direct one once the
   * modules have started, else Micrometer's; as Micrometer's, a no-op when no handler is registered
   * or a predicate refuses it.
   */
  public Observation observation(String name, Observation.Context context) {
    DirectObservation.Plan p = plan;
    if (p != null) {
      return DirectObservation.create(p, name, context);
    }
    return Observation.createNotStarted(name, () -> context, this);
  }

  /**
   * A new, not yet started observation of {@code context} under {@code name} on {@code registry}:
   * {@link #observation} when it is an instance's registry, else Micrometer's {@code
   * Observation.createNotStarted(name, () -> context, registry)}.
   */
  public static Observation createNotStarted(
      String name, Observation.Context context, ObservationRegistry registry) {
    if (registry instanceof FacadeObservationRegistry facade) {
      return facade.observation(name, context);
    }
    return Observation.createNotStarted(name, () -> context, registry);
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, FacadeObservationRegistry.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /**
   * Micrometer's configuration, which also keeps what it holds in order, to plan direct
   * observations with, and plans them again at each change once the modules have started.
   */
  private final class Config extends ObservationConfig {
    final List<ObservationHandler<?>> handlers = new CopyOnWriteArrayList<>();
    final List<ObservationFilter> filters = new CopyOnWriteArrayList<>();
    final List<ObservationPredicate> predicates = new CopyOnWriteArrayList<>();
    final List<GlobalObservationConvention<?>> conventions = new CopyOnWriteArrayList<>();
    boolean sealed;

    @Override
    public ObservationConfig observationHandler(ObservationHandler<?> handler) {
      synchronized (this) {
        super.observationHandler(handler);
        handlers.add(handler);
        changed();
      }
      return this;
    }

    @Override
    public ObservationConfig observationFilter(ObservationFilter filter) {
      synchronized (this) {
        super.observationFilter(filter);
        filters.add(filter);
        changed();
      }
      return this;
    }

    @Override
    public ObservationConfig observationPredicate(ObservationPredicate predicate) {
      synchronized (this) {
        super.observationPredicate(predicate);
        predicates.add(predicate);
        changed();
      }
      return this;
    }

    @Override
    public ObservationConfig observationConvention(GlobalObservationConvention<?> convention) {
      synchronized (this) {
        super.observationConvention(convention);
        conventions.add(convention);
        changed();
      }
      return this;
    }

    private void changed() {
      if (sealed) {
        replan();
      }
    }

    /** Under this object's lock. Without handlers, Micrometer's no-op observation costs less. */
    void replan() {
      plan =
          !CONTEXT_PROPAGATION
                  && !handlers.isEmpty()
                  && handlers.size() <= DirectObservation.MAX_HANDLERS
              ? DirectObservation.plan(
                  FacadeObservationRegistry.this, handlers, filters, predicates, conventions)
              : null;
    }
  }
}
