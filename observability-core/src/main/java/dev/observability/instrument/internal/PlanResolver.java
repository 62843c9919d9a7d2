package dev.observability.instrument.internal;

import dev.observability.instrument.Attribute;
import dev.observability.instrument.Instrumented;
import dev.observability.instrument.internal.MethodPlan.AttributeSpec;
import dev.observability.instrument.internal.MethodPlan.CounterSpec;
import dev.observability.instrument.internal.MethodPlan.ObservationSpec;
import dev.observability.instrument.internal.MethodPlan.SpanSpec;
import dev.observability.instrument.internal.MethodPlan.TimerSpec;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.annotation.Counted;
import io.micrometer.core.annotation.Timed;
import io.micrometer.core.instrument.Tags;
import io.micrometer.observation.annotation.Observed;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;

/**
 * Resolves a method's annotations into a {@link MethodPlan}, once per method.
 *
 * <p>A method-level annotation is looked for on the method as the implementation declares it, then
 * on the declarations it overrides (superclasses, then interfaces); the first declaration that has
 * it wins. A type-level {@code @Instrumented}, {@code @Observed} or {@code @Timed} (on the class,
 * its superclasses or the interface) applies to every public method that has no method-level one.
 *
 * <p>Stateless and thread-safe.
 */
public final class PlanResolver {

  /** Micrometer's default name for {@code @Timed} without a value. */
  static final String DEFAULT_TIMED = "method.timed";

  /** Micrometer's default name for {@code @Counted} without a value. */
  static final String DEFAULT_COUNTED = "method.counted";

  private PlanResolver() {}

  /**
   * Resolves the plan for calls of {@code method} on instances of {@code implementation}.
   *
   * @throws IllegalArgumentException when an annotation is malformed (a tag without {@code =}, an
   *     odd number of key-value strings)
   */
  public static MethodPlan resolve(Class<?> implementation, Method method) {
    List<Method> declarations = declarations(implementation, method);
    Class<?> declaringClass = method.getDeclaringClass();
    String methodName = method.getName();
    String defaultName = simpleName(declaringClass) + "." + methodName;
    String where = declaringClass.getName() + "." + methodName;
    boolean isPublic = Modifier.isPublic(method.getModifiers());

    ObservationSpec observation = null;
    Instrumented instrumented = find(declarations, Instrumented.class);
    Observed observed = find(declarations, Observed.class);
    if (instrumented != null) {
      observation =
          new ObservationSpec(
              instrumented.name().isEmpty() ? defaultName : instrumented.name(),
              null,
              tags(instrumented.tags(), where));
    } else if (observed != null) {
      observation = observed(observed, defaultName, where);
    } else if (isPublic) {
      Instrumented onType = findOnType(implementation, declaringClass, Instrumented.class);
      Observed observedType = findOnType(implementation, declaringClass, Observed.class);
      if (onType != null) {
        observation =
            new ObservationSpec(
                onType.name().isEmpty() ? defaultName : onType.name() + "." + methodName,
                null,
                tags(onType.tags(), where));
      } else if (observedType != null) {
        observation =
            new ObservationSpec(
                observedType.name().isEmpty()
                    ? defaultName
                    : observedType.name() + "." + methodName,
                null,
                pairs(observedType.lowCardinalityKeyValues(), where));
      }
    }

    SpanSpec span = null;
    if (observation == null && OtelAnnotations.PRESENT) {
      for (Method declaration : declarations) {
        span = OtelAnnotations.withSpan(declaration, defaultName);
        if (span != null) {
          break;
        }
      }
    }

    List<TimerSpec> timers = new ArrayList<>();
    Timed[] timed = null;
    for (Method declaration : declarations) {
      Timed[] found = declaration.getAnnotationsByType(Timed.class);
      if (found.length > 0) {
        timed = found;
        break;
      }
    }
    if (timed == null && isPublic) {
      Timed onType = findOnType(implementation, declaringClass, Timed.class);
      timed = onType == null ? null : new Timed[] {onType};
    }
    if (timed != null) {
      for (Timed t : timed) {
        timers.add(
            new TimerSpec(
                t.value().isEmpty() ? DEFAULT_TIMED : t.value(),
                t.description().isEmpty()
                    ? "Duration of calls of methods annotated @Timed"
                    : t.description(),
                meterTags(t.extraTags(), declaringClass, methodName, where),
                t.longTask(),
                t.histogram(),
                t.percentiles().clone(),
                t.serviceLevelObjectives().clone()));
      }
    }

    CounterSpec counter = null;
    Counted counted = find(declarations, Counted.class);
    if (counted != null) {
      counter =
          new CounterSpec(
              counted.value().isEmpty() ? DEFAULT_COUNTED : counted.value(),
              counted.description().isEmpty()
                  ? "Calls of methods annotated @Counted, by result"
                  : counted.description(),
              meterTags(counted.extraTags(), declaringClass, methodName, where),
              counted.recordFailuresOnly());
    }

    List<AttributeSpec> attributes = new ArrayList<>();
    for (int i = 0; i < method.getParameterCount(); i++) {
      String key = attributeKey(declarations, i);
      if (key != null) {
        attributes.add(new AttributeSpec(i, key));
      }
    }

    boolean async = CompletionStage.class.isAssignableFrom(method.getReturnType());
    return new MethodPlan(
        declaringClass, methodName, observation, span, timers, counter, attributes, async);
  }

  /**
   * Whether {@code method} carries a method-level annotation that this resolver honours (used to
   * reject methods that a subclass cannot override).
   */
  public static boolean hasMethodAnnotation(Method method) {
    if (method.isAnnotationPresent(Instrumented.class)
        || method.isAnnotationPresent(Observed.class)
        || method.getAnnotationsByType(Timed.class).length > 0
        || method.isAnnotationPresent(Counted.class)) {
      return true;
    }
    return OtelAnnotations.PRESENT && OtelAnnotations.withSpan(method, "") != null;
  }

  /** The simple name of {@code type}, or the tail of its binary name when it is anonymous. */
  static String simpleName(Class<?> type) {
    String simple = type.getSimpleName();
    if (!simple.isEmpty()) {
      return simple;
    }
    String name = type.getName();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  private static ObservationSpec observed(Observed observed, String defaultName, String where) {
    return new ObservationSpec(
        observed.name().isEmpty() ? defaultName : observed.name(),
        observed.contextualName().isEmpty() ? null : observed.contextualName(),
        pairs(observed.lowCardinalityKeyValues(), where));
  }

  private static @Nullable String attributeKey(List<Method> declarations, int index) {
    for (Method declaration : declarations) {
      Parameter parameter = declaration.getParameters()[index];
      Attribute attribute = parameter.getAnnotation(Attribute.class);
      if (attribute != null) {
        return attribute.value().isEmpty() ? parameter.getName() : attribute.value();
      }
      if (OtelAnnotations.PRESENT) {
        String key = OtelAnnotations.spanAttribute(parameter);
        if (key != null) {
          return key;
        }
      }
    }
    return null;
  }

  /** The method as the implementation declares it, then every declaration it overrides. */
  static List<Method> declarations(Class<?> implementation, Method method) {
    Set<Method> result = new LinkedHashSet<>();
    String name = method.getName();
    Class<?>[] parameterTypes = method.getParameterTypes();
    Deque<Class<?>> interfaces = new ArrayDeque<>();
    for (Class<?> c = implementation; c != null && c != Object.class; c = c.getSuperclass()) {
      addDeclared(result, c, name, parameterTypes);
      interfaces.addAll(List.of(c.getInterfaces()));
    }
    if (method.getDeclaringClass().isInterface()) {
      interfaces.add(method.getDeclaringClass());
    }
    Set<Class<?>> seen = new LinkedHashSet<>();
    while (!interfaces.isEmpty()) {
      Class<?> type = interfaces.removeFirst();
      if (seen.add(type)) {
        addDeclared(result, type, name, parameterTypes);
        interfaces.addAll(List.of(type.getInterfaces()));
      }
    }
    result.add(method);
    return List.copyOf(result);
  }

  private static void addDeclared(
      Set<Method> result, Class<?> type, String name, Class<?>[] parameterTypes) {
    try {
      Method declared = type.getDeclaredMethod(name, parameterTypes);
      if (!declared.isBridge() && !declared.isSynthetic()) {
        result.add(declared);
      }
    } catch (NoSuchMethodException | SecurityException | LinkageError e) {
      // Not declared here: look further up.
    }
  }

  private static <A extends Annotation> @Nullable A find(List<Method> declarations, Class<A> type) {
    for (Method declaration : declarations) {
      A annotation = declaration.getAnnotation(type);
      if (annotation != null) {
        return annotation;
      }
    }
    return null;
  }

  private static <A extends Annotation> @Nullable A findOnType(
      Class<?> implementation, Class<?> declaringClass, Class<A> type) {
    for (Class<?> c = implementation; c != null && c != Object.class; c = c.getSuperclass()) {
      A annotation = c.getAnnotation(type);
      if (annotation != null) {
        return annotation;
      }
    }
    return declaringClass.getAnnotation(type);
  }

  private static KeyValues tags(String[] tags, String where) {
    List<KeyValue> values = new ArrayList<>();
    for (String tag : tags) {
      int eq = tag.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "@Instrumented tag '" + tag + "' on " + where + " must be key=value");
      }
      values.add(KeyValue.of(tag.substring(0, eq).trim(), tag.substring(eq + 1).trim()));
    }
    return KeyValues.of(values);
  }

  private static KeyValues pairs(String[] pairs, String where) {
    if (pairs.length % 2 != 0) {
      throw new IllegalArgumentException(
          "key-value strings on " + where + " must come in pairs (key1, value1, key2, ...)");
    }
    List<KeyValue> values = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      values.add(KeyValue.of(pairs[i], pairs[i + 1]));
    }
    return KeyValues.of(values);
  }

  private static Tags meterTags(
      String[] extraTags, Class<?> declaringClass, String methodName, String where) {
    if (extraTags.length % 2 != 0) {
      throw new IllegalArgumentException(
          "extraTags on " + where + " must come in pairs (key1, value1, key2, ...)");
    }
    return Tags.of(extraTags).and("class", declaringClass.getName()).and("method", methodName);
  }
}
