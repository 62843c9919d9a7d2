package dev.observability.tracing.internal;

import static dev.observability.tracing.internal.TraceContextLevel.LEVEL_1;
import static dev.observability.tracing.internal.TraceContextLevel.LEVEL_2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The rules of W3C Trace Context, Level 1 and the Level 2 draft, on the propagator alone (headers
 * in a map, as the SDK's getters hand them over: repeated fields joined by {@code ", "}). The same
 * rules over real HTTP are in the examples module's {@code TraceContextConformanceTest}.
 */
class TraceContextPropagatorTest {

  private static final String TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
  private static final String PARENT_ID = "b7ad6b7169203331";
  private static final String TRACEPARENT = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";

  private static final TextMapGetter<Map<String, String>> GETTER =
      new TextMapGetter<>() {
        @Override
        public @Nullable String get(@Nullable Map<String, String> carrier, String key) {
          return carrier == null ? null : carrier.get(key);
        }
      };

  private static SpanContext extract(TraceContextLevel level, String... headers) {
    Map<String, String> carrier = new LinkedHashMap<>();
    for (int i = 0; i < headers.length; i += 2) {
      carrier.put(headers[i], headers[i + 1]);
    }
    Context context = new TraceContextPropagator(level).extract(Context.root(), carrier, GETTER);
    return Span.fromContext(context).getSpanContext();
  }

  private static Map<String, String> inject(TraceContextLevel level, SpanContext span) {
    Map<String, String> carrier = new LinkedHashMap<>();
    new TraceContextPropagator(level)
        .inject(Context.root().with(Span.wrap(span)), carrier, Map::put);
    return carrier;
  }

  private static String tracestate(TraceContextLevel level, String tracestate) {
    return W3CTraceState.encode(
        extract(level, "traceparent", TRACEPARENT, "tracestate", tracestate).getTraceState());
  }

  private static String members(int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(i -> String.format("bar%02d=%02d", i, i))
        .collect(Collectors.joining(","));
  }

  @Test
  void traceparent_valid_isRemoteParent_withIdsAndSampledFlag() {
    SpanContext parent = extract(LEVEL_2, "traceparent", TRACEPARENT);

    assertThat(parent.isValid()).isTrue();
    assertThat(parent.isRemote()).isTrue();
    assertThat(parent.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(parent.getSpanId()).isEqualTo(PARENT_ID);
    assertThat(parent.isSampled()).isTrue();
  }

  @Test
  void traceparent_spacesAndTabsAround_areIgnored() {
    assertThat(extract(LEVEL_2, "traceparent", " \t" + TRACEPARENT + "\t ").getTraceId())
        .isEqualTo(TRACE_ID);
  }

  @Test
  void traceparent_malformed_isIgnored_soANewTraceStarts() {
    String[] invalid = {
      "ff-" + TRACE_ID + "-" + PARENT_ID + "-01", // version ff is forbidden
      "0A-" + TRACE_ID + "-" + PARENT_ID + "-01", // uppercase version
      "00-" + TRACE_ID.toUpperCase() + "-" + PARENT_ID + "-01", // uppercase trace id
      "00-" + TRACE_ID + "-" + PARENT_ID.toUpperCase() + "-01", // uppercase parent id
      "00-" + "0".repeat(32) + "-" + PARENT_ID + "-01", // all-zero trace id
      "00-" + TRACE_ID + "-" + "0".repeat(16) + "-01", // all-zero parent id
      "00-" + TRACE_ID + "-" + PARENT_ID + "-0g", // flags not hex
      "00-" + TRACE_ID + "-" + PARENT_ID + "-1", // flags too short
      "00-" + TRACE_ID + "-" + PARENT_ID + "-001", // flags too long
      "00-" + TRACE_ID + "1-" + PARENT_ID + "-01", // trace id too long
      "00-" + TRACE_ID + "-" + PARENT_ID + "-01-extra", // version 00 has nothing after flags
      "00-" + TRACE_ID + "-" + PARENT_ID + "-01.",
      "cc-" + TRACE_ID + "-" + PARENT_ID + "-01.future", // a later version extends after a dash
      "0-" + TRACE_ID + "-" + PARENT_ID + "-01",
      "000-" + TRACE_ID + "-" + PARENT_ID + "-01",
      "00_" + TRACE_ID + "-" + PARENT_ID + "-01",
      "",
    };
    for (String traceparent : invalid) {
      assertThat(extract(LEVEL_2, "traceparent", traceparent).isValid()).as(traceparent).isFalse();
      assertThat(extract(LEVEL_1, "traceparent", traceparent).isValid()).as(traceparent).isFalse();
    }
  }

  @Test
  void traceparent_laterVersion_isReadAsVersion00_ignoringFieldsAfterTheFlags() {
    SpanContext parent =
        extract(LEVEL_2, "traceparent", "cc-" + TRACE_ID + "-" + PARENT_ID + "-01-what-next");

    assertThat(parent.getTraceId()).isEqualTo(TRACE_ID);
    assertThat(parent.getSpanId()).isEqualTo(PARENT_ID);
    assertThat(inject(LEVEL_2, parent).get("traceparent")).startsWith("00-");
  }

  @Test
  void traceparent_twoFieldsJoined_isInvalid_evenWhenBothAreEqual() {
    assertThat(extract(LEVEL_2, "traceparent", TRACEPARENT + ", " + TRACEPARENT).isValid())
        .isFalse();
    String later = "cc-" + TRACE_ID + "-" + PARENT_ID + "-01";
    assertThat(extract(LEVEL_2, "traceparent", later + "-x, " + later).isValid()).isFalse();
  }

  @Test
  void flags_level2KeepsSampledAndRandom_level1KeepsSampled_otherBitsCleared() {
    String all = "00-" + TRACE_ID + "-" + PARENT_ID + "-ff";

    SpanContext draft = extract(LEVEL_2, "traceparent", all);
    assertThat(draft.getTraceFlags().asByte()).isEqualTo((byte) 0x03);
    assertThat(draft.getTraceFlags().isTraceIdRandom()).isTrue();
    assertThat(inject(LEVEL_2, draft).get("traceparent")).endsWith("-03");

    SpanContext level1 = extract(LEVEL_1, "traceparent", all);
    assertThat(level1.getTraceFlags().asByte()).isEqualTo((byte) 0x01);
    assertThat(inject(LEVEL_1, draft).get("traceparent")).endsWith("-01");
  }

  @Test
  void tracestate_isIgnoredWithoutAValidTraceparent() {
    assertThat(extract(LEVEL_2, "tracestate", "foo=1").getTraceState().isEmpty()).isTrue();
    SpanContext invalid =
        extract(LEVEL_2, "traceparent", "ff-" + TRACE_ID + "-" + PARENT_ID + "-01");
    assertThat(invalid.getTraceState().isEmpty()).isTrue();
  }

  @Test
  void tracestate_fieldsJoined_isOneList_inOrder_owsAndEmptyMembersIgnored() {
    assertThat(tracestate(LEVEL_2, "foo=1,bar=2, rojo=1,congo=2, baz=3"))
        .isEqualTo("foo=1,bar=2,rojo=1,congo=2,baz=3");
    assertThat(tracestate(LEVEL_2, "foo=1 \t , \t bar=2, \t baz=3")).isEqualTo("foo=1,bar=2,baz=3");
    assertThat(tracestate(LEVEL_2, ", foo=1,, ,\t")).isEqualTo("foo=1");
    assertThat(tracestate(LEVEL_2, "")).isEmpty();
  }

  @Test
  void tracestate_leadingSpacesOfAValueArePartOfIt() {
    assertThat(tracestate(LEVEL_2, "foo=  1")).isEqualTo("foo=  1");
  }

  @Test
  void tracestate_32MembersOverSeveralFields_kept_33Discarded() {
    String thirtyTwo = members(1, 10) + ", " + members(11, 20) + ", " + members(21, 32);
    SpanContext parent = extract(LEVEL_2, "traceparent", TRACEPARENT, "tracestate", thirtyTwo);
    assertThat(parent.getTraceState().size()).isEqualTo(32);
    assertThat(parent.getTraceState().get("bar01")).isEqualTo("01");
    assertThat(tracestate(LEVEL_2, members(1, 16) + ", " + members(17, 33))).isEmpty();
    assertThat(tracestate(LEVEL_1, members(1, 16) + ", " + members(17, 33))).isEmpty();
  }

  @Test
  void tracestate_key256Kept_key257DiscardsTheWholeList() {
    String key256 = "z".repeat(256);
    assertThat(tracestate(LEVEL_2, "foo=1, " + key256 + "=1")).isEqualTo("foo=1," + key256 + "=1");
    assertThat(tracestate(LEVEL_2, "foo=1, " + "z".repeat(257) + "=1")).isEmpty();
    assertThat(tracestate(LEVEL_1, "foo=1, " + key256 + "=1")).isEqualTo("foo=1," + key256 + "=1");
    assertThat(tracestate(LEVEL_1, "foo=1, " + "z".repeat(257) + "=1")).isEmpty();
  }

  @Test
  void tracestate_draftKeys_keptAtLevel2_discardTheListAtLevel1() {
    String[] draftOnly = {
      "foo@", "foo@@bar", "foo@bar@baz", "1abc", "t".repeat(242) + "@v", "t@" + "v".repeat(15),
    };
    for (String key : draftOnly) {
      assertThat(tracestate(LEVEL_2, key + "=1,bar=2")).as(key).isEqualTo(key + "=1,bar=2");
      assertThat(tracestate(LEVEL_1, key + "=1,bar=2")).as(key).isEmpty();
    }
  }

  @Test
  void tracestate_multiTenantKeys_keptAtBothLevels() {
    String[] keys = {"t".repeat(241) + "@" + "v".repeat(14), "1tenant@vendor", "a@b"};
    for (String key : keys) {
      assertThat(tracestate(LEVEL_1, key + "=1")).as(key).isEqualTo(key + "=1");
      assertThat(tracestate(LEVEL_2, key + "=1")).as(key).isEqualTo(key + "=1");
    }
  }

  @Test
  void tracestate_malformedMember_discardsTheWholeList() {
    String[] invalid = {
      "foo =1,bar=2",
      "FOO=1,bar=2",
      "foo.bar=1,bar=2",
      "@foo=1,bar=2",
      "foo=bar=baz,bar=2",
      "foo=,bar=3",
      "foo,bar=2",
      "=1,bar=2",
      "foo=a\tb,bar=2",
      "foo=\u00e9,bar=2",
      "foo=" + "v".repeat(257) + ",bar=2",
    };
    for (String tracestate : invalid) {
      assertThat(tracestate(LEVEL_2, tracestate)).as(tracestate).isEmpty();
      assertThat(tracestate(LEVEL_1, tracestate)).as(tracestate).isEmpty();
    }
    assertThat(tracestate(LEVEL_2, "foo=" + "v".repeat(256))).hasSize(4 + 256);
  }

  @Test
  void tracestate_repeatedKey_level2KeepsFirstOccurrence_level1DiscardsTheList() {
    assertThat(tracestate(LEVEL_2, "foo=1,bar=2,foo=3")).isEqualTo("foo=1,bar=2");
    assertThat(tracestate(LEVEL_2, "foo=1, foo=1")).isEqualTo("foo=1");
    assertThat(tracestate(LEVEL_1, "foo=1,bar=2,foo=3")).isEmpty();
    assertThat(tracestate(LEVEL_1, "foo=1, foo=1")).isEmpty();
  }

  @Test
  void tracestate_allAllowedCharacters_survivesUnchanged() {
    String key = "abcdefghijklmnopqrstuvwxyz0123456789_-*/";
    StringBuilder value = new StringBuilder();
    for (char c = 0x20; c <= 0x7e; c++) {
      if (c != ',' && c != '=') {
        value.append(c);
      }
    }
    assertThat(tracestate(LEVEL_2, key + "=" + value)).isEqualTo(key + "=" + value);
    assertThat(tracestate(LEVEL_1, key + "@a-z0-9_-*/=" + value))
        .isEqualTo(key + "@a-z0-9_-*/=" + value);
  }

  @Test
  void inject_writesVersion00_spanIds_andTracestate() {
    SpanContext parent =
        extract(LEVEL_2, "traceparent", TRACEPARENT, "tracestate", "foo@=1, bar=2");

    Map<String, String> headers = inject(LEVEL_2, parent);

    assertThat(headers)
        .containsEntry("traceparent", TRACEPARENT)
        .containsEntry("tracestate", "foo@=1,bar=2");
    assertThat(inject(LEVEL_2, SpanContext.getInvalid())).isEmpty();
  }

  @Test
  void childSpans_inheritTheTracestate_andTheRandomFlag_ofTheirRemoteParent() {
    try (SdkTracerProvider provider =
        SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(new InMemorySpanExporter()))
            .build()) {
      Tracer tracer = provider.get("test");
      SpanContext parent =
          extract(
              LEVEL_2,
              "traceparent",
              "00-" + TRACE_ID + "-" + PARENT_ID + "-03",
              "tracestate",
              "1vendor=x,foo@=1");
      Span child =
          tracer.spanBuilder("child").setParent(Context.root().with(Span.wrap(parent))).startSpan();
      Span root = tracer.spanBuilder("root").setParent(Context.root()).startSpan();

      Map<String, String> headers = inject(LEVEL_2, child.getSpanContext());
      assertThat(headers.get("traceparent")).startsWith("00-" + TRACE_ID + "-").endsWith("-03");
      assertThat(headers.get("traceparent")).doesNotContain(PARENT_ID);
      assertThat(headers).containsEntry("tracestate", "1vendor=x,foo@=1");
      // A trace this process starts has a random trace id: Level 2 says so in the flags.
      assertThat(inject(LEVEL_2, root.getSpanContext()).get("traceparent")).endsWith("-03");
      assertThat(inject(LEVEL_1, root.getSpanContext()).get("traceparent")).endsWith("-01");
      child.end();
      root.end();
    }
  }

  @Test
  void traceStateBuilder_putMovesToFront_invalidIgnored_33rdDropsRightMost() {
    TraceState parsed = W3CTraceState.parse(members(1, 32), LEVEL_2);
    TraceStateBuilder builder = parsed.toBuilder();

    TraceState changed =
        builder.put("bar05", "new").put("Invalid", "x").put("ok", "a=b").put("new@", "1").build();

    assertThat(changed.size()).isEqualTo(32);
    assertThat(W3CTraceState.encode(changed)).startsWith("new@=1,bar05=new,bar01=01,");
    assertThat(changed.get("bar32")).isNull();
    assertThat(changed.get("bar31")).isEqualTo("31");
    assertThat(W3CTraceState.builder(LEVEL_1).put("new@", "1").build().isEmpty()).isTrue();
    assertThat(parsed.toBuilder().remove("bar01").build().get("bar01")).isNull();
    assertThat(parsed.asMap()).hasSize(32).containsEntry("bar07", "07");
  }

  @Test
  void foreignTraceState_isEncodedThroughItsEntries() {
    TraceState otel = TraceState.builder().put("rojo", "1").put("congo", "2").build();
    SpanContext span = SpanContext.create(TRACE_ID, PARENT_ID, TraceFlags.getSampled(), otel);

    assertThat(inject(LEVEL_2, span)).containsEntry("tracestate", "congo=2,rojo=1");
  }

  @Test
  void level_onlyOneAndTwoExist() {
    assertThat(TraceContextLevel.of(1)).isEqualTo(LEVEL_1);
    assertThat(TraceContextLevel.of(2)).isEqualTo(LEVEL_2);
    assertThatThrownBy(() -> TraceContextLevel.of(3)).isInstanceOf(IllegalArgumentException.class);
  }
}
