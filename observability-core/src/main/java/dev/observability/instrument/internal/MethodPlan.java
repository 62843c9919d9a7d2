package dev.observability.instrument.internal;

import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.Tags;
import io.opentelemetry.api.trace.SpanKind;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What to record around each call of one method, resolved once from its annotations. Immutable and
 * thread-safe.
 *
 * @param declaringClass the class or interface whose method this is, as the user sees it
 * @param methodName the method's name
 * @param observation the observation to create, or null
 * @param span the span to create when there is no observation ({@code @WithSpan}), or null
 * @param timers the Micrometer timers to record ({@code @Timed})
 * @param counter the Micrometer counter to increment ({@code @Counted}), or null
 * @param attributes parameters recorded as high-cardinality attributes
 * @param async whether the method returns a {@link java.util.concurrent.CompletionStage}
 */
public record MethodPlan(
    Class<?> declaringClass,
    String methodName,
    @Nullable ObservationSpec observation,
    @Nullable SpanSpec span,
    List<TimerSpec> timers,
    @Nullable CounterSpec counter,
    List<AttributeSpec> attributes,
    boolean async) {

  /** Creates a plan. */
  public MethodPlan {
    timers = List.copyOf(timers);
    attributes = List.copyOf(attributes);
  }

  /** Whether nothing is recorded for this method: calls go straight to the target. */
  public boolean isEmpty() {
    return observation == null && span == null && timers.isEmpty() && counter == null;
  }

  /**
   * An observation per call.
   *
   * @param name the observation name
   * @param contextualName the contextual name (span name), or null for the name
   * @param lowCardinality the low-cardinality key values
   */
  public record ObservationSpec(
      String name, @Nullable String contextualName, KeyValues lowCardinality) {}

  /**
   * A span per call, for {@code @WithSpan} without an observation.
   *
   * @param name the span name
   * @param kind the span kind
   * @param inheritContext whether the span is a child of the current context
   */
  public record SpanSpec(String name, SpanKind kind, boolean inheritContext) {}

  /**
   * A Micrometer timer ({@code @Timed}); tagged {@code exception} at the end of each call.
   *
   * @param name the meter name
   * @param description the description, or null
   * @param tags the fixed tags
   * @param longTask whether it is a long-task timer
   * @param histogram whether to publish a percentile histogram
   * @param percentiles client-side percentiles to publish
   * @param serviceLevelObjectives SLO boundaries in seconds
   */
  public record TimerSpec(
      String name,
      @Nullable String description,
      Tags tags,
      boolean longTask,
      boolean histogram,
      double[] percentiles,
      double[] serviceLevelObjectives) {}

  /**
   * A Micrometer counter ({@code @Counted}); tagged {@code result} and {@code exception} per call.
   *
   * @param name the meter name
   * @param description the description, or null
   * @param tags the fixed tags
   * @param failuresOnly whether only failed calls are counted
   */
  public record CounterSpec(
      String name, @Nullable String description, Tags tags, boolean failuresOnly) {}

  /**
   * A parameter recorded as an attribute.
   *
   * @param index the parameter's position
   * @param key the attribute key
   */
  public record AttributeSpec(int index, String key) {}
}
