package dev.observability.instrument.internal;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The {@link InvocationHandler} behind {@code Instrumentation.instrument(type, target)}: forwards
 * every call to the target, recording around those whose plan asks for it. Plans are resolved once,
 * when the proxy is made. {@code equals}, {@code hashCode} and {@code toString} go to the target
 * (an instrumented proxy equals what its target equals, and another proxy of an equal target).
 *
 * <p>Thread-safe when the target is.
 */
public final class ProxyHandler implements InvocationHandler {

  private final Object target;
  private final Map<Method, Entry> plans;
  private final MethodInvoker invoker;

  /** A method's plan and the {@link Method} to call the target with. */
  private record Entry(MethodPlan plan, Method callable) {}

  private ProxyHandler(Object target, Map<Method, Entry> plans, MethodInvoker invoker) {
    this.target = target;
    this.plans = plans;
    this.invoker = invoker;
  }

  /**
   * Makes a proxy of {@code type} around {@code target}.
   *
   * @throws IllegalArgumentException when {@code type} is not an interface or an annotation is
   *     malformed
   */
  public static <T> T create(Class<T> type, T target, MethodInvoker invoker) {
    if (!type.isInterface()) {
      throw new IllegalArgumentException(
          type.getName()
              + " is not an interface: instrument an interface, or use subclass(...) for a class");
    }
    boolean accessible = Modifier.isPublic(type.getModifiers());
    Map<Method, Entry> plans = new HashMap<>();
    for (Method method : type.getMethods()) {
      if (!Modifier.isStatic(method.getModifiers())) {
        if (!accessible) {
          // A package-private interface: its methods are callable from here only this way.
          method.setAccessible(true);
        }
        plans.put(method, new Entry(PlanResolver.resolve(target.getClass(), method), method));
      }
    }
    ProxyHandler handler = new ProxyHandler(target, Map.copyOf(plans), invoker);
    Object proxy = Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    return type.cast(proxy);
  }

  /** The object behind {@code maybeProxy} when it is one of ours, else {@code maybeProxy}. */
  static @Nullable Object unwrap(@Nullable Object maybeProxy) {
    if (maybeProxy != null
        && Proxy.isProxyClass(maybeProxy.getClass())
        && Proxy.getInvocationHandler(maybeProxy) instanceof ProxyHandler handler) {
      return handler.target;
    }
    return maybeProxy;
  }

  @Override
  public @Nullable Object invoke(Object proxy, Method method, @Nullable Object[] args)
      throws Throwable {
    Entry entry = plans.get(method);
    if (entry == null) {
      return objectMethod(proxy, method, args);
    }
    Method callable = entry.callable();
    if (entry.plan().isEmpty()) {
      return call(callable, args);
    }
    return invoker.invoke(entry.plan(), args, () -> call(callable, args));
  }

  private @Nullable Object objectMethod(Object proxy, Method method, @Nullable Object[] args)
      throws Throwable {
    switch (method.getName()) {
      case "equals" -> {
        if (args != null && args.length == 1) {
          Object other = args[0];
          return other == proxy || target.equals(unwrap(other));
        }
      }
      case "hashCode" -> {
        if (args == null || args.length == 0) {
          return target.hashCode();
        }
      }
      case "toString" -> {
        if (args == null || args.length == 0) {
          return target.toString();
        }
      }
      default -> {
        // Any other method reaches the target as it is.
      }
    }
    return call(method, args);
  }

  private @Nullable Object call(Method method, @Nullable Object[] args) throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause() != null ? e.getCause() : e;
    }
  }
}
