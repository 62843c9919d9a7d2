package dev.observability.instrument;

import dev.observability.internal.CompactContext;
import java.util.Objects;

/**
 * The context of one call of an instrumented method (an annotated method, or one wrapped through
 * the instrumentation API). The observation's name is the operation name the annotation gives, or
 * {@code <simple class name>.<method>} by default.
 *
 * <p>Written and read by the calling thread (or the thread that completes an asynchronous result).
 */
public class MethodObservationContext extends CompactContext {

  private final Class<?> declaringClass;
  private final String methodName;

  /**
   * Creates a context for a call of {@code methodName} declared by {@code declaringClass}.
   *
   * @param declaringClass the class (or interface) that declares the method
   * @param methodName the method's name
   */
  public MethodObservationContext(Class<?> declaringClass, String methodName) {
    this.declaringClass = Objects.requireNonNull(declaringClass, "declaringClass");
    this.methodName = Objects.requireNonNull(methodName, "methodName");
  }

  /**
   * The class (or interface) that declares the method.
   *
   * @return the declaring class
   */
  public Class<?> getDeclaringClass() {
    return declaringClass;
  }

  /**
   * The method's name.
   *
   * @return the method's name
   */
  public String getMethodName() {
    return methodName;
  }
}
