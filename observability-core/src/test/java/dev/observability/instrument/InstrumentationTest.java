package dev.observability.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.Observability;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.common.KeyValue;
import io.micrometer.core.annotation.Counted;
import io.micrometer.core.annotation.Timed;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.annotation.Observed;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InstrumentationTest {

  private final RecordingHandler handler = new RecordingHandler();
  private final ObservationRegistry registry = ObservationRegistry.create();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final RecordingTracer tracer = new RecordingTracer();
  private Instrumentation instrumentation;

  @BeforeEach
  void setUp() {
    registry.observationConfig().observationHandler(handler);
    instrumentation = Instrumentation.of(registry, meters, tracer);
  }

  interface Checkout {
    @Instrumented(
        name = "checkout.process",
        tags = {"tier=payments", "channel = web"})
    String process(@Attribute("order.id") String orderId, int quantity);

    @Instrumented
    void validate() throws IOException;

    String plain();

    @Instrumented(name = "checkout.async")
    CompletableFuture<String> async(CompletableFuture<String> result);

    @Instrumented(name = "checkout.stage")
    CompletionStage<String> stage(CompletionStage<String> result);

    @Instrumented(name = "checkout.default")
    default String viaDefault() {
      return "default:" + plain();
    }
  }

  static class CheckoutImpl implements Checkout {
    final List<String> calls = new ArrayList<>();
    @Nullable IOException toThrow;
    @Nullable Observation seenInside;

    @Override
    public String process(String orderId, int quantity) {
      seenInside = ObservationRegistryHolder.current;
      calls.add("process " + orderId);
      return "receipt-" + orderId;
    }

    @Override
    public void validate() throws IOException {
      if (toThrow != null) {
        throw toThrow;
      }
    }

    @Override
    public String plain() {
      return "plain";
    }

    @Override
    public CompletableFuture<String> async(CompletableFuture<String> result) {
      return result;
    }

    @Override
    public CompletionStage<String> stage(CompletionStage<String> result) {
      return result;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof CheckoutImpl;
    }

    @Override
    public int hashCode() {
      return 42;
    }

    @Override
    public String toString() {
      return "CheckoutImpl";
    }
  }

  /** Lets a target see the registry's current observation without holding the registry. */
  static final class ObservationRegistryHolder {
    static @Nullable Observation current;
  }

  @Test
  void instrument_annotatedMethod_isOneObservationWithNameTagsAndAttribute() {
    CheckoutImpl impl = new CheckoutImpl();
    Checkout checkout = instrumentation.instrument(Checkout.class, impl);

    assertThat(checkout.process("A-17", 2)).isEqualTo("receipt-A-17");

    Observation.Context context = handler.only();
    assertThat(context).isInstanceOf(MethodObservationContext.class);
    assertThat(context.getName()).isEqualTo("checkout.process");
    MethodObservationContext method = (MethodObservationContext) context;
    assertThat(method.getDeclaringClass()).isEqualTo(Checkout.class);
    assertThat(method.getMethodName()).isEqualTo("process");
    assertThat(context.getLowCardinalityKeyValues())
        .containsExactlyInAnyOrder(KeyValue.of("tier", "payments"), KeyValue.of("channel", "web"));
    assertThat(context.getHighCardinalityKeyValues())
        .containsExactly(KeyValue.of("order.id", "A-17"));
    assertThat(context.getError()).isNull();
    assertThat(handler.events)
        .containsExactly(
            "start checkout.process",
            "open checkout.process",
            "close checkout.process",
            "stop checkout.process");
  }

  @Test
  void instrument_duringTheCall_theObservationIsCurrentAndClosedAfter() {
    List<@Nullable Observation> inside = new ArrayList<>();
    Checkout checkout =
        instrumentation.instrument(
            Checkout.class,
            new CheckoutImpl() {
              @Override
              public String process(String orderId, int quantity) {
                inside.add(registry.getCurrentObservation());
                return "ok";
              }
            });

    checkout.process("1", 1);

    assertThat(inside.get(0)).isNotNull();
    assertThat(inside.get(0).getContext().getName()).isEqualTo("checkout.process");
    assertThat(registry.getCurrentObservation()).isNull();
  }

  @Test
  void instrument_nestedInstrumentedCall_isChildOfTheOuterObservation() {
    Checkout inner = instrumentation.instrument(Checkout.class, new CheckoutImpl());
    Checkout outer =
        instrumentation.instrument(
            Checkout.class,
            new CheckoutImpl() {
              @Override
              public String process(String orderId, int quantity) {
                return inner.process(orderId + "-inner", quantity);
              }
            });

    outer.process("1", 1);

    assertThat(handler.stopped).hasSize(2);
    Observation.Context innerContext = handler.stopped.get(0);
    Observation.Context outerContext = handler.stopped.get(1);
    assertThat(innerContext.getParentObservation()).isNotNull();
    assertThat(innerContext.getParentObservation().getContextView()).isSameAs(outerContext);
  }

  @Test
  void instrument_defaultName_isSimpleClassNameDotMethod() throws IOException {
    Checkout checkout = instrumentation.instrument(Checkout.class, new CheckoutImpl());

    checkout.validate();

    assertThat(handler.only().getName()).isEqualTo("Checkout.validate");
  }

  @Test
  void instrument_checkedException_isRecordedAndRethrownUnchanged() {
    CheckoutImpl impl = new CheckoutImpl();
    IOException failure = new IOException("disk full");
    impl.toThrow = failure;
    Checkout checkout = instrumentation.instrument(Checkout.class, impl);

    assertThatThrownBy(checkout::validate).isSameAs(failure);

    assertThat(handler.only().getError()).isSameAs(failure);
    assertThat(handler.events)
        .containsExactly(
            "start Checkout.validate",
            "open Checkout.validate",
            "close Checkout.validate",
            "error Checkout.validate java.io.IOException",
            "stop Checkout.validate");
  }

  @Test
  void invoke_frameworkProxyCall_isRecordedLikeTheProxy_andPlainMethodsAreNotRecorded()
      throws Throwable {
    CheckoutImpl impl = new CheckoutImpl();
    java.lang.reflect.Method process =
        CheckoutImpl.class.getMethod("process", String.class, int.class);
    java.lang.reflect.Method plain = CheckoutImpl.class.getMethod("plain");

    assertThat(Instrumentation.isRecorded(CheckoutImpl.class, process)).isTrue();
    assertThat(Instrumentation.isRecorded(CheckoutImpl.class, plain)).isFalse();
    Object result =
        instrumentation.invoke(
            CheckoutImpl.class, process, new Object[] {"B-2", 1}, () -> impl.process("B-2", 1));

    assertThat(result).isEqualTo("receipt-B-2");
    assertThat(handler.only().getName()).isEqualTo("checkout.process");
    assertThat(handler.only().getHighCardinalityKeyValues())
        .containsExactly(KeyValue.of("order.id", "B-2"));
  }

  @Test
  void invoke_targetThrows_theExceptionReachesTheCallerUnchanged() throws Exception {
    CheckoutImpl impl = new CheckoutImpl();
    IOException failure = new IOException("disk full");
    impl.toThrow = failure;
    java.lang.reflect.Method validate = CheckoutImpl.class.getMethod("validate");

    assertThatThrownBy(
            () ->
                instrumentation.invoke(
                    CheckoutImpl.class,
                    validate,
                    null,
                    () -> {
                      impl.validate();
                      return null;
                    }))
        .isSameAs(failure);
    assertThat(handler.only().getError()).isSameAs(failure);
  }

  @Test
  void instrument_runtimeException_isRethrownUnchanged() {
    IllegalStateException failure = new IllegalStateException("card declined");
    Checkout checkout =
        instrumentation.instrument(
            Checkout.class,
            new CheckoutImpl() {
              @Override
              public String process(String orderId, int quantity) {
                throw failure;
              }
            });

    assertThatThrownBy(() -> checkout.process("1", 1)).isSameAs(failure);
    assertThat(handler.only().getError()).isSameAs(failure);
  }

  @Test
  void instrument_unannotatedMethod_goesStraightToTheTarget() {
    Checkout checkout = instrumentation.instrument(Checkout.class, new CheckoutImpl());

    assertThat(checkout.plain()).isEqualTo("plain");

    assertThat(handler.events).isEmpty();
  }

  @Test
  void instrument_defaultMethod_isRecordedAndCallsTheTarget() {
    Checkout checkout = instrumentation.instrument(Checkout.class, new CheckoutImpl());

    assertThat(checkout.viaDefault()).isEqualTo("default:plain");

    assertThat(handler.only().getName()).isEqualTo("checkout.default");
  }

  @Test
  void instrument_equalsHashCodeToString_areTheTargets() {
    CheckoutImpl impl = new CheckoutImpl();
    Checkout checkout = instrumentation.instrument(Checkout.class, impl);
    Checkout other = instrumentation.instrument(Checkout.class, new CheckoutImpl());

    assertThat(checkout.toString()).isEqualTo("CheckoutImpl");
    assertThat(checkout.hashCode()).isEqualTo(42);
    assertThat(checkout).isEqualTo(checkout).isEqualTo(other);
    assertThat(checkout.equals(impl)).isTrue();
    assertThat(checkout.equals("x")).isFalse();
    assertThat(handler.events).isEmpty();
  }

  @Test
  void instrument_completableFuture_isMeasuredUntilItCompletes() {
    Checkout checkout = instrumentation.instrument(Checkout.class, new CheckoutImpl());
    CompletableFuture<String> pending = new CompletableFuture<>();

    CompletableFuture<String> returned = checkout.async(pending);

    assertThat(returned).isSameAs(pending);
    assertThat(handler.events)
        .containsExactly("start checkout.async", "open checkout.async", "close checkout.async");
    assertThat(registry.getCurrentObservation()).isNull();

    pending.complete("done");

    assertThat(handler.only().getError()).isNull();
    assertThat(handler.events).last().isEqualTo("stop checkout.async");
  }

  @Test
  void instrument_futureCompletedExceptionally_recordsTheCauseUnwrapped() {
    Checkout checkout = instrumentation.instrument(Checkout.class, new CheckoutImpl());
    CompletableFuture<String> pending = new CompletableFuture<>();
    IllegalStateException failure = new IllegalStateException("timeout talking to bank");

    CompletableFuture<String> chained = checkout.async(pending).thenApply(s -> s + "!");
    pending.completeExceptionally(failure);

    assertThat(handler.only().getError()).isSameAs(failure);
    assertThat(chained).isCompletedExceptionally();
  }

  @Test
  void instrument_completionStageOfAnotherStage_isMeasuredToCompletion() {
    Checkout checkout = instrumentation.instrument(Checkout.class, new CheckoutImpl());
    CompletableFuture<String> source = new CompletableFuture<>();

    checkout.stage(source.thenApply(s -> s));
    assertThat(handler.stopped).isEmpty();
    source.complete("ok");

    assertThat(handler.only().getName()).isEqualTo("checkout.stage");
  }

  interface Attributes {
    @Instrumented(name = "users.find")
    String find(
        @Attribute String userId,
        @SpanAttribute("user.region") String region,
        @Attribute("user.note") @Nullable String note,
        @Attribute("user.bio") String bio);
  }

  @Test
  void instrument_parameterAttributes_useNamesFromAnnotationOrParameterAndSkipNulls() {
    Attributes attributes =
        instrumentation.instrument(Attributes.class, (id, region, note, bio) -> id);

    attributes.find("u-1", "eu", null, "x".repeat(5000));

    Map<String, String> values = new java.util.HashMap<>();
    handler
        .only()
        .getHighCardinalityKeyValues()
        .forEach(kv -> values.put(kv.getKey(), kv.getValue()));
    assertThat(values).containsEntry("userId", "u-1").containsEntry("user.region", "eu");
    assertThat(values).doesNotContainKey("user.note");
    assertThat(values.get("user.bio")).hasSize(1024);
  }

  interface Fragile {
    @Instrumented(name = "fragile")
    String call(@Attribute("arg") Object argument);
  }

  @Test
  void instrument_argumentWhoseToStringThrows_callRunsAndFailureIsCounted() {
    Fragile fragile = instrumentation.instrument(Fragile.class, arg -> "called");
    Object hostile =
        new Object() {
          @Override
          public String toString() {
            throw new UnsupportedOperationException("no toString for you");
          }
        };

    assertThat(fragile.call(hostile)).isEqualTo("called");

    assertThat(handler.only().getHighCardinalityKeyValues()).isEmpty();
    assertThat(
            meters
                .get("observability.internal.errors")
                .tag("component", "instrument")
                .counter()
                .count())
        .isEqualTo(1.0);
  }

  interface Annotated {
    @Observed(
        name = "micrometer.observed",
        contextualName = "observed-call",
        lowCardinalityKeyValues = {"a", "1"})
    String observed();

    @Timed(
        value = "orders.timed",
        extraTags = {"kind", "test"})
    String timed(boolean fail);

    @Counted(value = "orders.counted")
    String counted(boolean fail);

    @Counted(value = "orders.failures", recordFailuresOnly = true)
    String failuresOnly(boolean fail);

    @WithSpan(value = "inventory.reserve", kind = SpanKind.CLIENT)
    String withSpan(@SpanAttribute("sku") String sku, boolean fail);

    @WithSpan
    @Instrumented(name = "both")
    String both();
  }

  static final class AnnotatedImpl implements Annotated {
    @Nullable Span spanInside;

    @Override
    public String observed() {
      return "observed";
    }

    @Override
    public String timed(boolean fail) {
      if (fail) {
        throw new IllegalArgumentException("bad");
      }
      return "timed";
    }

    @Override
    public String counted(boolean fail) {
      return timed(fail);
    }

    @Override
    public String failuresOnly(boolean fail) {
      return timed(fail);
    }

    @Override
    public String withSpan(String sku, boolean fail) {
      spanInside = Span.current();
      return timed(fail);
    }

    @Override
    public String both() {
      return "both";
    }
  }

  @Test
  void instrument_micrometerObserved_isAnObservationWithItsNamesAndKeyValues() {
    Annotated annotated = instrumentation.instrument(Annotated.class, new AnnotatedImpl());

    annotated.observed();

    Observation.Context context = handler.only();
    assertThat(context.getName()).isEqualTo("micrometer.observed");
    assertThat(context.getContextualName()).isEqualTo("observed-call");
    assertThat(context.getLowCardinalityKeyValues()).containsExactly(KeyValue.of("a", "1"));
  }

  @Test
  void instrument_micrometerTimed_recordsATimerTaggedWithClassMethodAndException() {
    Annotated annotated = instrumentation.instrument(Annotated.class, new AnnotatedImpl());

    annotated.timed(false);
    assertThatThrownBy(() -> annotated.timed(true)).isInstanceOf(IllegalArgumentException.class);

    assertThat(
            meters
                .get("orders.timed")
                .tag("kind", "test")
                .tag("class", Annotated.class.getName())
                .tag("method", "timed")
                .tag("exception", "none")
                .timer()
                .count())
        .isEqualTo(1);
    assertThat(
            meters.get("orders.timed").tag("exception", "IllegalArgumentException").timer().count())
        .isEqualTo(1);
    assertThat(handler.events).isEmpty();
  }

  @Test
  void instrument_micrometerCounted_countsResults() {
    Annotated annotated = instrumentation.instrument(Annotated.class, new AnnotatedImpl());

    annotated.counted(false);
    annotated.failuresOnly(false);
    assertThatThrownBy(() -> annotated.counted(true)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> annotated.failuresOnly(true))
        .isInstanceOf(IllegalArgumentException.class);

    assertThat(meters.get("orders.counted").tag("result", "success").counter().count())
        .isEqualTo(1);
    assertThat(
            meters
                .get("orders.counted")
                .tag("result", "failure")
                .tag("exception", "IllegalArgumentException")
                .counter()
                .count())
        .isEqualTo(1);
    assertThat(meters.find("orders.failures").tag("result", "success").counter()).isNull();
    assertThat(meters.get("orders.failures").tag("result", "failure").counter().count())
        .isEqualTo(1);
  }

  @Test
  void instrument_withSpan_isASpanOfItsKindWithAttributesAndCurrentDuringTheCall() {
    AnnotatedImpl impl = new AnnotatedImpl();
    Annotated annotated = instrumentation.instrument(Annotated.class, impl);

    annotated.withSpan("SKU-9", false);

    RecordingTracer.RecordedSpan span = tracer.only();
    assertThat(span.name).isEqualTo("inventory.reserve");
    assertThat(span.kind).isEqualTo(SpanKind.CLIENT);
    assertThat(span.attributes)
        .containsEntry("sku", "SKU-9")
        .containsEntry("code.function", "withSpan");
    assertThat(span.status).isEqualTo(StatusCode.UNSET);
    assertThat(impl.spanInside.getSpanContext()).isEqualTo(span.getSpanContext());
    assertThat(Span.current().getSpanContext().isValid()).isFalse();
    assertThat(handler.events).isEmpty();
  }

  @Test
  void instrument_withSpanThatThrows_marksTheSpanErrorAndRecordsTheException() {
    Annotated annotated = instrumentation.instrument(Annotated.class, new AnnotatedImpl());

    assertThatThrownBy(() -> annotated.withSpan("SKU-9", true))
        .isInstanceOf(IllegalArgumentException.class);

    RecordingTracer.RecordedSpan span = tracer.only();
    assertThat(span.status).isEqualTo(StatusCode.ERROR);
    assertThat(span.exceptions).singleElement().isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void instrument_withSpanOnAnInstrumentedMethod_addsNoSecondSpan() {
    Annotated annotated = instrumentation.instrument(Annotated.class, new AnnotatedImpl());

    annotated.both();

    assertThat(handler.only().getName()).isEqualTo("both");
    assertThat(tracer.ended).isEmpty();
  }

  interface OnImplementation {
    String work();
  }

  static final class AnnotatedImplementation implements OnImplementation {
    @Override
    @Instrumented(name = "impl.work")
    public String work() {
      return "worked";
    }
  }

  @Test
  void instrument_annotationOnTheImplementation_isHonoured() {
    OnImplementation proxy =
        instrumentation.instrument(OnImplementation.class, new AnnotatedImplementation());

    proxy.work();

    assertThat(handler.only().getName()).isEqualTo("impl.work");
  }

  @Instrumented(
      name = "repo",
      tags = {"layer=data"})
  interface Repository {
    String load();

    @Instrumented(name = "repo.special")
    String special();
  }

  @Test
  void instrument_typeLevelAnnotation_coversEveryMethodAndMethodLevelWins() {
    Repository repository =
        instrumentation.instrument(
            Repository.class,
            new Repository() {
              @Override
              public String load() {
                return "l";
              }

              @Override
              public String special() {
                return "s";
              }
            });

    repository.load();
    repository.special();

    assertThat(handler.stopped.get(0).getName()).isEqualTo("repo.load");
    assertThat(handler.stopped.get(0).getLowCardinalityKeyValues())
        .containsExactly(KeyValue.of("layer", "data"));
    assertThat(handler.stopped.get(1).getName()).isEqualTo("repo.special");
    assertThat(handler.stopped.get(1).getLowCardinalityKeyValues()).isEmpty();
  }

  interface Malformed {
    @Instrumented(tags = {"no-equals-sign"})
    void call();
  }

  @Test
  void instrument_malformedTag_failsWhenInstrumentingNotWhenCalling() {
    assertThatThrownBy(() -> instrumentation.instrument(Malformed.class, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no-equals-sign")
        .hasMessageContaining("key=value");
  }

  @Test
  void instrument_aClassInsteadOfAnInterface_isRejectedWithAHint() {
    assertThatThrownBy(() -> instrumentation.instrument(CheckoutImpl.class, new CheckoutImpl()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("subclass(");
  }

  @Test
  void instrument_throughTheFacade_reachesTheModulesHandlers() {
    RecordingHandler moduleHandler = new RecordingHandler();
    try (Observability obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property("shutdown.hook", "false")
            .discoverModules(false)
            .module(
                new ObservabilityModule() {
                  @Override
                  public String name() {
                    return "recording";
                  }

                  @Override
                  public int order() {
                    return 100;
                  }

                  @Override
                  public void start(ModuleContext context) {
                    context.addObservationHandler(moduleHandler);
                  }
                })
            .start()) {
      Checkout checkout = Instrumentation.instrument(Checkout.class, new CheckoutImpl(), obs);

      checkout.process("9", 1);

      assertThat(moduleHandler.only().getName()).isEqualTo("checkout.process");
    }
  }
}
