package dev.observability.instrument.internal;

import dev.observability.instrument.internal.MethodPlan.SpanSpec;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import org.jspecify.annotations.Nullable;

/**
 * Reads OpenTelemetry's {@code @WithSpan} and {@code @SpanAttribute}. The annotations jar is an
 * optional dependency: this class is touched only when {@link #PRESENT} is true, so that core links
 * without it.
 */
final class OtelAnnotations {

  /** Whether {@code opentelemetry-instrumentation-annotations} is on the class path. */
  static final boolean PRESENT = detect();

  private OtelAnnotations() {}

  private static boolean detect() {
    try {
      Class.forName(
          "io.opentelemetry.instrumentation.annotations.WithSpan",
          false,
          OtelAnnotations.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** The span that {@code @WithSpan} on {@code method} asks for, or null. */
  static @Nullable SpanSpec withSpan(Method method, String defaultName) {
    WithSpan withSpan = method.getAnnotation(WithSpan.class);
    if (withSpan == null) {
      return null;
    }
    String name = withSpan.value().isEmpty() ? defaultName : withSpan.value();
    return new SpanSpec(name, withSpan.kind(), withSpan.inheritContext());
  }

  /** The key that {@code @SpanAttribute} on {@code parameter} gives, or null. */
  static @Nullable String spanAttribute(Parameter parameter) {
    SpanAttribute attribute = parameter.getAnnotation(SpanAttribute.class);
    if (attribute == null) {
      return null;
    }
    return attribute.value().isEmpty() ? parameter.getName() : attribute.value();
  }
}
