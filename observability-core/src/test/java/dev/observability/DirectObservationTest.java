package dev.observability;

import static dev.observability.internal.InternalErrors.METER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.instrument.Instrumentation;
import dev.observability.instrument.Instrumented;
import dev.observability.instrument.MethodObservationContext;
import dev.observability.internal.DirectObservation;
import dev.observability.internal.FacadeObservationRegistry;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.GlobalObservationConvention;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.ObservationView;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The registry hands out direct observations once the modules have started, with what the host adds
 * to its configuration applied as Micrometer applies it; either way every handler sees every
 * observation, in the same order and with the same context, and the two kinds nest in any order.
 */
class DirectObservationTest {

  private final List<String> events = Collections.synchronizedList(new ArrayList<>());
  private Observability obs;

  @AfterEach
  void close() {
    if (obs != null) {
      obs.close();
    }
  }

  /** A module whose two handlers record what they see, the second only for HTTP contexts. */
  private final class RecordingModule implements ObservabilityModule {
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
      context.addObservationHandler(new Recorder("a", false));
      context.addObservationHandler(new Recorder("b", true));
      context
          .observationRegistry()
          .observationConfig()
          .observationFilter(
              c -> c.addLowCardinalityKeyValue(KeyValue.of("filtered", c.getName())));
    }
  }

  private final class Recorder implements ObservationHandler<Observation.Context> {
    private final String id;
    private final boolean httpOnly;

    Recorder(String id, boolean httpOnly) {
      this.id = id;
      this.httpOnly = httpOnly;
    }

    private void record(String what, Observation.Context context) {
      events.add(id + ":" + what + ":" + context.getName());
    }

    @Override
    public void onStart(Observation.Context context) {
      record("start", context);
    }

    @Override
    public void onError(Observation.Context context) {
      record("error", context);
    }

    @Override
    public void onScopeOpened(Observation.Context context) {
      record("open", context);
    }

    @Override
    public void onScopeClosed(Observation.Context context) {
      record("close", context);
    }

    @Override
    public void onStop(Observation.Context context) {
      KeyValue filtered = context.getLowCardinalityKeyValue("filtered");
      record("stop" + (filtered == null ? "" : "(filtered)"), context);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return !httpOnly || context instanceof HttpServerObservationContext;
    }
  }

  private Observability start() {
    obs = startWith(new RecordingModule());
    return obs;
  }

  /** An instance with {@code module} alone, isolated from the host's configuration. */
  private static Observability startWith(ObservabilityModule module) {
    return startWith(module, new SimpleMeterRegistry());
  }

  /** The same, recording its meters to {@code registry}. */
  private static Observability startWith(ObservabilityModule module, MeterRegistry registry) {
    return Observability.builder()
        .meterRegistry(registry)
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .discoverModules(false)
        .module(module)
        .property(CoreConfig.SHUTDOWN_HOOK, false)
        .start();
  }

  private static HttpServerObservationContext request() {
    return new HttpServerObservationContext("GET", "/orders", null, name -> null);
  }

  /** A module that adds {@code count} recorders, named by their number. */
  private final class ManyHandlersModule implements ObservabilityModule {
    private final int count;

    ManyHandlersModule(int count) {
      this.count = count;
    }

    @Override
    public String name() {
      return "many";
    }

    @Override
    public int order() {
      return 100;
    }

    @Override
    public void start(ModuleContext context) {
      for (int i = 0; i < count; i++) {
        context.addObservationHandler(new Recorder("h" + i, false));
      }
    }
  }

  @Test
  void handlersUpToTheLimit_areCalledDirectly_theLastBitToo_andPastItThroughMicrometer() {
    int lastDirect = -1;
    for (int n = 1; n <= 40; n++) {
      events.clear();
      try (Observability instance = startWith(new ManyHandlersModule(n))) {
        Observation observation = instance.observation("many", new Observation.Context());
        observation.observe(() -> {});
        for (int i = 0; i < n; i++) {
          assertThat(events).as("%d handlers", n).contains("h" + i + ":stop:many");
        }
        if (observation instanceof DirectObservation) {
          lastDirect = n;
        }
      }
    }
    // Every handler of the registry has a bit; the SDK's own core handlers take some of them.
    assertThat(lastDirect).isBetween(1, 32);
    try (Observability instance = startWith(new ManyHandlersModule(lastDirect + 1))) {
      assertThat(instance.observation("many", new Observation.Context()))
          .isNotInstanceOf(DirectObservation.class);
    }
  }

  @Test
  void direct_handlersPastTheSlots_keepTheOrder_stopReversed() {
    int count = 12;
    obs = startWith(new ManyHandlersModule(count));
    Observation observation = obs.observation("many", new Observation.Context());
    assertThat(observation).isInstanceOf(DirectObservation.class);

    observation.observe(() -> events.add("work"));

    List<String> expected = new ArrayList<>();
    for (String what : List.of("start", "open")) {
      for (int i = 0; i < count; i++) {
        expected.add("h" + i + ":" + what + ":many");
      }
    }
    expected.add("work");
    for (String what : List.of("close", "stop")) {
      for (int i = count - 1; i >= 0; i--) {
        expected.add("h" + i + ":" + what + ":many");
      }
    }
    assertThat(events).containsExactlyElementsOf(expected);
  }

  /**
   * A module of {@code count} recorders, with {@code thrower} in place of number {@code failing}.
   */
  private final class FailingHandlerModule implements ObservabilityModule {
    private final int count;
    private final int failing;
    private final Thrower thrower;

    FailingHandlerModule(int count, int failing, Thrower thrower) {
      this.count = count;
      this.failing = failing;
      this.thrower = thrower;
    }

    @Override
    public String name() {
      return "failing";
    }

    @Override
    public int order() {
      return 100;
    }

    @Override
    public void start(ModuleContext context) {
      for (int i = 0; i < count; i++) {
        context.addObservationHandler(i == failing ? thrower : new Recorder("h" + i, false));
      }
    }
  }

  /**
   * Throws from every call; from {@code supportsContext} too unless it {@code supports} every
   * context.
   */
  private static final class Thrower implements ObservationHandler<Observation.Context> {
    private final boolean supports;

    Thrower(boolean supports) {
      this.supports = supports;
    }

    @Override
    public void onStart(Observation.Context context) {
      throw new IllegalStateException("onStart");
    }

    @Override
    public void onScopeOpened(Observation.Context context) {
      throw new IllegalStateException("onScopeOpened");
    }

    @Override
    public void onScopeClosed(Observation.Context context) {
      throw new IllegalStateException("onScopeClosed");
    }

    @Override
    public void onError(Observation.Context context) {
      throw new IllegalStateException("onError");
    }

    @Override
    public void onStop(Observation.Context context) {
      throw new IllegalStateException("onStop");
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      if (!supports) {
        throw new IllegalStateException("supportsContext");
      }
      return true;
    }
  }

  @Test
  void direct_moduleHandlerThrowing_inASlotOrPastThem_isCounted_othersAndTheHostGoOn() {
    for (int failing : new int[] {0, 3, 10}) {
      events.clear();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (Observability instance =
          startWith(new FailingHandlerModule(12, failing, new Thrower(false)), registry)) {
        Observation observation = instance.observation("f", new Observation.Context());
        assertThat(observation).isInstanceOf(DirectObservation.class);
        IllegalArgumentException hostError = new IllegalArgumentException("host");

        assertThatThrownBy(
                () ->
                    observation.observe(
                        () -> {
                          events.add("work");
                          throw hostError;
                        }))
            .isSameAs(hostError);

        assertThat(events).as("failing %d", failing).contains("work");
        for (int i = 0; i < 12; i++) {
          if (i != failing) {
            assertThat(events)
                .as("failing %d", failing)
                .contains(
                    "h" + i + ":start:f",
                    "h" + i + ":open:f",
                    "h" + i + ":error:f",
                    "h" + i + ":close:f",
                    "h" + i + ":stop:f");
          }
        }
        // The thrower failed in supportsContext, so nothing else was asked of it.
        assertThat(
                instance.meterRegistry().get(METER).tag("component", "failing").counter().count())
            .isEqualTo(1.0);
      }
    }
  }

  @Test
  void direct_supportingModuleHandlerThrowing_everyCallIsCounted() {
    for (int slot : new int[] {1, 9}) {
      events.clear();
      SimpleMeterRegistry registry = new SimpleMeterRegistry();
      try (Observability instance =
          startWith(new FailingHandlerModule(10, slot, new Thrower(true)), registry)) {
        Observation observation = instance.observation("f", new Observation.Context());
        assertThat(observation).isInstanceOf(DirectObservation.class);

        observation.observe(() -> events.add("work"));

        assertThat(events).contains("work");
        for (int i = 0; i < 10; i++) {
          if (i != slot) {
            assertThat(events).as("slot %d", slot).contains("h" + i + ":stop:f");
          }
        }
        // onStart, onScopeOpened, onScopeClosed and onStop.
        assertThat(
                instance.meterRegistry().get(METER).tag("component", "failing").counter().count())
            .isEqualTo(4.0);
      }
    }
  }

  @Test
  void direct_handlerNotAddedAsAModules_throwing_propagatesAsFromMicrometer() {
    obs =
        startWith(
            new ObservabilityModule() {
              @Override
              public String name() {
                return "unwrapped";
              }

              @Override
              public int order() {
                return 100;
              }

              @Override
              public void start(ModuleContext context) {
                context.addObservationHandler(new Recorder("a", false));
                // Straight into the registry's configuration, not through addObservationHandler.
                context
                    .observationRegistry()
                    .observationConfig()
                    .observationHandler(new Thrower(true));
              }
            });
    Observation observation = obs.observation("x", new Observation.Context());
    assertThat(observation).isInstanceOf(DirectObservation.class);

    assertThatThrownBy(observation::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("onStart");
  }

  @Test
  void modulesOnly_observationsAreDirect_handlersInOrder_filtersBeforeStop_stopReversed() {
    start();
    Observation observation = obs.observation(ObservationNames.HTTP_SERVER, request());

    assertThat(observation).isInstanceOf(DirectObservation.class);
    observation.observe(() -> events.add("work"));

    assertThat(events)
        .containsExactly(
            "a:start:http.server.request",
            "b:start:http.server.request",
            "a:open:http.server.request",
            "b:open:http.server.request",
            "work",
            "b:close:http.server.request",
            "a:close:http.server.request",
            "b:stop(filtered):http.server.request",
            "a:stop(filtered):http.server.request");
  }

  @Test
  void direct_handlersNotSupportingTheContext_areNotCalled() {
    start();

    obs.observe("plain", () -> {});

    assertThat(events)
        .containsExactly(
            "a:start:plain", "a:open:plain", "a:close:plain", "a:stop(filtered):plain");
  }

  @Test
  void direct_scopeMakesItCurrent_childrenOfBothKindsSeeItAsParent_andCurrentIsRestored() {
    start();
    ObservationRegistry registry = obs.observationRegistry();
    HttpServerObservationContext http = request();
    AtomicReference<Observation.ContextView> directChildParent = new AtomicReference<>();
    AtomicReference<Observation.ContextView> micrometerChildParent = new AtomicReference<>();
    AtomicReference<Observation.ContextView> directInsideMicrometerParent = new AtomicReference<>();

    obs.observation(ObservationNames.HTTP_SERVER, http)
        .observe(
            () -> {
              assertThat(registry.getCurrentObservation().getContextView()).isSameAs(http);
              assertThat(ObservationNames.currentRequest(registry)).containsSame(http);
              Observation direct = obs.observation("direct-child");
              direct.observe(
                  () ->
                      directChildParent.set(
                          direct.getContext().getParentObservation().getContextView()));
              Observation micrometer = Observation.createNotStarted("micrometer-child", registry);
              micrometer.observe(
                  () -> {
                    micrometerChildParent.set(
                        micrometer.getContext().getParentObservation().getContextView());
                    assertThat(registry.getCurrentObservation()).isSameAs(micrometer);
                    Observation inner = obs.observation("direct-in-micrometer");
                    inner.observe(
                        () ->
                            directInsideMicrometerParent.set(
                                inner.getContext().getParentObservation().getContextView()));
                    assertThat(registry.getCurrentObservation()).isSameAs(micrometer);
                  });
              assertThat(registry.getCurrentObservation().getContextView()).isSameAs(http);
            });

    assertThat(directChildParent.get()).isSameAs(http);
    assertThat(micrometerChildParent.get()).isSameAs(http);
    assertThat(directInsideMicrometerParent.get().getName()).isEqualTo("micrometer-child");
    assertThat(registry.getCurrentObservation()).isNull();
    assertThat(registry.getCurrentObservationScope()).isNull();
  }

  @Test
  void direct_secondScopeOfTheSameObservation_isItsOwnObject_andClosesInAnyOrder() {
    start();
    ObservationRegistry registry = obs.observationRegistry();
    Observation observation = obs.observation("twice").start();

    Observation.Scope first = observation.openScope();
    Observation.Scope second = observation.openScope();
    assertThat(second).isNotSameAs(first);
    assertThat(registry.getCurrentObservation()).isSameAs(observation);
    first.close();
    assertThat(registry.getCurrentObservation()).isSameAs(observation);
    second.close();
    assertThat(registry.getCurrentObservation()).isNull();
    observation.stop();
  }

  @Test
  void direct_hostException_passesUnchanged_andHandlersSeeTheError() {
    start();
    IllegalStateException thrown = new IllegalStateException("host failure");

    assertThatThrownBy(
            () ->
                obs.observe(
                    "failing",
                    (Runnable)
                        () -> {
                          throw thrown;
                        }))
        .isSameAs(thrown);
    assertThat(events).contains("a:error:failing");
  }

  @Test
  void hostAddsHandlerAfterStart_observationsStayDirect_theHostHandlerLastAtStartFirstAtStop() {
    start();
    FacadeObservationRegistry registry = (FacadeObservationRegistry) obs.observationRegistry();
    List<Observation.Context> seen = new ArrayList<>();
    registry
        .observationConfig()
        .observationHandler(
            new ObservationHandler<>() {
              @Override
              public void onStart(Observation.Context context) {
                events.add("host:start:" + context.getName());
              }

              @Override
              public void onStop(Observation.Context context) {
                events.add("host:stop:" + context.getName());
                seen.add(context);
              }

              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }
            });
    HttpServerObservationContext http = request();

    Observation observation = obs.observation(ObservationNames.HTTP_SERVER, http);
    observation.start().stop();

    assertThat(registry.isDirect()).isTrue();
    assertThat(observation).isInstanceOf(DirectObservation.class);
    assertThat(seen).singleElement().isSameAs(http);
    assertThat(events)
        .containsExactly(
            "a:start:http.server.request",
            "b:start:http.server.request",
            "host:start:http.server.request",
            "host:stop:http.server.request",
            "b:stop(filtered):http.server.request",
            "a:stop(filtered):http.server.request");
  }

  @Test
  void hostAddsPredicate_aRefusedObservationIsMicrometersNoop_andNoHandlerSeesIt() {
    start();
    ObservationRegistry registry = obs.observationRegistry();
    registry.observationConfig().observationPredicate((name, context) -> !name.equals("ignored"));

    Observation ignored = obs.observation("ignored");
    ignored.observe(() -> {});
    Observation kept = obs.observation("kept");

    assertThat(ignored.isNoop()).isTrue();
    assertThat(ignored)
        .isSameAs(Observation.createNotStarted("ignored", Observation.Context::new, registry));
    assertThat(kept).isInstanceOf(DirectObservation.class);
    assertThat(events).isEmpty();
  }

  /**
   * What Spring Boot adds to the registry after the modules started (predicates, a global
   * convention, a filter, a handler): a direct observation and Micrometer's own, on the same
   * registry, call the same handlers with the same contexts, key-values and names, in the same
   * order, and hand a refused observation out as the same no-op.
   */
  @Test
  void hostConfigurationAfterStart_directObservations_doWhatMicrometersDo() {
    start();
    FacadeObservationRegistry registry = (FacadeObservationRegistry) obs.observationRegistry();
    ObservationRegistry.ObservationConfig config = registry.observationConfig();
    config.observationPredicate(
        (name, context) -> {
          ObservationView parent = context.getParentObservation();
          events.add(
              "predicate:"
                  + name
                  + ":parent="
                  + (parent == null ? null : parent.getContextView().getName()));
          return !name.equals("muted");
        });
    config.observationConvention(new RenamingConvention());
    config.observationFilter(c -> c.addLowCardinalityKeyValue(KeyValue.of("host", "filter")));
    config.observationHandler(new KeyValueRecorder());

    List<String> direct = scenario(true);
    List<String> micrometers = scenario(false);

    assertThat(registry.isDirect()).isTrue();
    assertThat(direct).isEqualTo(micrometers);
    assertThat(direct)
        .contains(
            "predicate:http.server.request:parent=null",
            "predicate:child:parent=http.server.request.renamed",
            "predicate:muted:parent=http.server.request.renamed",
            "host:start:http.server.request.renamed:[convention=start, method=GET]",
            "host:stop:http.server.request.renamed(GET /orders):"
                + "[convention=start, filtered=http.server.request.renamed, host=filter,"
                + " method=GET]",
            "host:stop:child:[filtered=child, host=filter]",
            "muted:noop=true");
  }

  /**
   * A request with a child inside its scope and a muted observation beside the child, through
   * direct observations or Micrometer's own: what the handlers and the predicate saw.
   */
  private List<String> scenario(boolean direct) {
    events.clear();
    FacadeObservationRegistry registry = (FacadeObservationRegistry) obs.observationRegistry();
    Observation request = create(registry, direct, ObservationNames.HTTP_SERVER, request());
    assertThat(request instanceof DirectObservation).isEqualTo(direct);
    request.start();
    Observation.Scope scope = request.openScope();
    try {
      create(registry, direct, "child", new Observation.Context()).start().stop();
      Observation muted = create(registry, direct, "muted", new Observation.Context());
      muted.start().stop();
      events.add("muted:noop=" + muted.isNoop());
    } finally {
      scope.close();
    }
    request.stop();
    return new ArrayList<>(events);
  }

  private static Observation create(
      FacadeObservationRegistry registry,
      boolean direct,
      String name,
      Observation.Context context) {
    return direct
        ? registry.observation(name, context)
        : Observation.createNotStarted(name, () -> context, registry);
  }

  /** Renames the server observation and adds a key-value at start and one at stop. */
  private static final class RenamingConvention
      implements GlobalObservationConvention<HttpServerObservationContext> {
    @Override
    public boolean supportsContext(Observation.Context context) {
      return context instanceof HttpServerObservationContext;
    }

    @Override
    public KeyValues getLowCardinalityKeyValues(HttpServerObservationContext context) {
      return KeyValues.of("convention", "start", "method", context.getMethod());
    }

    @Override
    public String getName() {
      return "http.server.request.renamed";
    }

    @Override
    public String getContextualName(HttpServerObservationContext context) {
      return context.getMethod() + " /orders";
    }
  }

  /** A host's handler that records each call with the context's names and key-values. */
  private final class KeyValueRecorder implements ObservationHandler<Observation.Context> {
    private void record(String what, Observation.Context context) {
      List<String> keyValues = new ArrayList<>();
      context
          .getLowCardinalityKeyValues()
          .forEach(kv -> keyValues.add(kv.getKey() + "=" + kv.getValue()));
      Collections.sort(keyValues);
      String contextual = context.getContextualName();
      events.add(
          "host:"
              + what
              + ":"
              + context.getName()
              + (contextual == null ? "" : "(" + contextual + ")")
              + ":"
              + keyValues);
    }

    @Override
    public void onStart(Observation.Context context) {
      record("start", context);
    }

    @Override
    public void onScopeOpened(Observation.Context context) {
      record("open", context);
    }

    @Override
    public void onScopeClosed(Observation.Context context) {
      record("close", context);
    }

    @Override
    public void onStop(Observation.Context context) {
      record("stop", context);
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
      return true;
    }
  }

  /** An instrumented interface for the test below. */
  public interface Orders {
    @Instrumented(name = "orders.place", tags = "tier=payments")
    String place(String id);
  }

  @Test
  void instrumentedMethod_isADirectObservation_withItsContextNameAndKeyValues() {
    start();
    ObservationRegistry registry = obs.observationRegistry();
    List<Observation> inside = new ArrayList<>();
    Orders orders =
        Instrumentation.of(obs)
            .instrument(
                Orders.class,
                id -> {
                  inside.add(registry.getCurrentObservation());
                  return "placed " + id;
                });

    assertThat(orders.place("A-1")).isEqualTo("placed A-1");

    assertThat(inside).singleElement().isInstanceOf(DirectObservation.class);
    Observation.Context context = inside.get(0).getContext();
    assertThat(context).isInstanceOf(MethodObservationContext.class);
    assertThat(context.getLowCardinalityKeyValue("tier"))
        .isEqualTo(KeyValue.of("tier", "payments"));
    assertThat(events)
        .containsExactly(
            "a:start:orders.place",
            "a:open:orders.place",
            "a:close:orders.place",
            "a:stop(filtered):orders.place");
  }

  @Test
  void createNotStarted_isDirectOnAnInstancesRegistry_andMicrometersOnAnyOther() {
    start();
    ObservationRegistry plain = ObservationRegistry.create();
    plain.observationConfig().observationHandler(context -> true);

    assertThat(
            FacadeObservationRegistry.createNotStarted(
                "client", new Observation.Context(), obs.observationRegistry()))
        .isInstanceOf(DirectObservation.class);
    Observation micrometers =
        FacadeObservationRegistry.createNotStarted("client", new Observation.Context(), plain);
    assertThat(micrometers).isNotInstanceOf(DirectObservation.class);
    assertThat(micrometers.isNoop()).isFalse();
    assertThat(
            FacadeObservationRegistry.createNotStarted(
                "client", new Observation.Context(), ObservationRegistry.NOOP))
        .matches(Observation::isNoop);
  }

  @Test
  void withoutAnyHandler_observationsAreNoops() {
    obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .property(CoreConfig.SHUTDOWN_HOOK, false)
            .start();

    assertThat(obs.observation("nothing").isNoop()).isTrue();
  }
}
