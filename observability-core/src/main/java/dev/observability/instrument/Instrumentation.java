package dev.observability.instrument;

import dev.observability.Observability;
import dev.observability.instrument.internal.ByteBuddyPresence;
import dev.observability.instrument.internal.MethodInvoker;
import dev.observability.instrument.internal.MethodPlan;
import dev.observability.instrument.internal.PlanResolver;
import dev.observability.instrument.internal.ProxyHandler;
import dev.observability.instrument.internal.Subclasser;
import dev.observability.internal.InternalErrors;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.lang.reflect.Method;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.jspecify.annotations.Nullable;

/**
 * Applies method annotations without an agent or a framework.
 *
 * <p>Honoured annotations: {@link Instrumented} (an observation: the modules' timer, span and error
 * capture) and {@link Attribute}; Micrometer's {@code @Observed} (same as {@code @Instrumented}),
 * {@code @Timed} and {@code @Counted} (a timer or counter of that name in the meter registry);
 * OpenTelemetry's {@code @WithSpan} and {@code @SpanAttribute} (a span alone, when the
 * OpenTelemetry annotations jar is on the class path). A method with {@code @Instrumented} or
 * {@code @Observed} already gets a span; {@code @WithSpan} on it adds nothing.
 *
 * <p>Two ways to apply them:
 *
 * <ul>
 *   <li>{@link #instrument(Class, Object)}: a {@link java.lang.reflect.Proxy} of an interface
 *       around an implementation. Annotations may sit on the interface or on the implementation.
 *       Calls the implementation makes on itself ({@code this.other()}) bypass the proxy and are
 *       not recorded.
 *   <li>{@link #subclass(Class, Object...)}: a subclass of a concrete class generated with Byte
 *       Buddy (an optional dependency, {@code net.bytebuddy:byte-buddy}). Self-invocation is
 *       recorded too. Final classes, and final, private or static annotated methods, cannot be
 *       overridden and are rejected.
 * </ul>
 *
 * <p>Annotations are read once per method, when the proxy or subclass is made; a malformed one (a
 * tag without {@code =}) fails then, not at call time. A method returning a {@link
 * java.util.concurrent.CompletionStage} is recorded until the stage completes, as failed if it
 * completes exceptionally. The target's exceptions reach the caller unchanged; a failure of the
 * recording itself is counted in {@code
 * observability_internal_errors_total{component="instrument"}} and never reaches the caller.
 *
 * <p>Thread-safe; instrumented objects are as thread-safe as their targets.
 */
public final class Instrumentation {

  private final MethodInvoker invoker;
  private final ConcurrentMap<Class<?>, Class<?>> subclasses = new ConcurrentHashMap<>();
  private final ConcurrentMap<Class<?>, ConcurrentMap<Method, MethodPlan>> plans =
      new ConcurrentHashMap<>();

  private Instrumentation(MethodInvoker invoker) {
    this.invoker = invoker;
  }

  /**
   * Instrumentation that records through {@code observability}'s registries and tracer.
   *
   * @param observability the running instance
   * @return the instrumentation
   */
  public static Instrumentation of(Observability observability) {
    Objects.requireNonNull(observability, "observability");
    return of(
        observability.observationRegistry(),
        observability.meterRegistry(),
        observability.openTelemetry());
  }

  /**
   * Instrumentation that records through the given parts, for hosts (and tests) that run the
   * Observation API without the {@link Observability} facade.
   *
   * @param observations where {@code @Instrumented} and {@code @Observed} observations go
   * @param meters where {@code @Timed} and {@code @Counted} meters are registered
   * @param openTelemetry where {@code @WithSpan} spans go
   * @return the instrumentation
   */
  public static Instrumentation of(
      ObservationRegistry observations, MeterRegistry meters, OpenTelemetry openTelemetry) {
    Objects.requireNonNull(observations, "observations");
    Objects.requireNonNull(meters, "meters");
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    return new Instrumentation(
        new MethodInvoker(
            observations,
            meters,
            openTelemetry.getTracer("dev.observability.instrument"),
            new InternalErrors(meters)));
  }

  /**
   * Shorthand for {@code Instrumentation.of(observability).instrument(type, target)}.
   *
   * @param <T> the interface
   * @param type the interface to proxy
   * @param target the object the proxy calls
   * @param observability the running instance
   * @return the proxy
   * @throws IllegalArgumentException when {@code type} is not an interface or an annotation is
   *     malformed
   */
  public static <T> T instrument(Class<T> type, T target, Observability observability) {
    return of(observability).instrument(type, target);
  }

  /**
   * Wraps {@code target} in a proxy of the interface {@code type} that records the annotated
   * methods. Methods without annotations go straight to the target; {@code equals}, {@code
   * hashCode} and {@code toString} are the target's.
   *
   * @param <T> the interface
   * @param type the interface to proxy
   * @param target the object the proxy calls
   * @return the proxy
   * @throws IllegalArgumentException when {@code type} is not an interface or an annotation is
   *     malformed
   */
  public <T> T instrument(Class<T> type, T target) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(target, "target");
    return ProxyHandler.create(type, target, invoker);
  }

  /**
   * Creates an instance of a generated subclass of {@code type} whose annotated methods record,
   * calling the constructor of {@code type} that takes {@code constructorArgs}. The subclass is
   * generated once per type and instrumentation.
   *
   * @param <T> the class
   * @param type the class to subclass
   * @param constructorArgs the constructor's arguments
   * @return the instance
   * @throws IllegalStateException when Byte Buddy is not on the class path
   * @throws IllegalArgumentException when {@code type} is final or sealed, an annotated method is
   *     final, private or static, an annotation is malformed, or no accessible constructor takes
   *     {@code constructorArgs}
   */
  public <T> T subclass(Class<T> type, Object... constructorArgs) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(constructorArgs, "constructorArgs");
    if (!ByteBuddyPresence.isAvailable()) {
      throw new IllegalStateException(
          "Instrumentation.subclass("
              + type.getName()
              + ") needs Byte Buddy on the class path: add the dependency "
              + ByteBuddyPresence.ARTIFACT
              + " (observability-bom manages its version), or give the class an interface and use"
              + " instrument(interface, target), which needs nothing more");
    }
    Class<?> generated = subclasses.computeIfAbsent(type, t -> Subclasser.generate(t, invoker));
    return Subclasser.newInstance(generated.asSubclass(type), type, constructorArgs);
  }

  /**
   * Shorthand for {@code Instrumentation.of(observability).subclass(type, constructorArgs)}.
   *
   * @param <T> the class
   * @param observability the running instance
   * @param type the class to subclass
   * @param args the constructor's arguments
   * @return the instance
   * @throws IllegalStateException when Byte Buddy is not on the class path
   * @throws IllegalArgumentException see {@link #subclass(Class, Object...)}
   */
  public static <T> T subclass(Observability observability, Class<T> type, Object... args) {
    return of(observability).subclass(type, args);
  }

  /**
   * Whether calls of {@code method} on instances of {@code implementation} are recorded: the method
   * or a declaration it overrides, or a type above it, carries an honoured annotation. For
   * frameworks that build their own proxies (Spring AOP) and must decide which methods to advise.
   *
   * @param implementation the class of the instances called
   * @param method the method called
   * @return true when a call of it is recorded
   * @throws IllegalArgumentException when an annotation is malformed
   */
  public static boolean isRecorded(Class<?> implementation, Method method) {
    Objects.requireNonNull(implementation, "implementation");
    Objects.requireNonNull(method, "method");
    return !PlanResolver.resolve(implementation, method).isEmpty();
  }

  /**
   * Runs {@code call} (a call of {@code method} on an instance of {@code implementation} that a
   * framework's proxy intercepted) with the recording the method's annotations ask for, exactly as
   * {@link #instrument} and {@link #subclass} do. The annotations are read once per method and
   * implementation.
   *
   * <p>Thread-safe. What {@code call} throws reaches the caller unchanged; a failure of the
   * recording itself is counted and never thrown.
   *
   * @param implementation the target's class
   * @param method the method called (as declared where the proxy saw it)
   * @param args the arguments, or null for none
   * @param call runs the target
   * @return what the call returned
   * @throws Throwable what the call threw
   * @throws IllegalArgumentException when an annotation is malformed (at the first call)
   */
  public @Nullable Object invoke(
      Class<?> implementation, Method method, @Nullable Object[] args, Call call) throws Throwable {
    MethodPlan plan =
        plans
            .computeIfAbsent(implementation, k -> new ConcurrentHashMap<>())
            .computeIfAbsent(method, m -> PlanResolver.resolve(implementation, m));
    return invoker.invoke(plan, args, call::proceed);
  }

  /** A call that a framework's proxy intercepted. */
  @FunctionalInterface
  public interface Call {
    /**
     * Runs the target.
     *
     * @return what the target returned
     * @throws Throwable what the target threw, unwrapped
     */
    @Nullable Object proceed() throws Throwable;
  }

  /**
   * Whether {@link #subclass(Class, Object...)} can work: Byte Buddy is on the class path.
   *
   * @return true when Byte Buddy is on the class path
   */
  public static boolean isSubclassingAvailable() {
    return ByteBuddyPresence.isAvailable();
  }
}
