package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class TraceResponseTest {

  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String SPAN = "00f067aa0ba902b7";

  private static Function<String, String> headers(String... namesAndValues) {
    Map<String, String> map = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 0; i < namesAndValues.length; i += 2) {
      map.put(namesAndValues[i], namesAndValues[i + 1]);
    }
    return map::get;
  }

  private static boolean keeps(String traceresponse) {
    return TraceResponse.keeps(headers("traceresponse", traceresponse), TRACE);
  }

  @Test
  void value_isVersion00WithTheServerSpanAndTheSampledFlag() {
    SpanContext server =
        SpanContext.create(TRACE, SPAN, TraceFlags.getDefault(), TraceState.getDefault());

    String value = TraceResponse.value(server);

    assertThat(value).isEqualTo("00-" + TRACE + "-" + SPAN + "-01");
    assertThat(TraceResponse.serverTiming(value))
        .isEqualTo("traceparent;desc=\"00-" + TRACE + "-" + SPAN + "-01\"");
    assertThat(keeps(value)).isTrue();
  }

  @Test
  void traceresponse_sampledForTheCallsTrace_keeps() {
    assertThat(keeps("00-" + TRACE + "-" + SPAN + "-01")).isTrue();
    assertThat(keeps(" \t00-" + TRACE + "-" + SPAN + "-03 ")).isTrue();
  }

  @Test
  void traceresponse_notSampled_doesNotKeep() {
    assertThat(keeps("00-" + TRACE + "-" + SPAN + "-00")).isFalse();
    assertThat(keeps("00-" + TRACE + "-" + SPAN + "-02")).isFalse();
  }

  @Test
  void traceresponse_ofAnotherTrace_doesNotKeep() {
    assertThat(keeps("00-" + "1".repeat(32) + "-" + SPAN + "-01")).isFalse();
    // The callee restarted the trace (it did not continue ours): not about our trace.
    assertThat(
            TraceResponse.keeps(
                headers("traceresponse", "00-" + TRACE + "-" + SPAN + "-01"), "1".repeat(32)))
        .isFalse();
  }

  @Test
  void traceresponse_malformed_doesNotKeep() {
    assertThat(keeps("ff-" + TRACE + "-" + SPAN + "-01")).as("version ff").isFalse();
    assertThat(keeps("00-" + TRACE.toUpperCase() + "-" + SPAN + "-01")).as("upper case").isFalse();
    assertThat(keeps("00-" + TRACE + "-" + "0".repeat(16) + "-01")).as("zero span").isFalse();
    assertThat(keeps("00-" + TRACE + "-" + SPAN + "-01-extra")).as("00 too long").isFalse();
    assertThat(keeps("00-" + TRACE + "-" + SPAN + "-1")).as("short").isFalse();
    assertThat(keeps("00_" + TRACE + "-" + SPAN + "-01")).as("separator").isFalse();
    assertThat(keeps("00-" + TRACE + "-" + SPAN + "-0g")).as("flags").isFalse();
    assertThat(keeps("")).isFalse();
    assertThat(keeps("00-" + TRACE + "-" + SPAN + "-01, 00-" + TRACE + "-" + SPAN + "-01"))
        .as("two fields")
        .isFalse();
    assertThat(
            TraceResponse.keeps(
                headers("traceresponse", "00-" + "0".repeat(32) + "-" + SPAN + "-01"),
                "0".repeat(32)))
        .as("zero trace")
        .isFalse();
  }

  @Test
  void traceresponse_laterVersion_readAsItsFirstFields() {
    assertThat(keeps("01-" + TRACE + "-" + SPAN + "-01-future")).isTrue();
    assertThat(keeps("01-" + TRACE + "-" + SPAN + "-01")).isTrue();
    assertThat(keeps("01-" + TRACE + "-" + SPAN + "-01x")).isFalse();
  }

  @Test
  void serverTiming_traceparentMetricWithSampledDesc_keeps() {
    String value = "00-" + TRACE + "-" + SPAN + "-01";
    assertThat(
            TraceResponse.keeps(
                headers("Server-Timing", "traceparent;desc=\"" + value + "\""), TRACE))
        .isTrue();
    assertThat(
            TraceResponse.keeps(
                headers(
                    "server-timing",
                    "db;dur=53.2, app;dur=47.2;desc=\"a, b\" , TraceParent ; DESC = " + value),
                TRACE))
        .isTrue();
    assertThat(
            TraceResponse.keeps(
                headers(
                    "Server-Timing",
                    "cache;desc=\"hit\", traceparent;dur=1;desc=\"" + value + "\""),
                TRACE))
        .isTrue();
  }

  @Test
  void serverTiming_withoutOurMetric_orNotSampled_doesNotKeep() {
    String value = "00-" + TRACE + "-" + SPAN + "-01";
    assertThat(
            TraceResponse.keeps(
                headers("Server-Timing", "db;dur=53;desc=\"" + value + "\""), TRACE))
        .isFalse();
    assertThat(
            TraceResponse.keeps(
                headers("Server-Timing", "traceparent;desc=\"00-" + TRACE + "-" + SPAN + "-00\""),
                TRACE))
        .isFalse();
    assertThat(TraceResponse.keeps(headers("Server-Timing", "traceparent"), TRACE)).isFalse();
    assertThat(
            TraceResponse.keeps(headers("Server-Timing", "traceparent;desc=\"unterminated"), TRACE))
        .isFalse();
    assertThat(TraceResponse.keeps(headers("Server-Timing", ";;,,=\"\\"), TRACE)).isFalse();
  }

  @Test
  void traceresponse_winsOverServerTiming() {
    String kept = "00-" + TRACE + "-" + SPAN + "-01";
    String notKept = "00-" + TRACE + "-" + SPAN + "-00";
    assertThat(
            TraceResponse.keeps(
                headers(
                    "traceresponse", notKept, "Server-Timing", "traceparent;desc=\"" + kept + "\""),
                TRACE))
        .isFalse();
  }

  @Test
  void noHeaders_doNotKeep() {
    assertThat(TraceResponse.keeps(headers(), TRACE)).isFalse();
  }
}
