package dev.observability.internal;

import io.micrometer.common.KeyValue;
import io.micrometer.common.util.StringUtils;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.ObservationFilter;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An observation that calls the registry's handlers itself: what Micrometer's own observation does,
 * in the same order and with the same context, without its per-observation bookkeeping (a queue of
 * the handlers that support the context, a map of scopes by thread, a scope object per opening).
 *
 * <p>At creation, as Micrometer's observation: the context's parent is set to the current
 * observation, and the registry's predicates are asked in turn (on the first refusal the result is
 * the no-op observation Micrometer hands out then); the context is named, the first of the
 * registry's global conventions that supports it is taken, and the handlers that support it are
 * remembered. {@link #start()}, {@link #error}, {@link #event} and {@link #openScope()} notify them
 * in registration order; closing a scope and {@link #stop()} in reverse order, {@code stop()} after
 * the registry's filters mapped the context. The calls go through {@link HandlerSlots}, which gives
 * each handler call sites of its own; a module's handler that throws is counted against its module,
 * as its {@link SafeObservationHandler} would. An open scope makes this observation the registry's
 * current one (see {@link FacadeObservationRegistry}) until it closes; Micrometer's own current
 * scope is left as it is, since Micrometer's scopes assume that every scope before them is one of
 * theirs. The first scope open at a time is this object itself; a second one, nested or on another
 * thread, is an object of its own.
 *
 * <p>Used by {@link FacadeObservationRegistry} once the modules have started. Thread-safe as
 * Micrometer's observation is: a scope is closed on the thread that opened it.
 */
public final class DirectObservation implements Observation, Observation.Scope, DirectFrame {

  /** The most handlers a direct observation calls: the SDK's own are fewer than ten. */
  static final int MAX_HANDLERS = 32;

  private static final VarHandle INLINE_SCOPE;

  /**
   * What Micrometer hands out for an observation a predicate refuses: a no-op whose scopes change
   * nothing (the same instance as for a no-op registry).
   */
  private static final Observation REFUSED =
      Observation.createNotStarted("refused", ObservationRegistry.NOOP);

  static {
    try {
      INLINE_SCOPE =
          MethodHandles.lookup().findVarHandle(DirectObservation.class, "inlineScope", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Plan plan;
  private final Observation.Context context;
  private final int supported;
  private @Nullable ObservationConvention<Observation.Context> convention;

  /** 1 while this object is an open scope. */
  @SuppressWarnings("unused") // through INLINE_SCOPE
  private volatile int inlineScope;

  /** While this object is an open scope: the frames it follows; owned by the opening thread. */
  private @Nullable DirectFrame previousFrame;

  private Observation.@Nullable Scope micrometerScope;

  /**
   * What every direct observation of a registry calls: its configuration as registered.
   *
   * @param registry the registry whose current scope the observations set
   * @param handlers the handlers, in registration order (at most 32, one bit each in an {@code
   *     int})
   * @param filters the filters, in registration order
   * @param predicates the predicates, in registration order
   * @param conventions the global conventions, in registration order
   */
  record Plan(
      FacadeObservationRegistry registry,
      HandlerSlots handlers,
      ObservationFilter[] filters,
      ObservationPredicate[] predicates,
      GlobalObservationConvention<?>[] conventions) {}

  static Plan plan(
      FacadeObservationRegistry registry,
      List<ObservationHandler<?>> handlers,
      List<ObservationFilter> filters,
      List<ObservationPredicate> predicates,
      List<GlobalObservationConvention<?>> conventions) {
    if (handlers.size() > MAX_HANDLERS) {
      throw new IllegalArgumentException(
          "at most " + MAX_HANDLERS + " handlers, not " + handlers.size());
    }
    return new Plan(
        registry,
        new HandlerSlots(handlers),
        filters.toArray(new ObservationFilter[0]),
        predicates.toArray(new ObservationPredicate[0]),
        conventions.toArray(new GlobalObservationConvention<?>[0]));
  }

  /**
   * A new observation of {@code context} under {@code name}, or the no-op one if a predicate of the
   * plan refuses it; what Micrometer's {@code Observation.createNotStarted(name, () -> context,
   * registry)} does, in the same order.
   */
  static Observation create(Plan plan, String name, Observation.Context context) {
    Observation current = plan.registry.getCurrentObservation();
    if (current != null) {
      context.setParentObservation(current);
    }
    for (ObservationPredicate predicate : plan.predicates) {
      if (!predicate.test(name, context)) {
        return REFUSED;
      }
    }
    return new DirectObservation(plan, name, context);
  }

  @SuppressWarnings("unchecked")
  private DirectObservation(Plan plan, String name, Observation.Context context) {
    this.plan = plan;
    this.context = context;
    context.setName(name);
    for (GlobalObservationConvention<?> global : plan.conventions) {
      if (global.supportsContext(context)) {
        this.convention = (ObservationConvention<Observation.Context>) global;
        break;
      }
    }
    this.supported = plan.handlers.supporting(context);
  }

  @Override
  public Observation contextualName(@Nullable String contextualName) {
    context.setContextualName(contextualName);
    return this;
  }

  @Override
  public Observation parentObservation(@Nullable Observation parentObservation) {
    context.setParentObservation(parentObservation);
    return this;
  }

  @Override
  public Observation lowCardinalityKeyValue(KeyValue keyValue) {
    context.addLowCardinalityKeyValue(keyValue);
    return this;
  }

  @Override
  public Observation highCardinalityKeyValue(KeyValue keyValue) {
    context.addHighCardinalityKeyValue(keyValue);
    return this;
  }

  @Override
  @SuppressWarnings("unchecked")
  public Observation observationConvention(ObservationConvention<?> convention) {
    if (convention.supportsContext(context)) {
      this.convention = (ObservationConvention<Observation.Context>) convention;
    }
    return this;
  }

  @Override
  public Observation error(Throwable error) {
    context.setError(error);
    plan.handlers.error(supported, context);
    return this;
  }

  @Override
  public Observation event(Observation.Event event) {
    plan.handlers.event(supported, event, context);
    return this;
  }

  @Override
  public Observation start() {
    ObservationConvention<Observation.Context> c = convention;
    if (c != null) {
      context.addLowCardinalityKeyValues(c.getLowCardinalityKeyValues(context));
      context.addHighCardinalityKeyValues(c.getHighCardinalityKeyValues(context));
      String newName = c.getName();
      if (StringUtils.isNotBlank(newName)) {
        context.setName(newName);
      }
    }
    if (context instanceof CompactContext compact) {
      compact.markStarted(System.nanoTime());
    }
    plan.handlers.start(supported, context);
    return this;
  }

  @Override
  public Observation.Context getContext() {
    return context;
  }

  @Override
  public Observation.ContextView getContextView() {
    return context;
  }

  @Override
  public ObservationRegistry getObservationRegistry() {
    return plan.registry;
  }

  @Override
  public void stop() {
    ObservationConvention<Observation.Context> c = convention;
    if (c != null) {
      context.addLowCardinalityKeyValues(c.getLowCardinalityKeyValues(context));
      context.addHighCardinalityKeyValues(c.getHighCardinalityKeyValues(context));
      String newContextualName = c.getContextualName(context);
      if (StringUtils.isNotBlank(newContextualName)) {
        context.setContextualName(newContextualName);
      }
    }
    if (context instanceof CompactContext compact) {
      compact.markStopped(System.nanoTime());
    }
    Observation.Context mapped = context;
    for (ObservationFilter filter : plan.filters) {
      mapped = filter.map(mapped);
    }
    plan.handlers.stop(supported, mapped);
  }

  @Override
  public Observation.Scope openScope() {
    Observation.Scope scope;
    FacadeObservationRegistry registry = plan.registry;
    if (INLINE_SCOPE.compareAndSet(this, 0, 1)) {
      previousFrame = registry.top();
      micrometerScope = registry.getCurrentObservationScope();
      registry.push(this);
      scope = this;
    } else {
      scope = new NestedScope(this);
    }
    notifyScopeOpened();
    return scope;
  }

  private void notifyScopeOpened() {
    plan.handlers.scopeOpened(supported, context);
  }

  private void notifyScopeClosed() {
    plan.handlers.scopeClosed(supported, context);
  }

  private void notifyScopeReset() {
    plan.handlers.scopeReset(supported, context);
  }

  // This object as the first open scope, and its frame.

  @Override
  public DirectObservation observation() {
    return this;
  }

  @Override
  public @Nullable DirectFrame previousFrame() {
    return previousFrame;
  }

  @Override
  public Observation.@Nullable Scope micrometerScope() {
    return micrometerScope;
  }

  @Override
  public void unlink(@Nullable DirectFrame previous) {
    previousFrame = previous;
  }

  @Override
  public Observation getCurrentObservation() {
    return this;
  }

  @Override
  public Observation.@Nullable Scope getPreviousObservationScope() {
    return micrometerScope;
  }

  @Override
  public void close() {
    // As Micrometer's scope: handlers first, then the previous scope is current again.
    notifyScopeClosed();
    plan.registry.pop(this);
    previousFrame = null;
    micrometerScope = null;
    inlineScope = 0;
  }

  @Override
  @Deprecated
  @SuppressWarnings("deprecation") // still part of the interface; forwarded as Micrometer does
  public void reset() {
    notifyScopeReset();
  }

  @Override
  @Deprecated
  @SuppressWarnings("deprecation")
  public void makeCurrent() {
    notifyScopeOpened();
  }

  @Override
  public boolean isNoop() {
    return false;
  }

  @Override
  public String toString() {
    return "{name="
        + context.getName()
        + "("
        + context.getContextualName()
        + "), error="
        + context.getError()
        + ", context="
        + context
        + '}';
  }

  /** A scope opened while this observation's own one is open (nested, or on another thread). */
  private static final class NestedScope implements Observation.Scope, DirectFrame {
    private final DirectObservation observation;
    private @Nullable DirectFrame previousFrame;
    private final Observation.@Nullable Scope micrometerScope;

    NestedScope(DirectObservation observation) {
      this.observation = observation;
      FacadeObservationRegistry registry = observation.plan.registry;
      this.previousFrame = registry.top();
      this.micrometerScope = registry.getCurrentObservationScope();
      registry.push(this);
    }

    @Override
    public DirectObservation observation() {
      return observation;
    }

    @Override
    public @Nullable DirectFrame previousFrame() {
      return previousFrame;
    }

    @Override
    public Observation.@Nullable Scope micrometerScope() {
      return micrometerScope;
    }

    @Override
    public void unlink(@Nullable DirectFrame previous) {
      previousFrame = previous;
    }

    @Override
    public Observation getCurrentObservation() {
      return observation;
    }

    @Override
    public Observation.@Nullable Scope getPreviousObservationScope() {
      return micrometerScope;
    }

    @Override
    public void close() {
      observation.notifyScopeClosed();
      observation.plan.registry.pop(this);
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public void reset() {
      observation.notifyScopeReset();
    }

    @Override
    @Deprecated
    @SuppressWarnings("deprecation")
    public void makeCurrent() {
      observation.notifyScopeOpened();
    }
  }
}
