package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.Clock;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanLimits;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.ExceptionEventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * What a {@link LightSpan} exports is what the OpenTelemetry SDK's own span exports for the same
 * calls under the same conditions (ids, clock, sampler, limits, resource, scope): every field of
 * the {@link SpanData}, attribute order included.
 */
class LightSpanEquivalenceTest {

  private static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("scope");
  private static final Resource RESOURCE =
      Resource.getDefault()
          .merge(Resource.create(Attributes.of(AttributeKey.stringKey("service.name"), "svc")));
  private static final SpanLimits LIMITS = SpanLimits.getDefault();
  private static final Sampler SAMPLER = new ErrorBiasedSampler(new TraceIdRatio(0.5), true);

  /** Time that moves only when told to. */
  static final class ManualClock implements Clock {
    long epochNanos = 1_795_678_380_000_000_000L;
    long nanoTime = 5_000_000_000L;

    void advance(long nanos) {
      epochNanos += nanos;
      nanoTime += nanos;
    }

    @Override
    public long now() {
      return epochNanos;
    }

    @Override
    public long nanoTime() {
      return nanoTime;
    }
  }

  /** The same ids in the same order, for each side. */
  static final class CountingIds implements IdGenerator {
    private long next = 0x1000;

    @Override
    public String generateSpanId() {
      return String.format("%016x", ++next);
    }

    @Override
    public String generateTraceId() {
      return String.format("%032x", ++next * 0x9E3779B97F4A7C15L);
    }

    @Override
    public boolean generatesRandomTraceIds() {
      return true;
    }
  }

  /** One side: starts a span, child of {@code parent}, with the given kind and attributes. */
  private interface Side {
    Span start(String name, SpanKind kind, Context parent, List<Object[]> attributes);

    ManualClock clock();

    List<SpanData> ended();
  }

  private static Side sdk() {
    ManualClock clock = new ManualClock();
    List<SpanData> ended = new ArrayList<>();
    SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .setClock(clock)
            .setIdGenerator(new CountingIds())
            .setSampler(SAMPLER)
            .setSpanLimits(LIMITS)
            .setResource(RESOURCE)
            .addSpanProcessor(
                SimpleSpanProcessor.builder(new Collecting(ended))
                    .setExportUnsampledSpans(true)
                    .build())
            .build();
    return new Side() {
      @Override
      @SuppressWarnings({"unchecked", "rawtypes"})
      public Span start(String name, SpanKind kind, Context parent, List<Object[]> attributes) {
        var builder = provider.get("scope").spanBuilder(name).setParent(parent).setSpanKind(kind);
        for (Object[] attribute : attributes) {
          builder.setAttribute((AttributeKey) attribute[0], attribute[1]);
        }
        return builder.startSpan();
      }

      @Override
      public ManualClock clock() {
        return clock;
      }

      @Override
      public List<SpanData> ended() {
        return ended;
      }
    };
  }

  private static Side light() {
    return light(null);
  }

  /** The light side; with a layout, every span it starts shares that array of keys. */
  private static Side light(AttributeKey<?> @Nullable [] layout) {
    ManualClock clock = new ManualClock();
    List<SpanData> ended = new ArrayList<>();
    LightTracer tracer =
        new LightTracer(
            SAMPLER,
            new CountingIds(),
            clock,
            LIMITS,
            () -> RESOURCE,
            SCOPE,
            span -> ended.add(span.toSpanData()));
    return new Side() {
      @Override
      @SuppressWarnings({"unchecked", "rawtypes"})
      public Span start(String name, SpanKind kind, Context parent, List<Object[]> attributes) {
        LightSpan span =
            layout == null
                ? tracer.start(name, kind, parent, attributes.size())
                : tracer.start(name, kind, parent, layout);
        for (Object[] attribute : attributes) {
          span.initAttribute((AttributeKey) attribute[0], attribute[1]);
        }
        return span;
      }

      @Override
      public ManualClock clock() {
        return clock;
      }

      @Override
      public List<SpanData> ended() {
        return ended;
      }
    };
  }

  /** Runs {@code script} on both sides and compares every exported span field by field. */
  private static void sameOnBothSides(BiFunction<Side, Context, Void> script) {
    sameOnBothSides(light(), script);
  }

  private static void sameOnBothSides(Side light, BiFunction<Side, Context, Void> script) {
    Side sdk = sdk();
    script.apply(sdk, Context.root());
    script.apply(light, Context.root());
    assertThat(light.ended()).hasSameSizeAs(sdk.ended()).isNotEmpty();
    for (int i = 0; i < sdk.ended().size(); i++) {
      assertSame(light.ended().get(i), sdk.ended().get(i));
    }
  }

  private static void assertSame(SpanData light, SpanData sdk) {
    assertThat(light.getName()).isEqualTo(sdk.getName());
    assertThat(light.getKind()).isEqualTo(sdk.getKind());
    assertSameContext(light.getSpanContext(), sdk.getSpanContext());
    assertSameContext(light.getParentSpanContext(), sdk.getParentSpanContext());
    assertThat(light.getStatus()).isEqualTo(sdk.getStatus());
    assertThat(light.getStartEpochNanos()).isEqualTo(sdk.getStartEpochNanos());
    assertThat(light.getEndEpochNanos()).isEqualTo(sdk.getEndEpochNanos());
    assertThat(light.hasEnded()).isEqualTo(sdk.hasEnded());
    assertSameAttributes(light.getAttributes(), sdk.getAttributes());
    assertThat(light.getTotalAttributeCount()).isEqualTo(sdk.getTotalAttributeCount());
    assertThat(light.getTotalRecordedEvents()).isEqualTo(sdk.getTotalRecordedEvents());
    assertThat(light.getTotalRecordedLinks()).isEqualTo(sdk.getTotalRecordedLinks());
    assertThat(light.getEvents()).hasSameSizeAs(sdk.getEvents());
    for (int i = 0; i < sdk.getEvents().size(); i++) {
      EventData a = light.getEvents().get(i);
      EventData b = sdk.getEvents().get(i);
      assertThat(a.getName()).isEqualTo(b.getName());
      assertThat(a.getEpochNanos()).isEqualTo(b.getEpochNanos());
      assertSameAttributes(a.getAttributes(), b.getAttributes());
      assertThat(a.getTotalAttributeCount()).isEqualTo(b.getTotalAttributeCount());
      assertThat(a instanceof ExceptionEventData).isEqualTo(b instanceof ExceptionEventData);
    }
    assertThat(light.getLinks()).hasSameSizeAs(sdk.getLinks());
    for (int i = 0; i < sdk.getLinks().size(); i++) {
      LinkData a = light.getLinks().get(i);
      LinkData b = sdk.getLinks().get(i);
      assertSameContext(a.getSpanContext(), b.getSpanContext());
      assertSameAttributes(a.getAttributes(), b.getAttributes());
      assertThat(a.getTotalAttributeCount()).isEqualTo(b.getTotalAttributeCount());
    }
    assertThat(light.getInstrumentationScopeInfo()).isEqualTo(sdk.getInstrumentationScopeInfo());
    assertThat(light.getResource()).isEqualTo(sdk.getResource());
  }

  private static void assertSameContext(SpanContext a, SpanContext b) {
    assertThat(a.getTraceId()).isEqualTo(b.getTraceId());
    assertThat(a.getSpanId()).isEqualTo(b.getSpanId());
    assertThat(a.getTraceFlags()).isEqualTo(b.getTraceFlags());
    assertThat(a.getTraceState()).isEqualTo(b.getTraceState());
    assertThat(a.isRemote()).isEqualTo(b.isRemote());
  }

  /** Same keys, types and values, in the same iteration order (what an exporter writes). */
  private static void assertSameAttributes(Attributes a, Attributes b) {
    assertThat(entries(a)).isEqualTo(entries(b));
  }

  private static List<String> entries(Attributes attributes) {
    List<String> out = new ArrayList<>();
    attributes.forEach((k, v) -> out.add(k.getKey() + ":" + k.getType() + "=" + v));
    return out;
  }

  private static List<Object[]> serverAttributes() {
    List<Object[]> list = new ArrayList<>();
    list.add(new Object[] {HttpSemconv.HTTP_REQUEST_METHOD, "GET"});
    list.add(new Object[] {HttpSemconv.URL_PATH, "/users/42"});
    list.add(new Object[] {HttpSemconv.URL_QUERY, "token=secret"});
    list.add(new Object[] {HttpSemconv.HTTP_ROUTE, "/users/{id}"});
    list.add(new Object[] {HttpSemconv.SERVER_PORT, 8080L});
    list.add(new Object[] {HttpSemconv.USER_AGENT_ORIGINAL, "curl/8"});
    return list;
  }

  @Test
  void serverRootWithChildErrorExceptionStatusAndRename_exportsTheSameData() {
    // One instance for both sides, so that the stack traces are the same.
    IllegalStateException failure = new IllegalStateException("password=hunter2 failed");
    sameOnBothSides(
        (side, root) -> {
          Span server = side.start("GET /users/{id}", SpanKind.SERVER, root, serverAttributes());
          side.clock().advance(1_000);
          Span child = side.start("child", SpanKind.INTERNAL, root.with(server), List.of());
          child.addEvent("checkpoint");
          side.clock().advance(250);
          child.addEvent(
              "with attributes",
              Attributes.of(AttributeKey.longKey("n"), 3L),
              42,
              TimeUnit.MICROSECONDS);
          child.setAttribute(AttributeKey.stringKey("kv"), "first");
          child.setAttribute(AttributeKey.longKey("kv"), 2L);
          child.end();
          side.clock().advance(5_000);
          server.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 500L);
          server.recordException(failure);
          server.setStatus(StatusCode.ERROR, "password=hunter2 failed");
          server.setAttribute(HttpSemconv.ERROR_TYPE, "java.lang.IllegalStateException");
          server.updateName("GET /users/{uid}");
          server.addLink(
              SpanContext.create(
                  "0af7651916cd43dd8448eb211c80319c",
                  "b7ad6b7169203331",
                  TraceFlags.getSampled(),
                  TraceState.getDefault()),
              Attributes.of(AttributeKey.stringKey("why"), "retry"));
          side.clock().advance(1_000);
          server.end();
          // Ignored after the end, on both sides.
          server.setAttribute(AttributeKey.stringKey("late"), "ignored");
          server.setStatus(StatusCode.OK);
          server.updateName("late");
          server.end();
          return null;
        });
  }

  @Test
  void sharedKeyLayout_followedLeftReplacedAndOutgrown_exportsTheSameDataAndStaysUnchanged() {
    AttributeKey<?>[] layout = {
      HttpSemconv.HTTP_REQUEST_METHOD,
      HttpSemconv.URL_PATH,
      HttpSemconv.HTTP_ROUTE,
      AttributeKey.stringKey("kv"),
      HttpSemconv.HTTP_RESPONSE_STATUS_CODE
    };
    AttributeKey<?>[] before = layout.clone();
    sameOnBothSides(
        light(layout),
        (side, root) -> {
          // The layout's keys in its order, and one replaced by the same key.
          Span follows =
              side.start(
                  "follows",
                  SpanKind.SERVER,
                  root,
                  List.of(
                      new Object[] {HttpSemconv.HTTP_REQUEST_METHOD, "GET"},
                      new Object[] {HttpSemconv.URL_PATH, "/a"}));
          follows.setAttribute(HttpSemconv.HTTP_ROUTE, "/{x}");
          follows.setAttribute(HttpSemconv.URL_PATH, "/b");
          follows.end();
          // Another key where the layout has the route: the span's own keys from there.
          Span leaves =
              side.start(
                  "leaves",
                  SpanKind.SERVER,
                  root,
                  List.of(
                      new Object[] {HttpSemconv.HTTP_REQUEST_METHOD, "GET"},
                      new Object[] {HttpSemconv.URL_QUERY, "q=1"}));
          leaves.setAttribute(HttpSemconv.HTTP_ROUTE, "/{x}");
          leaves.end();
          // Keys of the layout left out (no query, no user agent): holes, not exported; one of
          // them set afterwards goes last, as in the SDK's map, and the same key again replaces.
          Span skips =
              side.start(
                  "skips",
                  SpanKind.SERVER,
                  root,
                  List.of(
                      new Object[] {HttpSemconv.HTTP_REQUEST_METHOD, "GET"},
                      new Object[] {AttributeKey.stringKey("kv"), "first"}));
          skips.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L);
          skips.setAttribute(HttpSemconv.URL_PATH, "/late");
          skips.setAttribute(HttpSemconv.URL_PATH, "/later");
          skips.setAttribute(AttributeKey.stringKey("kv"), "second");
          skips.end();
          // Only the layout's last key: every slot before it a hole.
          Span last = side.start("last", SpanKind.INTERNAL, root, List.of());
          last.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 204L);
          last.end();
          // The same name with another type replaces the layout's key.
          Span replaces = side.start("replaces", SpanKind.INTERNAL, root, List.of());
          replaces.setAttribute(HttpSemconv.HTTP_REQUEST_METHOD, "PUT");
          replaces.setAttribute(HttpSemconv.URL_PATH, "/c");
          replaces.setAttribute(HttpSemconv.HTTP_ROUTE, "/{y}");
          replaces.setAttribute(AttributeKey.stringKey("kv"), "first");
          replaces.setAttribute(AttributeKey.longKey("kv"), 2L);
          replaces.end();
          // Past the layout's length, and a span that sets nothing.
          Span outgrows = side.start("outgrows", SpanKind.INTERNAL, root, List.of());
          for (int i = 0; i < 20; i++) {
            outgrows.setAttribute(AttributeKey.stringKey("a" + i), "v" + i);
          }
          outgrows.end();
          side.start("none", SpanKind.INTERNAL, root, List.of()).end();
          return null;
        });
    assertThat(layout).containsExactly(before);
  }

  @Test
  void limits_withHolesInTheSharedLayout_countOnlyTheAttributesSet() {
    AttributeKey<?>[] layout = {
      HttpSemconv.HTTP_REQUEST_METHOD,
      HttpSemconv.URL_PATH,
      HttpSemconv.HTTP_ROUTE,
      HttpSemconv.HTTP_RESPONSE_STATUS_CODE
    };
    sameOnBothSides(
        light(layout),
        (side, root) -> {
          Span span = side.start("holes", SpanKind.SERVER, root, List.of());
          span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 200L);
          for (int i = 0; i < 140; i++) {
            span.setAttribute(AttributeKey.stringKey("a" + i), "v" + i);
          }
          span.setAttribute(HttpSemconv.HTTP_ROUTE, "/dropped");
          span.setAttribute(AttributeKey.stringKey("a7"), "overwritten");
          span.setAttribute(HttpSemconv.HTTP_RESPONSE_STATUS_CODE, 500L);
          span.end();
          return null;
        });
  }

  @Test
  void limits_attributesEventsAndLinksPastTheCaps_areDroppedAndCounted() {
    sameOnBothSides(
        (side, root) -> {
          Span span = side.start("limits", SpanKind.INTERNAL, root, List.of());
          for (int i = 0; i < 140; i++) {
            span.setAttribute(AttributeKey.stringKey("a" + i), "v" + i);
          }
          span.setAttribute(AttributeKey.stringKey("a5"), "overwritten");
          for (int i = 0; i < 135; i++) {
            span.addEvent("e" + i);
          }
          for (int i = 0; i < 130; i++) {
            span.addLink(
                SpanContext.create(
                    "0af7651916cd43dd8448eb211c80319c",
                    String.format("%016x", i + 1),
                    TraceFlags.getDefault(),
                    TraceState.getDefault()));
          }
          span.end();
          return null;
        });
  }

  @Test
  void statusRules_okIsFinal_unsetIgnored_descriptionOnlyWithError() {
    sameOnBothSides(
        (side, root) -> {
          Span a = side.start("ok-final", SpanKind.INTERNAL, root, List.of());
          a.setStatus(StatusCode.OK, "dropped description");
          a.setStatus(StatusCode.ERROR, "too late");
          a.end();
          Span b = side.start("unset-ignored", SpanKind.INTERNAL, root, List.of());
          b.setStatus(StatusCode.ERROR, "kept");
          b.setStatus(StatusCode.UNSET);
          b.end();
          return null;
        });
  }

  @Test
  void remoteParents_sampledOrNot_withTraceState_areInherited() {
    TraceState state = TraceState.builder().put("vendor", "value").build();
    for (TraceFlags flags : List.of(TraceFlags.getSampled(), TraceFlags.getDefault())) {
      Context remote =
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.createFromRemoteParent(
                          "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", flags, state)));
      sameOnBothSides(
          (side, root) -> {
            Span server = side.start("GET /", SpanKind.SERVER, remote, List.of());
            Span client = side.start("GET", SpanKind.CLIENT, remote.with(server), List.of());
            client.end(side.clock().now() + 7, TimeUnit.NANOSECONDS);
            server.end();
            return null;
          });
    }
  }

  @Test
  void traceIdHalves_areTheDecisionCachesReadingOfTheTraceId_forRootsChildrenAndRemoteChildren() {
    Side light = light();
    Context remote =
        Context.root()
            .with(
                Span.wrap(
                    SpanContext.createFromRemoteParent(
                        "4bf92f3577b34da6a3ce929d0e0e4736",
                        "00f067aa0ba902b7",
                        TraceFlags.getDefault(),
                        TraceState.getDefault())));
    Span root = light.start("GET /", SpanKind.SERVER, Context.root(), List.of());
    Span child = light.start("child", SpanKind.INTERNAL, Context.root().with(root), List.of());
    Span grandChild =
        light.start("inner", SpanKind.INTERNAL, Context.root().with(child), List.of());
    Span remoteChild = light.start("GET /", SpanKind.SERVER, remote, List.of());
    for (Span span : List.of(root, child, grandChild, remoteChild)) {
      LightSpan lightSpan = (LightSpan) span;
      String traceId = span.getSpanContext().getTraceId();
      assertThat(lightSpan.traceHigh()).isEqualTo(DecisionCache.high(traceId));
      assertThat(lightSpan.traceLow()).isEqualTo(DecisionCache.low(traceId));
    }
    assertThat(((LightSpan) remoteChild).traceHigh()).isEqualTo(0x4bf92f3577b34da6L);
    assertThat(((LightSpan) remoteChild).traceLow()).isEqualTo(0xa3ce929d0e0e4736L);
  }

  @Test
  void randomIds_rootsGetValidRandomTraceIds_readAsTheCacheReadsThem_sampledAsTheSamplerSays() {
    LightTracer tracer =
        new LightTracer(
            SAMPLER, IdGenerator.random(), new ManualClock(), LIMITS, () -> RESOURCE, SCOPE, null);
    int sampled = 0;
    for (int i = 0; i < 2_000; i++) {
      LightSpan root = tracer.start("GET /", SpanKind.SERVER, Context.root(), 2);
      LightSpan child = tracer.start("child", SpanKind.INTERNAL, Context.root().with(root), 2);
      SpanContext context = root.getSpanContext();
      String traceId = context.getTraceId();
      assertThat(context.isValid()).isTrue();
      assertThat(context.getTraceFlags().isTraceIdRandom()).isTrue();
      assertThat(child.getSpanContext().getTraceId()).isEqualTo(traceId);
      for (LightSpan span : List.of(root, child)) {
        assertThat(span.traceHigh()).isEqualTo(DecisionCache.high(traceId));
        assertThat(span.traceLow()).isEqualTo(DecisionCache.low(traceId));
      }
      boolean expected =
          SAMPLER
                  .shouldSample(
                      Context.root(),
                      traceId,
                      "GET /",
                      SpanKind.SERVER,
                      Attributes.empty(),
                      List.of())
                  .getDecision()
              == SamplingDecision.RECORD_AND_SAMPLE;
      assertThat(context.isSampled()).isEqualTo(expected);
      assertThat(child.getSpanContext().isSampled()).isEqualTo(expected);
      sampled += expected ? 1 : 0;
    }
    // The ratio of 0.5 keeps about half: both answers were seen.
    assertThat(sampled).isBetween(800, 1_200);
  }

  @Test
  void spanContexts_areCheckedAsHexUnlessTheIdsAreOpenTelemetrysRandomOnes() {
    // Another generator's ids are checked, as SpanContext.create checks them: not hex, invalid.
    IdGenerator notHex =
        new IdGenerator() {
          @Override
          public String generateSpanId() {
            return "span-id-not-hex!";
          }

          @Override
          public String generateTraceId() {
            return "0123456789abcdef0123456789abcdeZ";
          }
        };
    LightTracer checked =
        new LightTracer(SAMPLER, notHex, new ManualClock(), LIMITS, () -> RESOURCE, SCOPE, null);
    SpanContext invalid =
        checked.start("GET /", SpanKind.SERVER, Context.root(), 0).getSpanContext();
    assertThat(invalid.isValid()).isFalse();
    assertThat(invalid.getTraceId()).isEqualTo(TraceId.getInvalid());
    assertThat(invalid.getSpanId()).isEqualTo(SpanId.getInvalid());
    // OpenTelemetry's random generator, the one the module uses: taken as valid without a second
    // check, as the SDK's span builder takes them; for roots and for children alike.
    LightTracer random =
        new LightTracer(
            SAMPLER, IdGenerator.random(), new ManualClock(), LIMITS, () -> RESOURCE, SCOPE, null);
    LightSpan root = random.start("GET /", SpanKind.SERVER, Context.root(), 0);
    LightSpan child = random.start("child", SpanKind.INTERNAL, Context.root().with(root), 0);
    for (SpanContext context : List.of(root.getSpanContext(), child.getSpanContext())) {
      assertThat(context.isValid()).isTrue();
      assertThat(TraceId.isValid(context.getTraceId())).isTrue();
      assertThat(SpanId.isValid(context.getSpanId())).isTrue();
    }
    assertThat(child.getSpanContext().getTraceId()).isEqualTo(root.getSpanContext().getTraceId());
  }

  @Test
  void readableView_answersAsTheSdksSpanDoes() {
    Side sdk = sdk();
    Side light = light();
    for (Side side : List.of(sdk, light)) {
      Span span = side.start("view", SpanKind.SERVER, Context.root(), serverAttributes());
      side.clock().advance(30);
      ReadableSpan readable = (ReadableSpan) span;
      assertThat(readable.getAttribute(HttpSemconv.SERVER_PORT)).isEqualTo(8080L);
      assertThat(readable.getAttribute(AttributeKey.stringKey("server.port"))).isNull();
      assertThat(readable.getLatencyNanos()).isEqualTo(30);
      assertThat(readable.hasEnded()).isFalse();
      assertThat(span.isRecording()).isTrue();
      span.end();
      assertThat(readable.hasEnded()).isTrue();
      assertThat(span.isRecording()).isFalse();
    }
  }

  private record Collecting(List<SpanData> into) implements SpanExporter {
    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode export(Collection<SpanData> spans) {
      into.addAll(spans);
      return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode flush() {
      return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
    }

    @Override
    public io.opentelemetry.sdk.common.CompletableResultCode shutdown() {
      return io.opentelemetry.sdk.common.CompletableResultCode.ofSuccess();
    }
  }
}
