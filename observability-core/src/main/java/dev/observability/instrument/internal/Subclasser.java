package dev.observability.instrument.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassInjector;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.dynamic.scaffold.subclass.ConstructorStrategy;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.implementation.bind.annotation.AllArguments;
import net.bytebuddy.implementation.bind.annotation.Origin;
import net.bytebuddy.implementation.bind.annotation.RuntimeType;
import net.bytebuddy.implementation.bind.annotation.SuperCall;
import net.bytebuddy.matcher.ElementMatchers;
import org.jspecify.annotations.Nullable;

/**
 * Generates an instrumented subclass of a concrete class with Byte Buddy: every overridable method
 * with a plan that records something is overridden to record around {@code super.method(...)}. Byte
 * Buddy is an optional dependency: this class links Byte Buddy's types, so it is touched only when
 * {@link ByteBuddyPresence#isAvailable()} said yes.
 *
 * <p>The subclass is defined in the class's own package and class loader when the JDK allows it (so
 * that package-private methods are instrumented too), else in a child class loader (then only
 * public and protected ones are).
 */
public final class Subclasser {

  private Subclasser() {}

  /**
   * Generates the instrumented subclass of {@code type}.
   *
   * @throws IllegalArgumentException when {@code type} cannot be subclassed (final, sealed, an
   *     interface, a primitive or array), or when an annotated method cannot be overridden (final,
   *     private, static)
   */
  public static <T> Class<? extends T> generate(Class<T> type, MethodInvoker invoker) {
    if (type.isInterface() || type.isPrimitive() || type.isArray() || type.isEnum()) {
      throw new IllegalArgumentException(
          type.getName() + " is not a class: use instrument(interface, target) for interfaces");
    }
    if (Modifier.isFinal(type.getModifiers()) || type.isSealed()) {
      throw new IllegalArgumentException(
          type.getName()
              + " is final or sealed and cannot be subclassed: make it non-final, or give it an"
              + " interface and use instrument(interface, target)");
    }
    Map<Method, MethodPlan> plans = new HashMap<>();
    List<String> unreachable = new ArrayList<>();
    for (Method method : overridableMethods(type, unreachable)) {
      MethodPlan plan = PlanResolver.resolve(type, method);
      if (!plan.isEmpty()) {
        plans.put(method, plan);
      }
    }
    if (!unreachable.isEmpty()) {
      throw new IllegalArgumentException(
          "annotated methods of "
              + type.getName()
              + " cannot be instrumented by a subclass (final, private or static): "
              + String.join(", ", unreachable));
    }
    Interceptor interceptor = new Interceptor(Map.copyOf(plans), invoker);
    try {
      return define(type, plans.keySet().toArray(new Method[0]), interceptor);
    } catch (RuntimeException | LinkageError e) {
      throw new IllegalArgumentException(
          "Byte Buddy cannot subclass " + type.getName() + ": " + e, e);
    }
  }

  /** Defines the subclass that delegates each of {@code methods} to {@code interceptor}. */
  private static <T> Class<? extends T> define(
      Class<T> type, Method[] methods, Interceptor interceptor) {
    Class<? extends T> loaded =
        new ByteBuddy()
            .subclass(type, ConstructorStrategy.Default.IMITATE_SUPER_CLASS_OPENING)
            .method(ElementMatchers.anyOf(methods))
            .intercept(MethodDelegation.to(interceptor))
            .make()
            .load(type.getClassLoader(), loadingStrategy(type))
            .getLoaded();
    return loaded;
  }

  /**
   * Creates an instance of {@code generated} with the constructor of {@code type} that takes {@code
   * args}.
   *
   * @throws IllegalArgumentException when no accessible constructor takes {@code args}
   */
  public static <T> T newInstance(Class<? extends T> generated, Class<T> type, Object... args) {
    Constructor<?> match = null;
    for (Constructor<?> constructor : generated.getDeclaredConstructors()) {
      if (accepts(constructor.getParameterTypes(), args)) {
        match = constructor;
        break;
      }
    }
    if (match == null) {
      throw new IllegalArgumentException(
          "no public or protected constructor of "
              + type.getName()
              + " takes "
              + args.length
              + " argument(s) of these types");
    }
    try {
      return type.cast(match.newInstance(args));
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IllegalArgumentException(
          "the constructor of " + type.getName() + " failed: " + cause, cause);
    } catch (ReflectiveOperationException e) {
      throw new IllegalArgumentException("cannot construct " + type.getName() + ": " + e, e);
    }
  }

  private static boolean accepts(Class<?>[] parameters, Object[] args) {
    if (parameters.length != args.length) {
      return false;
    }
    for (int i = 0; i < parameters.length; i++) {
      Class<?> p = parameters[i];
      Object arg = args[i];
      if (arg == null) {
        if (p.isPrimitive()) {
          return false;
        }
      } else if (!box(p).isInstance(arg)) {
        return false;
      }
    }
    return true;
  }

  private static Class<?> box(Class<?> type) {
    if (!type.isPrimitive()) {
      return type;
    }
    return MethodType.methodType(type).wrap().returnType();
  }

  private static ClassLoadingStrategy<ClassLoader> loadingStrategy(Class<?> type) {
    if (ClassInjector.UsingLookup.isAvailable() && type.getClassLoader() != null) {
      try {
        MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(type, MethodHandles.lookup());
        return ClassLoadingStrategy.UsingLookup.of(lookup);
      } catch (IllegalAccessException | RuntimeException e) {
        // The type's package is not open to us: define the subclass in a child loader instead.
      }
    }
    return ClassLoadingStrategy.Default.WRAPPER;
  }

  /** The most-derived declaration of every instance method below {@code Object}. */
  private static List<Method> overridableMethods(Class<?> type, List<String> unreachable) {
    Map<String, Method> bySignature = new LinkedHashMap<>();
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Method method : c.getDeclaredMethods()) {
        if (method.isBridge() || method.isSynthetic()) {
          continue;
        }
        int modifiers = method.getModifiers();
        String signature = signature(method);
        if (Modifier.isStatic(modifiers)
            || Modifier.isPrivate(modifiers)
            || Modifier.isFinal(modifiers)) {
          if (PlanResolver.hasMethodAnnotation(method)) {
            unreachable.add(c.getSimpleName() + "." + method.getName());
          }
          if (!Modifier.isStatic(modifiers) && !Modifier.isPrivate(modifiers)) {
            // A final method hides the signature from further up as well.
            bySignature.putIfAbsent(signature, method);
          }
          continue;
        }
        bySignature.putIfAbsent(signature, method);
      }
    }
    List<Method> result = new ArrayList<>();
    for (Method method : bySignature.values()) {
      int modifiers = method.getModifiers();
      if (!Modifier.isFinal(modifiers) && !Modifier.isAbstract(modifiers)) {
        result.add(method);
      }
    }
    return result;
  }

  private static String signature(Method method) {
    return method.getName()
        + MethodType.methodType(method.getReturnType(), method.getParameterTypes());
  }

  /** The delegate the generated overrides call. Public so that the generated class can reach it. */
  public static final class Interceptor {
    private final Map<Method, MethodPlan> plans;
    private final MethodInvoker invoker;

    Interceptor(Map<Method, MethodPlan> plans, MethodInvoker invoker) {
      this.plans = plans;
      this.invoker = invoker;
    }

    /**
     * Records around one call of an overridden method.
     *
     * @param method the overridden method
     * @param args the call's arguments
     * @param zuper calls the superclass's implementation
     * @return what the superclass's implementation returned
     * @throws Throwable what the superclass's implementation threw, unchanged
     */
    @RuntimeType
    public @Nullable Object intercept(
        @Origin Method method, @AllArguments Object[] args, @SuperCall Callable<?> zuper)
        throws Throwable {
      MethodPlan plan = plans.get(method);
      if (plan == null) {
        return zuper.call();
      }
      return invoker.invoke(plan, args, zuper::call);
    }
  }
}
