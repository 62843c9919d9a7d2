package dev.observability.instrument;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a method the full treatment: each call is one observation (a {@link
 * MethodObservationContext}), so the running modules' handlers time it (metrics), trace it (a span,
 * child of the current one) and report an exception it throws (errors). The exception itself
 * reaches the caller unchanged. A method returning a {@link java.util.concurrent.CompletionStage}
 * is measured until the stage completes.
 *
 * <pre>{@code
 * interface Checkout {
 *   @Instrumented(name = "checkout.process", tags = {"tier=payments"})
 *   Receipt process(@Attribute("order.id") String orderId, Cart cart);
 * }
 *
 * Checkout checkout = Instrumentation.of(observability).instrument(Checkout.class, impl);
 * }</pre>
 *
 * <p>On a type, every public method of the type is instrumented, named {@code <name>.<method>} (or
 * {@code <SimpleClassName>.<method>} without a name) with the type's tags; an annotation on the
 * method wins over the type's.
 *
 * <p>The annotation does nothing by itself: it is applied by {@link Instrumentation}, without an
 * agent or a framework. See {@code docs/annotations.md} for the limits (self-invocation through a
 * proxy, final and private methods).
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Instrumented {

  /**
   * The operation name: the observation's name and so the span's name. Keep it low-cardinality and
   * dot-separated, such as {@code checkout.process}. Default: {@code <SimpleClassName>.<method>}.
   *
   * @return the operation name, or an empty string for the default
   */
  String name() default "";

  /**
   * Low-cardinality tags as {@code key=value} pairs, such as {@code "tier=payments"}: the
   * observation's low-cardinality key values, which the tracing module writes as span attributes
   * (the metrics module times methods by class and method). Never put ids or user input here: use
   * {@link Attribute} on a parameter for those.
   *
   * @return the tags, each {@code key=value}
   */
  String[] tags() default {};
}
