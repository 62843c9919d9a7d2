package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.observability.scrub.Scrubber;
import dev.observability.tracing.SamplingPolicy;
import dev.observability.tracing.TestClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TailSamplingSpanProcessorTest {

  private final TestClock clock = new TestClock();
  private final List<Sdk> sdks = new ArrayList<>();

  /** One tracer provider with our sampler and processor, exporting into memory. */
  private final class Sdk {
    final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    final InMemorySpanExporter exporter = new InMemorySpanExporter();
    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final ExportPipeline pipeline;
    final TailSamplingSpanProcessor processor;
    final SdkTracerProvider provider;
    final Tracer tracer;
    final LightTracer light;

    Sdk(double ratio, int queueSize, Consumer<TailSamplingSpanProcessor.Builder> custom) {
      this(ratio, queueSize, custom, Scrubber.noop(), true);
    }

    Sdk(
        double ratio,
        int queueSize,
        Consumer<TailSamplingSpanProcessor.Builder> custom,
        Scrubber scrubber,
        boolean respectParentSampled) {
      TracingMetrics metrics = new TracingMetrics(registry);
      pipeline =
          new ExportPipeline(
              exporter,
              scrubber,
              metrics,
              errors::add,
              queueSize,
              Math.min(512, queueSize),
              Duration.ofSeconds(30),
              Duration.ofSeconds(30));
      TailSamplingSpanProcessor.Builder builder =
          TailSamplingSpanProcessor.builder(pipeline, metrics)
              .errors(errors::add)
              .respectParentSampled(respectParentSampled)
              .latencyThreshold(Duration.ofMillis(50))
              .clock(clock)
              .sweep(false);
      custom.accept(builder);
      processor = builder.build();
      provider =
          SdkTracerProvider.builder()
              .setClock(clock)
              .setSampler(new ErrorBiasedSampler(new TraceIdRatio(ratio), respectParentSampled))
              .addSpanProcessor(processor)
              .build();
      tracer = provider.get("test");
      // The handler's tracer, on the same clock and processor.
      light =
          new LightTracer(
              new ErrorBiasedSampler(new TraceIdRatio(ratio), respectParentSampled),
              IdGenerator.random(),
              clock,
              SpanLimits.getDefault(),
              Resource::getDefault,
              InstrumentationScopeInfo.create("test"),
              processor);
      sdks.add(this);
    }

    List<SpanData> flushed() {
      assertThat(processor.forceFlush().join(10, TimeUnit.SECONDS).isSuccess()).isTrue();
      return exporter.spans();
    }

    double decided(String decision, String policy) {
      var counter =
          registry
              .find(TracingMetrics.TRACES_DECIDED)
              .tag("decision", decision)
              .tag("policy", policy)
              .functionCounter();
      return counter == null ? 0 : counter.count();
    }

    double dropped(TracingMetrics.DropReason reason) {
      var counter =
          registry.find(TracingMetrics.SPANS_DROPPED).tag("reason", reason.tag()).functionCounter();
      return counter == null ? 0 : counter.count();
    }

    Span root(String name) {
      return tracer.spanBuilder(name).setNoParent().setSpanKind(SpanKind.SERVER).startSpan();
    }

    Span child(Span parent, String name) {
      return tracer.spanBuilder(name).setParent(Context.root().with(parent)).startSpan();
    }

    LightSpan lightRoot(String name) {
      return light.start(name, SpanKind.SERVER, Context.root(), 4);
    }

    LightSpan lightChild(Span parent, String name) {
      return light.start(name, SpanKind.INTERNAL, Context.root().with(parent), 4);
    }
  }

  private Sdk sdk(double ratio) {
    return new Sdk(ratio, 2048, b -> {});
  }

  @AfterEach
  void shutdown() {
    for (Sdk sdk : sdks) {
      sdk.exporter.respondWith(CompletableResultCode::ofSuccess);
      sdk.provider.shutdown().join(10, TimeUnit.SECONDS);
      assertThat(sdk.errors).isEmpty();
    }
  }

  private static Set<String> names(List<SpanData> spans) {
    return spans.stream().map(SpanData::getName).collect(Collectors.toSet());
  }

  private static String policyOf(List<SpanData> spans, String name) {
    return spans.stream()
        .filter(s -> s.getName().equals(name))
        .findFirst()
        .orElseThrow()
        .getAttributes()
        .get(SamplingPolicy.ATTRIBUTE);
  }

  @Test
  void errorChild_keepsWholeFragment_rootCarriesErrorPolicy() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /orders");
    Span ok = sdk.child(root, "load");
    ok.end();
    Span failing = sdk.child(root, "charge");
    failing.setStatus(StatusCode.ERROR);
    failing.end();
    root.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactlyInAnyOrder("GET /orders", "load", "charge");
    assertThat(policyOf(exported, "GET /orders")).isEqualTo("error");
    assertThat(policyOf(exported, "load")).isNull();
    assertThat(sdk.decided("kept", "error")).isEqualTo(1);
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();
  }

  @Test
  void fragmentsOfOneToThreeChildren_keptWhole_orDroppedWithBuffersEmptied() {
    Sdk sdk = sdk(0.0);
    fragmentsOfOneToThreeChildren(sdk, sdk::root, sdk::child);
  }

  @Test
  void lightFragmentsOfOneToThreeChildren_keptWhole_orDroppedWithBuffersEmptied() {
    // One clean light child is held by its root; a second one, clean or failing, takes it to the
    // buffer with it, or a failing one goes there alone.
    Sdk sdk = sdk(0.0);
    fragmentsOfOneToThreeChildren(sdk, sdk::lightRoot, sdk::lightChild);
  }

  /**
   * Roots with one to three children, the last one failing or not: each fragment is kept whole
   * (children in the order they ended, then the root) or dropped, and the buffers are emptied. A
   * root that is a light span holds its first clean light child out of the buffer.
   */
  private void fragmentsOfOneToThreeChildren(
      Sdk sdk,
      Function<String, ? extends Span> roots,
      BiFunction<Span, String, ? extends Span> children) {
    for (int count = 1; count <= 3; count++) {
      for (boolean failing : new boolean[] {false, true}) {
        String rootName = "root-" + count + "-" + failing;
        Span root = roots.apply(rootName);
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          Span child = children.apply(root, rootName + "/child-" + i);
          if (failing && i == count - 1) {
            child.setStatus(StatusCode.ERROR);
          }
          child.end();
          expected.add(rootName + "/child-" + i);
          boolean held = root instanceof LightSpan && i == 0 && !(failing && count == 1);
          assertThat(sdk.processor.bufferedTraces()).isEqualTo(held ? 0 : 1);
          assertThat(sdk.processor.bufferedSpans()).isEqualTo(held ? 0 : i + 1);
        }
        root.end();
        assertThat(sdk.processor.bufferedSpans()).isZero();
        assertThat(sdk.processor.bufferedTraces()).isZero();
        if (failing) {
          expected.add(rootName);
          List<String> exported =
              sdk.flushed().stream()
                  .map(SpanData::getName)
                  .filter(n -> n.startsWith(rootName))
                  .toList();
          assertThat(exported).containsExactlyElementsOf(expected);
          assertThat(policyOf(sdk.flushed(), rootName)).isEqualTo("error");
        }
      }
    }
    assertThat(sdk.decided("kept", "error")).isEqualTo(3);
    assertThat(sdk.decided("dropped", "ratio")).isEqualTo(3);
    assertThat(sdk.flushed()).hasSize(2 + 3 + 4);
  }

  @Test
  void lightChildAlone_keptWithItsSlowRoot_andByADownstreamKeep() {
    Sdk sdk = sdk(0.0);
    LightSpan slow = sdk.lightRoot("slow");
    sdk.lightChild(slow, "slow/child").end();
    clock.advance(Duration.ofMillis(60));
    slow.end();

    LightSpan front = sdk.lightRoot("front");
    sdk.lightChild(front, "front/call").end();
    sdk.processor.keepDownstream(front.getSpanContext().getTraceId());
    front.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported))
        .containsExactlyInAnyOrder("slow", "slow/child", "front", "front/call");
    assertThat(policyOf(exported, "slow")).isEqualTo("latency");
    assertThat(policyOf(exported, "front")).isEqualTo("downstream");
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();
  }

  @Test
  void lightChildAlone_isHeldByItsRunningRoot_notExpired_andKeptWithTheRootHoweverLate() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.fragmentTtl(Duration.ofSeconds(30)));
    LightSpan root = sdk.lightRoot("long");
    sdk.lightChild(root, "long/a").end();
    // Held by its root: out of the buffer and its TTL.
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();
    clock.advance(Duration.ofSeconds(31));
    assertThat(sdk.processor.sweep()).isZero();
    root.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactly("long/a", "long");
    assertThat(policyOf(exported, "long")).isEqualTo("latency");
    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPIRED)).isZero();
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();

    // Dropped with its root, nothing counted but the decision.
    LightSpan quick = sdk.lightRoot("quick");
    sdk.lightChild(quick, "quick/a").end();
    quick.end();
    assertThat(sdk.decided("dropped", "ratio")).isEqualTo(1);
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.flushed()).hasSize(2);
  }

  @Test
  void lightChildren_whoseRootNeverEnds_expireOnceASecondGoesToTheBuffer_andAtShutdown() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.fragmentTtl(Duration.ofSeconds(30)));
    LightSpan root = sdk.lightRoot("never-ends");
    sdk.lightChild(root, "a").end();
    clock.advance(Duration.ofSeconds(29));
    assertThat(sdk.processor.sweep()).isZero();
    // A second span takes the held one to the buffer with it: the fragment's age still runs from
    // the first one's end.
    sdk.lightChild(root, "b").end();
    assertThat(sdk.processor.bufferedSpans()).isEqualTo(2);
    assertThat(sdk.processor.bufferedTraces()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(2));
    assertThat(sdk.processor.sweep()).isEqualTo(1);
    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPIRED)).isEqualTo(2);
    assertThat(sdk.decided("dropped", "expired")).isEqualTo(1);

    // A later span of the fragment follows the expired fragment's decision, as a late span.
    sdk.lightChild(root, "c").end();
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();

    // A lone span whose root is not a light span is buffered, and expires.
    Span sdkRoot = sdk.root("sdk-root");
    sdk.lightChild(sdkRoot, "e").end();
    assertThat(sdk.processor.bufferedSpans()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(31));
    assertThat(sdk.processor.sweep()).isEqualTo(1);
    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPIRED)).isEqualTo(3);

    // A span held when the processor shuts down is counted as expired when its root ends.
    LightSpan open = sdk.lightRoot("open");
    sdk.lightChild(open, "d").end();
    sdk.provider.shutdown().join(10, TimeUnit.SECONDS);
    sdk.processor.shutdown().join(10, TimeUnit.SECONDS);
    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPIRED)).isEqualTo(3);
    open.end();
    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPIRED)).isEqualTo(4);
    assertThat(sdk.decided("dropped", "expired")).isEqualTo(3);
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();
    assertThat(sdk.exporter.spans()).isEmpty();
  }

  @Test
  void fragmentsMixingHeldAndBufferedSpans_keepTheLightSpansInTheOrderTheyEnded() {
    Sdk sdk = sdk(0.0);
    // An error first: the root's slot is closed, the clean span after it is buffered after it.
    LightSpan root = sdk.lightRoot("errors-first");
    LightSpan failing = sdk.lightChild(root, "errors-first/failing");
    failing.setStatus(StatusCode.ERROR);
    failing.end();
    sdk.lightChild(root, "errors-first/clean").end();
    root.end();
    assertThat(sdk.flushed().stream().map(SpanData::getName).toList())
        .containsExactly("errors-first/failing", "errors-first/clean", "errors-first");

    // A grandchild is held by the local root too; an SDK span of the host is buffered beside it;
    // a nested light child that fails keeps them all.
    LightSpan request = sdk.lightRoot("request");
    LightSpan work = sdk.lightChild(request, "request/work");
    sdk.lightChild(work, "request/work/step").end();
    sdk.child(request, "request/host").end();
    work.setStatus(StatusCode.ERROR);
    work.end();
    request.end();
    List<String> names =
        sdk.flushed().stream().map(SpanData::getName).filter(n -> n.startsWith("request")).toList();
    assertThat(names)
        .containsExactlyInAnyOrder("request/work/step", "request/host", "request/work", "request");
    assertThat(names.indexOf("request/work/step")).isLessThan(names.indexOf("request/work"));
    assertThat(policyOf(sdk.flushed(), "request")).isEqualTo("error");
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();
  }

  @Test
  void lightChildren_endingTogether_andWithTheirRoot_loseNoSpanAndLeaveNoCount() throws Exception {
    Sdk sdk = new Sdk(0.0, 8192, b -> b.fragmentTtl(Duration.ofSeconds(30)));
    int traces = 400;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      // Children of one fragment end on two threads at once; then the root ends.
      for (int t = 0; t < traces; t++) {
        LightSpan root = sdk.lightRoot("r" + t);
        LightSpan a = sdk.lightChild(root, "r" + t + "/a");
        LightSpan b = sdk.lightChild(root, "r" + t + "/b");
        if (t % 2 == 0) {
          b.setStatus(StatusCode.ERROR);
        }
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        var endA = pool.submit(() -> awaitThen(go, a::end));
        var endB = pool.submit(() -> awaitThen(go, b::end));
        go.countDown();
        endA.get(10, TimeUnit.SECONDS);
        endB.get(10, TimeUnit.SECONDS);
        assertThat(sdk.processor.bufferedSpans()).isEqualTo(2);
        root.end();
      }
      List<SpanData> exported = sdk.flushed();
      assertThat(exported).hasSize(3 * traces / 2);
      assertThat(sdk.processor.bufferedSpans()).isZero();

      // Children end while their root ends: every count comes back to zero by the TTL at most.
      for (int t = 0; t < traces; t++) {
        LightSpan root = sdk.lightRoot("s" + t);
        LightSpan a = sdk.lightChild(root, "s" + t + "/a");
        LightSpan b = sdk.lightChild(root, "s" + t + "/b");
        java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
        var endA = pool.submit(() -> awaitThen(go, a::end));
        var endB = pool.submit(() -> awaitThen(go, b::end));
        var endRoot = pool.submit(() -> awaitThen(go, root::end));
        go.countDown();
        endA.get(10, TimeUnit.SECONDS);
        endB.get(10, TimeUnit.SECONDS);
        endRoot.get(10, TimeUnit.SECONDS);
      }
      clock.advance(Duration.ofSeconds(31));
      sdk.processor.sweep();
      assertThat(sdk.processor.bufferedSpans()).isZero();
      assertThat(sdk.processor.bufferedTraces()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  private static Void awaitThen(java.util.concurrent.CountDownLatch go, Runnable action)
      throws InterruptedException {
    go.await(10, TimeUnit.SECONDS);
    action.run();
    return null;
  }

  @Test
  void downstreamKeep_beforeRootEnds_keepsWholeFragmentWithDownstreamPolicy() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /front");
    Span call = sdk.child(root, "POST");
    sdk.processor.keepDownstream(call.getSpanContext().getTraceId());
    call.end();
    Span later = sdk.child(root, "render");
    later.end();
    root.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactlyInAnyOrder("GET /front", "POST", "render");
    assertThat(policyOf(exported, "GET /front")).isEqualTo("downstream");
    assertThat(sdk.decided("kept", "downstream")).isEqualTo(1);
    assertThat(sdk.decided("dropped", "ratio")).isZero();
    assertThat(sdk.processor.bufferedSpans()).isZero();
  }

  @Test
  void downstreamKeep_ofABufferedFragment_keepsIt() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /front");
    Span call = sdk.child(root, "POST");
    call.end();
    assertThat(sdk.processor.bufferedSpans()).isEqualTo(1);
    sdk.processor.keepDownstream(root.getSpanContext().getTraceId());
    root.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactlyInAnyOrder("GET /front", "POST");
    assertThat(policyOf(exported, "GET /front")).isEqualTo("downstream");
  }

  @Test
  void downstreamKeep_withAnErrorInTheFragment_isLabelledError() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /middle");
    Span call = sdk.child(root, "POST");
    call.setStatus(StatusCode.ERROR);
    sdk.processor.keepDownstream(call.getSpanContext().getTraceId());
    call.end();
    root.end();

    assertThat(policyOf(sdk.flushed(), "GET /middle")).isEqualTo("error");
    assertThat(sdk.decided("kept", "error")).isEqualTo(1);
    assertThat(sdk.decided("kept", "downstream")).isZero();
  }

  @Test
  void downstreamKeep_ofAnotherTrace_keepsNothingHere() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /front");
    sdk.processor.keepDownstream(IdGenerator.random().generateTraceId());
    root.end();

    assertThat(sdk.flushed()).isEmpty();
    assertThat(sdk.decided("dropped", "ratio")).isEqualTo(1);
  }

  @Test
  void downstreamKeep_afterTheRootDropped_keepsTheSpansStillToEnd() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /fire-and-forget");
    Span background = sdk.child(root, "notify");
    root.end();
    sdk.processor.keepDownstream(root.getSpanContext().getTraceId());
    background.end();

    assertThat(names(sdk.flushed())).containsExactly("notify");
  }

  @Test
  void downstreamKeep_ofASampledTrace_leavesTheRatioLabel() {
    Sdk sdk = sdk(1.0);
    Span root = sdk.root("GET /front");
    sdk.processor.keepDownstream(root.getSpanContext().getTraceId());
    root.end();

    assertThat(policyOf(sdk.flushed(), "GET /front")).isEqualTo("ratio");
  }

  @Test
  void downstreamKeep_ofAFragmentOverTheCaps_stillKeepsTheRoot() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.maxBufferedTraces(1));
    Span other = sdk.root("GET /other");
    sdk.child(other, "holds-the-only-slot").end();
    Span root = sdk.root("GET /front");
    Span call = sdk.child(root, "POST");
    sdk.processor.keepDownstream(call.getSpanContext().getTraceId());
    call.end();
    root.end();
    other.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactlyInAnyOrder("GET /front");
    assertThat(policyOf(exported, "GET /front")).isEqualTo("downstream");
  }

  /** A second local root of {@code call}'s trace in this process: the callee's server span. */
  private static Span calleeRoot(Sdk sdk, Span call, String name) {
    return sdk.tracer
        .spanBuilder(name)
        .setParent(calledBy(call))
        .setSpanKind(SpanKind.SERVER)
        .startSpan();
  }

  /** The context a callee in this process extracts from {@code call}'s unsampled request. */
  private static Context calledBy(Span call) {
    SpanContext remote =
        SpanContext.createFromRemoteParent(
            call.getSpanContext().getTraceId(),
            call.getSpanContext().getSpanId(),
            TraceFlags.getDefault(),
            TraceState.getDefault());
    return Context.root().with(Span.wrap(remote));
  }

  @Test
  void serviceCallingItself_calleeRootEndsFirst_callersRootStillKeptForTheCalleesKeep() {
    for (boolean callBufferedBeforeCalleeEnds : new boolean[] {true, false}) {
      Sdk sdk = sdk(0.0);
      Span checkout = sdk.root("POST /api/checkout");
      sdk.child(checkout, "create_order").end();
      Span call = sdk.child(checkout, "POST");
      Span inventory = calleeRoot(sdk, call, "POST /api/inventory/reserve");
      inventory.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 503L);
      String traceId = checkout.getSpanContext().getTraceId();
      if (callBufferedBeforeCalleeEnds) {
        sdk.processor.keepDownstream(traceId);
        call.end();
        inventory.end();
      } else {
        inventory.end();
        sdk.processor.keepDownstream(traceId);
        call.end();
      }
      checkout.end();

      List<SpanData> exported = sdk.flushed();
      assertThat(names(exported))
          .as("call buffered first: %s", callBufferedBeforeCalleeEnds)
          .containsExactlyInAnyOrder(
              "POST /api/checkout", "create_order", "POST", "POST /api/inventory/reserve");
      assertThat(policyOf(exported, "POST /api/inventory/reserve")).isEqualTo("error");
      assertThat(policyOf(exported, "POST /api/checkout")).isEqualTo("downstream");
    }
  }

  @Test
  void serviceCallingItself_calleeDroppedFirst_callersHeldSpanStillKeptWithItsSlowRoot() {
    Sdk sdk = sdk(0.0);
    LightSpan checkout = sdk.lightRoot("POST /api/checkout");
    LightSpan call = sdk.lightChild(checkout, "POST");
    LightSpan inventory =
        sdk.light.start("POST /api/inventory/reserve", SpanKind.SERVER, calledBy(call), 4);
    // The callee, quick and clean, is dropped first; the trace's decision says so.
    inventory.end();
    assertThat(sdk.decided("dropped", "ratio")).isEqualTo(1);
    // The caller's span ends after that decision, held by its own root, which is then kept for
    // its latency: the fragment is exported whole.
    call.end();
    clock.advance(Duration.ofMillis(60));
    checkout.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactlyInAnyOrder("POST /api/checkout", "POST");
    assertThat(policyOf(exported, "POST /api/checkout")).isEqualTo("latency");
  }

  @Test
  void serviceCallingItself_callersErrorDecidedByTheCalleesRoot_callersRootKeptAsError() {
    Sdk sdk = sdk(0.0);
    Span checkout = sdk.root("POST /api/checkout");
    Span failing = sdk.child(checkout, "charge");
    failing.setStatus(StatusCode.ERROR);
    failing.end();
    Span call = sdk.child(checkout, "POST");
    calleeRoot(sdk, call, "POST /api/inventory/reserve").end();
    call.end();
    checkout.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported))
        .containsExactlyInAnyOrder(
            "POST /api/checkout", "charge", "POST", "POST /api/inventory/reserve");
    assertThat(policyOf(exported, "POST /api/checkout")).isEqualTo("error");
  }

  @Test
  void expiredFragmentWithADownstreamKeep_isKept() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.fragmentTtl(Duration.ofSeconds(1)));
    Span root = sdk.root("GET /hangs");
    sdk.child(root, "POST").end();
    sdk.processor.keepDownstream(root.getSpanContext().getTraceId());
    clock.advance(Duration.ofSeconds(2));

    assertThat(sdk.processor.sweep()).isEqualTo(1);
    assertThat(names(sdk.flushed())).containsExactly("POST");
    assertThat(sdk.decided("kept", "downstream")).isEqualTo(1);
  }

  @Test
  void exceptionEventWithoutErrorStatus_countsAsError() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("job");
    Span child = sdk.child(root, "step");
    child.recordException(new IllegalStateException("boom"));
    child.end();
    root.end();

    assertThat(names(sdk.flushed())).containsExactlyInAnyOrder("job", "step");
  }

  @Test
  void lightSpans_5xxRootKeptAsAnError_failedCallWhoseCalleeKeptTheTraceKeptAsDownstream() {
    Sdk sdk = sdk(0.0);
    endRootsWith503And404(sdk::lightRoot);
    LightSpan front = sdk.lightRoot("GET /c");
    LightSpan call = sdk.lightChild(front, "GET /c/call");
    assertThat(call.keepDownstream()).isTrue();
    call.setStatus(StatusCode.ERROR);
    call.end();
    front.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactlyInAnyOrder("GET /a", "GET /c", "GET /c/call");
    assertThat(policyOf(exported, "GET /a")).isEqualTo("error");
    assertThat(policyOf(exported, "GET /c")).isEqualTo("downstream");
    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.processor.bufferedTraces()).isZero();
  }

  /** Ends a root "GET /a" that answered 503 and a root "GET /b" that answered 404. */
  private static void endRootsWith503And404(Function<String, ? extends Span> roots) {
    Span failed = roots.apply("GET /a");
    failed.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 503L);
    failed.end();
    Span notFound = roots.apply("GET /b");
    notFound.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 404L);
    notFound.end();
  }

  @Test
  void serverRootWith5xx_isKept_5xxWithoutErrorStatusToo() {
    Sdk sdk = sdk(0.0);
    endRootsWith503And404(sdk::root);

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactly("GET /a");
    assertThat(sdk.decided("kept", "error")).isEqualTo(1);
    assertThat(sdk.decided("dropped", "ratio")).isEqualTo(1);
  }

  @Test
  void slowRoot_isKept_withLatencyPolicy() {
    Sdk sdk = sdk(0.0);
    Span slow = sdk.root("slow");
    clock.advance(Duration.ofMillis(51));
    slow.end();
    Span fast = sdk.root("fast");
    clock.advance(Duration.ofMillis(49));
    fast.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactly("slow");
    assertThat(policyOf(exported, "slow")).isEqualTo("latency");
  }

  @Test
  void sampledRemoteParent_isKept_withParentPolicy_unlessNotRespected() {
    Sdk respecting = sdk(0.0);
    Sdk ignoring = new Sdk(0.0, 2048, b -> {}, Scrubber.noop(), false);
    IdGenerator ids = IdGenerator.random();
    Context parent =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.createFromRemoteParent(
                        ids.generateTraceId(),
                        ids.generateSpanId(),
                        TraceFlags.getSampled(),
                        TraceState.getDefault())));
    respecting.tracer.spanBuilder("inbound").setParent(parent).startSpan().end();
    ignoring.tracer.spanBuilder("inbound").setParent(parent).startSpan().end();

    assertThat(policyOf(respecting.flushed(), "inbound")).isEqualTo("parent");
    assertThat(ignoring.flushed()).isEmpty();
  }

  @Test
  void ratioOne_keepsEverything_ratioZero_dropsUnremarkableTraces() {
    Sdk all = sdk(1.0);
    Sdk none = sdk(0.0);
    for (int i = 0; i < 20; i++) {
      all.root("r").end();
      none.root("r").end();
    }

    assertThat(all.flushed()).hasSize(20);
    assertThat(all.decided("kept", "ratio")).isEqualTo(20);
    assertThat(none.flushed()).isEmpty();
    assertThat(none.decided("dropped", "ratio")).isEqualTo(20);
    // Sampled-out spans were never meant to be exported: not counted as dropped spans.
    assertThat(none.dropped(TracingMetrics.DropReason.BUFFER_FULL)).isZero();
  }

  @Test
  void twoInstances_givenSameTraceIds_decideAlike_andAsOpenTelemetryRatioSamplerDoes() {
    Sdk first = sdk(0.1);
    Sdk second = sdk(0.1);
    Sampler reference = Sampler.traceIdRatioBased(0.1);
    IdGenerator ids = IdGenerator.random();
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      String traceId = ids.generateTraceId();
      // An unsampled caller: only the ratio decides.
      Context parent =
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.createFromRemoteParent(
                          traceId,
                          ids.generateSpanId(),
                          TraceFlags.getDefault(),
                          TraceState.getDefault())));
      for (Sdk sdk : List.of(first, second)) {
        Span root = sdk.tracer.spanBuilder("GET /x").setParent(parent).startSpan();
        sdk.child(root, "db").end();
        root.end();
      }
      if (reference
              .shouldSample(
                  Context.root(), traceId, "x", SpanKind.SERVER, Attributes.empty(), List.of())
              .getDecision()
          == SamplingDecision.RECORD_AND_SAMPLE) {
        expected.add(traceId);
      }
    }

    Set<String> keptByFirst =
        first.flushed().stream().map(SpanData::getTraceId).collect(Collectors.toSet());
    Set<String> keptBySecond =
        second.flushed().stream().map(SpanData::getTraceId).collect(Collectors.toSet());
    assertThat(keptByFirst).isEqualTo(keptBySecond).isEqualTo(expected);
    assertThat(first.flushed()).hasSize(2 * expected.size());
    // Random ids: the bounds only guard against a ratio that keeps all or none (2,000 draws at
    // 10% fall outside them with a probability below 1e-20; a 99.9% interval failed one run in a
    // thousand by chance).
    assertThat(expected.size()).isBetween(70, 420);
  }

  @Test
  void sampler_setsSampledFlagFromRatio_recordsEverySpan_childrenInheritFlag() {
    Sdk keepAll = sdk(1.0);
    Sdk keepNone = sdk(0.0);
    Span sampled = keepAll.root("a");
    Span unsampled = keepNone.root("b");
    Span child = keepNone.child(unsampled, "c");

    assertThat(sampled.getSpanContext().isSampled()).isTrue();
    assertThat(unsampled.getSpanContext().isSampled()).isFalse();
    assertThat(unsampled.isRecording()).isTrue();
    assertThat(unsampled.getSpanContext().isValid()).isTrue();
    assertThat(child.getSpanContext().isSampled()).isFalse();
    child.end();
    unsampled.end();
    sampled.end();
  }

  @Test
  void lateChild_ofKeptTrace_isExported() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /slow-child");
    Span late = sdk.child(root, "async-write");
    root.setStatus(StatusCode.ERROR);
    root.end();
    late.end();

    assertThat(names(sdk.flushed())).containsExactlyInAnyOrder("GET /slow-child", "async-write");
    assertThat(sdk.processor.bufferedTraces()).isZero();
  }

  @Test
  void lateChild_ofDroppedTrace_isDropped_butALateErrorIsStillExported() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("GET /x");
    Span late = sdk.child(root, "late");
    Span lateError = sdk.child(root, "late-error");
    root.end();
    late.end();
    lateError.setStatus(StatusCode.ERROR);
    lateError.end();

    assertThat(names(sdk.flushed())).containsExactly("late-error");
    assertThat(sdk.processor.bufferedTraces()).isZero();
    assertThat(sdk.processor.bufferedSpans()).isZero();
  }

  @Test
  void maxSpansPerTrace_extraSpansAreDecidedAlone_errorsStillKeepTheTrace() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.maxSpansPerTrace(3));
    Span root = sdk.root("batch");
    for (int i = 0; i < 4; i++) {
      sdk.child(root, "item-" + i).end();
    }
    Span failing = sdk.child(root, "item-error");
    failing.setStatus(StatusCode.ERROR);
    failing.end();
    assertThat(sdk.processor.bufferedSpans()).isEqualTo(3);
    root.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported))
        .containsExactlyInAnyOrder("batch", "item-0", "item-1", "item-2", "item-error");
    assertThat(policyOf(exported, "batch")).isEqualTo("error");
    assertThat(sdk.dropped(TracingMetrics.DropReason.BUFFER_FULL)).isEqualTo(1);
  }

  @Test
  void maxSpansPerTrace_sampledOverflowSpans_areExportedAtOnce() {
    Sdk sdk = new Sdk(1.0, 2048, b -> b.maxSpansPerTrace(1));
    Span root = sdk.root("r");
    sdk.child(root, "buffered").end();
    sdk.child(root, "overflow").end();
    root.end();

    assertThat(names(sdk.flushed())).containsExactlyInAnyOrder("r", "buffered", "overflow");
    assertThat(sdk.dropped(TracingMetrics.DropReason.BUFFER_FULL)).isZero();
  }

  @Test
  void maxBufferedTraces_newFragmentsAreDecidedAlone_andAnErrorMarksItsTraceKept() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.maxBufferedTraces(2));
    Span first = sdk.root("first");
    Span second = sdk.root("second");
    Span third = sdk.root("third");
    Span fourth = sdk.root("fourth");
    sdk.child(first, "first-child").end();
    sdk.child(second, "second-child").end();
    sdk.child(third, "third-child").end();
    Span fourthChild = sdk.child(fourth, "fourth-child");
    fourthChild.recordException(new RuntimeException("db down"));
    fourthChild.end();

    assertThat(sdk.processor.bufferedTraces()).isEqualTo(2);
    assertThat(sdk.dropped(TracingMetrics.DropReason.BUFFER_FULL)).isEqualTo(1);
    first.end();
    second.end();
    third.end();
    fourth.end();

    List<SpanData> exported = sdk.flushed();
    assertThat(names(exported)).containsExactlyInAnyOrder("fourth-child", "fourth");
    assertThat(policyOf(exported, "fourth")).isEqualTo("error");
  }

  @Test
  void maxBufferedSpans_bufferNeverExceedsCap_andDropsAreCounted() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.maxBufferedSpans(5));
    List<Span> roots = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Span root = sdk.root("r" + t);
      roots.add(root);
      for (int i = 0; i < 3; i++) {
        sdk.child(root, "c").end();
        assertThat(sdk.processor.bufferedSpans()).isLessThanOrEqualTo(5);
      }
    }
    assertThat(sdk.processor.bufferedSpans()).isEqualTo(5);
    assertThat(sdk.dropped(TracingMetrics.DropReason.BUFFER_FULL)).isEqualTo(7);
    roots.forEach(Span::end);
    assertThat(sdk.processor.bufferedSpans()).isZero();
  }

  @Test
  void fragmentWhoseRootNeverEnds_expiresAfterTtl_droppedAndCounted() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.fragmentTtl(Duration.ofSeconds(30)));
    Span root = sdk.root("never-ends");
    sdk.child(root, "a").end();
    sdk.child(root, "b").end();
    clock.advance(Duration.ofSeconds(29));
    assertThat(sdk.processor.sweep()).isZero();
    clock.advance(Duration.ofSeconds(2));
    assertThat(sdk.processor.sweep()).isEqualTo(1);

    assertThat(sdk.processor.bufferedSpans()).isZero();
    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPIRED)).isEqualTo(2);
    assertThat(sdk.decided("dropped", "expired")).isEqualTo(1);
    // A span ending afterwards follows the recorded decision.
    sdk.child(root, "c").end();
    assertThat(sdk.flushed()).isEmpty();
  }

  @Test
  void expiredFragmentWithError_isKept() {
    Sdk sdk = new Sdk(0.0, 2048, b -> b.fragmentTtl(Duration.ofSeconds(1)));
    Span root = sdk.root("never-ends");
    Span failing = sdk.child(root, "failing");
    failing.setStatus(StatusCode.ERROR, "timeout");
    failing.end();
    clock.advance(Duration.ofSeconds(2));
    sdk.processor.sweep();

    assertThat(names(sdk.flushed())).containsExactly("failing");
    assertThat(sdk.decided("kept", "error")).isEqualTo(1);
  }

  @Test
  void shutdown_decidesBufferedFragments_andExportsTheKeptOnes() {
    Sdk sdk = sdk(0.0);
    Span root = sdk.root("open");
    Span failing = sdk.child(root, "failing");
    failing.setStatus(StatusCode.ERROR);
    failing.end();
    sdk.child(sdk.root("other"), "fine").end();

    sdk.provider.shutdown().join(10, TimeUnit.SECONDS);

    assertThat(names(sdk.exporter.spans())).containsExactly("failing");
    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPIRED)).isEqualTo(1);
  }

  @Test
  void exportQueueFull_dropsAreCounted_queueStaysUnderCap() {
    Sdk sdk = new Sdk(1.0, 4, b -> {});
    List<CompletableResultCode> pending = new CopyOnWriteArrayList<>();
    sdk.exporter.respondWith(
        () -> {
          CompletableResultCode result = new CompletableResultCode();
          pending.add(result);
          return result;
        });
    for (int i = 0; i < 200; i++) {
      sdk.root("r").end();
      assertThat(sdk.pipeline.queued()).isLessThanOrEqualTo(4);
    }

    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPORT_QUEUE_FULL)).isGreaterThan(150);
    sdk.exporter.respondWith(CompletableResultCode::ofSuccess);
    pending.forEach(CompletableResultCode::succeed);
  }

  @Test
  void exportFailure_countsTheSpansAsExportFailed() {
    Sdk sdk = sdk(1.0);
    sdk.exporter.respondWith(CompletableResultCode::ofFailure);
    for (int i = 0; i < 5; i++) {
      sdk.root("r").end();
    }
    sdk.processor.forceFlush().join(10, TimeUnit.SECONDS);

    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPORT_FAILED)).isEqualTo(5);
  }

  @Test
  void exporterThatThrows_neverReachesTheCaller_spansCountedAsExportFailed() {
    Sdk sdk = sdk(1.0);
    sdk.exporter.respondWith(
        () -> {
          throw new IllegalStateException("exporter bug");
        });
    assertThatCode(() -> sdk.root("r").end()).doesNotThrowAnyException();
    sdk.processor.forceFlush().join(10, TimeUnit.SECONDS);

    assertThat(sdk.dropped(TracingMetrics.DropReason.EXPORT_FAILED)).isEqualTo(1);
    assertThat(sdk.errors).hasSize(1);
    sdk.errors.clear();
  }

  @Test
  void exportedSpans_areScrubbed_attributesEventsStatusAndName() {
    Scrubber masksHunter2 = new MaskingScrubber();
    Sdk sdk = new Sdk(0.0, 2048, b -> {}, masksHunter2, true);
    Span root = sdk.root("GET /login hunter2");
    root.setAttribute("url.query", "user=bob&password=hunter2");
    root.setAttribute("password", "anything");
    root.setAttribute("http.response.status_code", 500L);
    root.recordException(new IllegalArgumentException("bad password=hunter2"));
    root.setStatus(StatusCode.ERROR, "failed with hunter2");
    root.end();

    SpanData exported = sdk.flushed().get(0);
    assertThat(exported.getName()).isEqualTo("GET /login ***");
    assertThat(exported.getAttributes().get(HttpSemconv.URL_QUERY))
        .isEqualTo("user=bob&password=***");
    assertThat(
            exported
                .getAttributes()
                .get(io.opentelemetry.api.common.AttributeKey.stringKey("password")))
        .isEqualTo("***");
    assertThat(exported.getStatus().getDescription()).isEqualTo("failed with ***");
    Attributes exception = exported.getEvents().get(0).getAttributes();
    assertThat(
            exception.get(io.opentelemetry.api.common.AttributeKey.stringKey("exception.message")))
        .isEqualTo("bad password=***");
    assertThat(
            exception.get(
                io.opentelemetry.api.common.AttributeKey.stringKey("exception.stacktrace")))
        .contains("bad password=***")
        .doesNotContain("hunter2");
    assertThat(exported.getAttributes().get(SamplingPolicy.ATTRIBUTE)).isEqualTo("error");
  }

  @Test
  void exportedSpans_stringArrayValuesAreScrubbed_otherTypesAndCleanValuesUnchanged() {
    Sdk sdk = new Sdk(0.0, 2048, b -> {}, new MaskingScrubber(), true);
    Span root = sdk.root("GET /report");
    root.setAttribute(
        io.opentelemetry.api.common.AttributeKey.stringArrayKey("tags"),
        List.of("clean", "has hunter2"));
    root.setAttribute(
        io.opentelemetry.api.common.AttributeKey.stringArrayKey("clean.tags"), List.of("a", "b"));
    root.setAttribute("count", 3L);
    root.setAttribute("note", "nothing secret");
    root.setStatus(StatusCode.ERROR);
    root.end();

    Attributes exported = sdk.flushed().get(0).getAttributes();
    assertThat(exported.get(io.opentelemetry.api.common.AttributeKey.stringArrayKey("tags")))
        .containsExactly("clean", "has ***");
    assertThat(exported.get(io.opentelemetry.api.common.AttributeKey.stringArrayKey("clean.tags")))
        .containsExactly("a", "b");
    assertThat(exported.get(io.opentelemetry.api.common.AttributeKey.longKey("count")))
        .isEqualTo(3L);
    assertThat(exported.get(io.opentelemetry.api.common.AttributeKey.stringKey("note")))
        .isEqualTo("nothing secret");
    assertThat(exported.get(SamplingPolicy.ATTRIBUTE)).isEqualTo("error");
    assertThat(exported.size()).isEqualTo(5);
  }

  @Test
  void onEnd_spanWhoseSnapshotFails_neverThrows_andIsReported() {
    Sdk sdk = sdk(1.0);
    assertThatCode(() -> sdk.processor.onEnd(new BrokenSpan())).doesNotThrowAnyException();

    assertThat(sdk.errors).hasSize(1);
    sdk.errors.clear();
  }

  /** A test scrubber: masks "hunter2" in text and every value of the key "password". */
  static final class MaskingScrubber implements Scrubber {
    @Override
    public String scrub(String text) {
      return text.contains("hunter2") ? text.replace("hunter2", mask()) : text;
    }

    @Override
    public void scrubTo(CharSequence text, StringBuilder out) {
      out.append(scrub(text.toString()));
    }

    @Override
    public boolean isSensitiveKey(String key) {
      return key.equals("password");
    }

    @Override
    public String scrubValue(String key, String value) {
      return isSensitiveKey(key) ? mask() : scrub(value);
    }

    @Override
    public String mask() {
      return "***";
    }
  }
}
