package dev.observability.instrument;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Records a parameter of an instrumented method as a high-cardinality attribute of its operation: a
 * span attribute, never a metric label. The value is the argument's {@code String.valueOf},
 * truncated to 1,024 characters; a null argument is left out. Outputs scrub it like any other
 * value.
 *
 * <pre>{@code
 * @Instrumented(name = "orders.fetch")
 * Order fetch(@Attribute("order.id") String orderId);
 * }</pre>
 *
 * <p>OpenTelemetry's {@code @SpanAttribute} is honoured the same way.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Attribute {

  /**
   * The attribute key, such as {@code order.id}. Default: the parameter's name, which needs the
   * class compiled with {@code -parameters} (otherwise {@code arg0}, {@code arg1}, ...).
   *
   * @return the attribute key, or an empty string for the parameter's name
   */
  String value() default "";
}
