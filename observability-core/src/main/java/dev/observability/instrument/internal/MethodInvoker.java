package dev.observability.instrument.internal;

import dev.observability.instrument.MethodObservationContext;
import dev.observability.instrument.internal.MethodPlan.AttributeSpec;
import dev.observability.instrument.internal.MethodPlan.CounterSpec;
import dev.observability.instrument.internal.MethodPlan.ObservationSpec;
import dev.observability.instrument.internal.MethodPlan.SpanSpec;
import dev.observability.instrument.internal.MethodPlan.TimerSpec;
import dev.observability.internal.FacadeObservationRegistry;
import dev.observability.internal.InternalErrors;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * The recording path around one call of an instrumented method: starts what the method's {@link
 * MethodPlan} asks for, runs the call, and finishes them with the outcome, when the call returns
 * or, for a {@link CompletionStage}, when the stage completes.
 *
 * <p>Thread-safe. Nothing it does for recording throws into the caller: failures are counted in
 * {@code observability_internal_errors_total{component="instrument"}}. The call's own exception
 * reaches the caller unchanged.
 */
public final class MethodInvoker {

  /** The component name failures are counted under. */
  public static final String COMPONENT = "instrument";

  /** Attribute values are cut to this many characters. */
  static final int MAX_ATTRIBUTE_LENGTH = 1024;

  /** The call being instrumented. */
  @FunctionalInterface
  public interface Invocation {
    /** Runs the target; throws what the target throws, unwrapped. */
    @Nullable Object proceed() throws Throwable;
  }

  private final ObservationRegistry observations;
  private final MeterRegistry meters;
  private final Tracer tracer;
  private final InternalErrors errors;

  /** Creates an invoker recording into the given registries and tracer. */
  public MethodInvoker(
      ObservationRegistry observations,
      MeterRegistry meters,
      Tracer tracer,
      InternalErrors errors) {
    this.observations = observations;
    this.meters = meters;
    this.tracer = tracer;
    this.errors = errors;
  }

  /**
   * Runs {@code call} with the recording {@code plan} asks for.
   *
   * @param args the call's arguments (null for none), read for attributes
   * @return what the call returned
   * @throws Throwable what the call threw, unchanged
   */
  public @Nullable Object invoke(MethodPlan plan, @Nullable Object[] args, Invocation call)
      throws Throwable {
    if (plan.isEmpty()) {
      return call.proceed();
    }
    Recording recording = start(plan, args);
    Object result;
    try {
      result = call.proceed();
    } catch (Throwable t) {
      if (recording != null) {
        recording.closeScopes();
        recording.finish(t);
      }
      throw t;
    }
    if (recording != null) {
      recording.closeScopes();
      if (plan.async() && result instanceof CompletionStage<?> stage) {
        finishOnCompletion(recording, stage);
      } else {
        recording.finish(null);
      }
    }
    return result;
  }

  private void finishOnCompletion(Recording recording, CompletionStage<?> stage) {
    try {
      stage.whenComplete((value, failure) -> recording.finish(unwrap(failure)));
    } catch (RuntimeException e) {
      // A stage that cannot take a callback: end the recording with the synchronous part.
      errors.record(COMPONENT, e);
      recording.finish(null);
    }
  }

  private static @Nullable Throwable unwrap(@Nullable Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private @Nullable Recording start(MethodPlan plan, @Nullable Object[] args) {
    try {
      Recording recording = new Recording(plan);
      recording.start(args);
      return recording;
    } catch (RuntimeException | LinkageError e) {
      errors.record(COMPONENT, e);
      return null;
    }
  }

  private static @Nullable String attributeValue(@Nullable Object[] args, AttributeSpec spec) {
    if (args == null || spec.index() >= args.length || args[spec.index()] == null) {
      return null;
    }
    String value = String.valueOf(args[spec.index()]);
    return value.length() > MAX_ATTRIBUTE_LENGTH ? value.substring(0, MAX_ATTRIBUTE_LENGTH) : value;
  }

  private static String exceptionTag(@Nullable Throwable t) {
    return t == null ? "none" : PlanResolver.simpleName(t.getClass());
  }

  /** What one call started; finished exactly once. */
  private final class Recording {
    private final MethodPlan plan;
    private @Nullable Observation observation;
    private Observation.@Nullable Scope observationScope;
    private @Nullable Span span;
    private @Nullable Scope spanScope;
    private Timer.@Nullable Sample @Nullable [] samples;
    private LongTaskTimer.@Nullable Sample @Nullable [] longTasks;
    private boolean finished;

    Recording(MethodPlan plan) {
      this.plan = plan;
    }

    void start(@Nullable Object[] args) {
      List<TimerSpec> timers = plan.timers();
      if (!timers.isEmpty()) {
        samples = new Timer.Sample[timers.size()];
        longTasks = new LongTaskTimer.Sample[timers.size()];
        for (int i = 0; i < timers.size(); i++) {
          TimerSpec spec = timers.get(i);
          if (spec.longTask()) {
            longTasks[i] = longTaskTimer(spec).start();
          } else {
            samples[i] = Timer.start(meters);
          }
        }
      }
      ObservationSpec observationSpec = plan.observation();
      if (observationSpec != null) {
        Observation o =
            FacadeObservationRegistry.createNotStarted(
                observationSpec.name(),
                new MethodObservationContext(plan.declaringClass(), plan.methodName()),
                observations);
        if (observationSpec.contextualName() != null) {
          o.contextualName(observationSpec.contextualName());
        }
        o.lowCardinalityKeyValues(observationSpec.lowCardinality());
        for (AttributeSpec attribute : plan.attributes()) {
          String value = safeAttributeValue(args, attribute);
          if (value != null) {
            o.highCardinalityKeyValue(attribute.key(), value);
          }
        }
        observation = o.start();
        observationScope = o.openScope();
        return;
      }
      SpanSpec spanSpec = plan.span();
      if (spanSpec != null) {
        SpanBuilder builder = tracer.spanBuilder(spanSpec.name()).setSpanKind(spanSpec.kind());
        if (!spanSpec.inheritContext()) {
          builder.setNoParent();
        }
        builder.setAttribute("code.function", plan.methodName());
        builder.setAttribute("code.namespace", plan.declaringClass().getName());
        for (AttributeSpec attribute : plan.attributes()) {
          String value = safeAttributeValue(args, attribute);
          if (value != null) {
            builder.setAttribute(attribute.key(), value);
          }
        }
        span = builder.startSpan();
        spanScope = span.makeCurrent();
      }
    }

    private @Nullable String safeAttributeValue(@Nullable Object[] args, AttributeSpec spec) {
      try {
        return attributeValue(args, spec);
      } catch (RuntimeException e) {
        // The argument's toString() failed: leave the attribute out, not the call.
        errors.record(COMPONENT, e);
        return null;
      }
    }

    void closeScopes() {
      try {
        if (observationScope != null) {
          observationScope.close();
          observationScope = null;
        }
        if (spanScope != null) {
          spanScope.close();
          spanScope = null;
        }
      } catch (RuntimeException | LinkageError e) {
        errors.record(COMPONENT, e);
      }
    }

    void finish(@Nullable Throwable failure) {
      synchronized (this) {
        if (finished) {
          return;
        }
        finished = true;
      }
      try {
        if (observation != null) {
          if (failure != null) {
            observation.error(failure);
          }
          observation.stop();
        }
        if (span != null) {
          if (failure != null) {
            span.setStatus(StatusCode.ERROR);
            span.recordException(failure);
          }
          span.end();
        }
        recordMeters(failure);
      } catch (RuntimeException | LinkageError e) {
        errors.record(COMPONENT, e);
      }
    }

    private void recordMeters(@Nullable Throwable failure) {
      List<TimerSpec> timers = plan.timers();
      String exception = exceptionTag(failure);
      for (int i = 0; i < timers.size(); i++) {
        if (longTasks != null && longTasks[i] != null) {
          longTasks[i].stop();
        } else if (samples != null && samples[i] != null) {
          samples[i].stop(timer(timers.get(i), exception));
        }
      }
      CounterSpec counter = plan.counter();
      if (counter != null && (failure != null || !counter.failuresOnly())) {
        Counter.Builder builder =
            Counter.builder(counter.name())
                .tags(counter.tags())
                .tag("result", failure == null ? "success" : "failure")
                .tag("exception", exception);
        if (counter.description() != null) {
          builder.description(counter.description());
        }
        builder.register(meters).increment();
      }
    }
  }

  private Timer timer(TimerSpec spec, String exception) {
    Timer.Builder builder =
        Timer.builder(spec.name()).tags(spec.tags()).tag("exception", exception);
    if (spec.description() != null) {
      builder.description(spec.description());
    }
    if (spec.histogram()) {
      builder.publishPercentileHistogram();
    }
    if (spec.percentiles().length > 0) {
      builder.publishPercentiles(spec.percentiles());
    }
    if (spec.serviceLevelObjectives().length > 0) {
      Duration[] slos = new Duration[spec.serviceLevelObjectives().length];
      for (int i = 0; i < slos.length; i++) {
        slos[i] = Duration.ofNanos((long) (spec.serviceLevelObjectives()[i] * 1e9));
      }
      builder.serviceLevelObjectives(slos);
    }
    return builder.register(meters);
  }

  private LongTaskTimer longTaskTimer(TimerSpec spec) {
    LongTaskTimer.Builder builder = LongTaskTimer.builder(spec.name()).tags(spec.tags());
    if (spec.description() != null) {
      builder.description(spec.description());
    }
    if (spec.histogram()) {
      builder.publishPercentileHistogram();
    }
    return builder.register(meters);
  }
}
