package dev.observability.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SubclassTest {

  private final RecordingHandler handler = new RecordingHandler();
  private final ObservationRegistry registry = ObservationRegistry.create();
  private final RecordingTracer tracer = new RecordingTracer();
  private Instrumentation instrumentation;

  @BeforeEach
  void setUp() {
    registry.observationConfig().observationHandler(handler);
    instrumentation = Instrumentation.of(registry, new SimpleMeterRegistry(), tracer);
  }

  /** A concrete service, package-private, with a constructor argument. */
  static class OrderService {
    private final String prefix;

    OrderService(String prefix) {
      this.prefix = prefix;
    }

    @Instrumented(name = "orders.create")
    public String create(@Attribute("order.sku") String sku) {
      return prefix + validate(sku);
    }

    @Instrumented(name = "orders.validate")
    String validate(String sku) {
      return sku.toUpperCase(java.util.Locale.ROOT);
    }

    @Instrumented(name = "orders.fail")
    protected void fail() throws IOException {
      throw new IOException("warehouse offline");
    }

    @Instrumented(name = "orders.later")
    public CompletableFuture<String> later(CompletableFuture<String> result) {
      return result;
    }

    public int plain(int x) {
      return x * 2;
    }
  }

  @Test
  void subclass_annotatedMethods_areRecordedIncludingCallsOnItself() {
    OrderService service = instrumentation.subclass(OrderService.class, "order-");

    assertThat(service.create("abc")).isEqualTo("order-ABC");

    assertThat(handler.stopped)
        .extracting(c -> c.getName())
        .containsExactly("orders.validate", "orders.create");
    assertThat(handler.stopped.get(0).getParentObservation().getContextView())
        .isSameAs(handler.stopped.get(1));
    assertThat(handler.stopped.get(1).getHighCardinalityKeyValue("order.sku").getValue())
        .isEqualTo("abc");
    MethodObservationContext context = (MethodObservationContext) handler.stopped.get(1);
    assertThat(context.getDeclaringClass()).isEqualTo(OrderService.class);
    assertThat(service).isInstanceOf(OrderService.class);
    assertThat(service.getClass()).isNotEqualTo(OrderService.class);
  }

  @Test
  void subclass_checkedException_isRecordedAndRethrownUnchanged() {
    OrderService service = instrumentation.subclass(OrderService.class, "x");

    assertThatThrownBy(service::fail)
        .isExactlyInstanceOf(IOException.class)
        .hasMessage("warehouse offline");

    assertThat(handler.only().getError()).isInstanceOf(IOException.class);
  }

  @Test
  void subclass_futureReturn_isMeasuredUntilItCompletes() {
    OrderService service = instrumentation.subclass(OrderService.class, "x");
    CompletableFuture<String> pending = new CompletableFuture<>();

    service.later(pending);
    assertThat(handler.stopped).isEmpty();
    pending.complete("ok");

    assertThat(handler.only().getName()).isEqualTo("orders.later");
  }

  @Test
  void subclass_unannotatedMethod_isNotRecorded() {
    OrderService service = instrumentation.subclass(OrderService.class, "x");

    assertThat(service.plain(21)).isEqualTo(42);

    assertThat(handler.events).isEmpty();
  }

  @Test
  void subclass_isGeneratedOncePerType() {
    OrderService first = instrumentation.subclass(OrderService.class, "a");
    OrderService second = instrumentation.subclass(OrderService.class, "b");

    assertThat(first.getClass()).isSameAs(second.getClass());
    assertThat(second.create("q")).isEqualTo("bQ");
  }

  @Test
  void subclass_constructorArgumentsThatFitNoConstructor_areRejected() {
    assertThatThrownBy(() -> instrumentation.subclass(OrderService.class, 42))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("constructor");
  }

  static final class FinalService {
    @Instrumented
    public void run() {}
  }

  @Test
  void subclass_finalClass_isRejectedWithAHint() {
    assertThatThrownBy(() -> instrumentation.subclass(FinalService.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("final")
        .hasMessageContaining("instrument(interface, target)");
  }

  static class FinalMethodService {
    @Instrumented
    public final void run() {}

    @Instrumented
    private void hidden() {}

    void callHidden() {
      hidden();
    }
  }

  @Test
  void subclass_finalOrPrivateAnnotatedMethods_areRejectedByName() {
    assertThatThrownBy(() -> instrumentation.subclass(FinalMethodService.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("FinalMethodService.run")
        .hasMessageContaining("FinalMethodService.hidden");
  }

  /** A public class in a public type, with an inherited annotated method. */
  public static class Base {
    @Instrumented(name = "base.work")
    public String work() {
      return "base";
    }
  }

  public static class Derived extends Base {
    public String more() {
      return work() + "+more";
    }
  }

  @Test
  void subclass_inheritedAnnotatedMethod_isRecorded() {
    Derived derived = instrumentation.subclass(Derived.class);

    assertThat(derived.more()).isEqualTo("base+more");

    assertThat(handler.only().getName()).isEqualTo("base.work");
  }
}
