package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.observability.Observability;
import dev.observability.tracing.TracingModule;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * W3C Trace Context, Level 1 and the Level 2 draft, over real HTTP on loopback, the way the W3C
 * conformance suite checks it: header fields are sent to {@link TraceContextTestService} (Jetty,
 * the SDK's filter, {@code TracedHttpClient}) exactly as written, one line each, over a raw socket;
 * the service calls back a loopback server, which records the headers of each callback. The suite
 * itself is run by hand (docs/tracing.md); these tests are the spec's rules, in CI.
 */
class TraceContextConformanceTest {

  private static final String TRACE_ID = "12345678901234567890123456789012";
  private static final String PARENT_ID = "1234567890123456";
  private static final String SAMPLED = "00-" + TRACE_ID + "-" + PARENT_ID + "-01";
  private static final String UNSAMPLED = "00-" + TRACE_ID + "-" + PARENT_ID + "-00";

  private final Map<String, Map<String, List<String>>> callbacks = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private @Nullable Observability obs;
  private @Nullable TraceContextTestService service;
  private @Nullable HttpServer harness;

  @AfterEach
  void stop() {
    if (service != null) {
      service.close();
    }
    if (obs != null) {
      obs.close();
    }
    if (harness != null) {
      harness.stop(0);
    }
  }

  private void start(int level) throws Exception {
    obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .module(new TracingModule())
            .property("shutdown.hook", "false")
            .property("tracing.tracecontext.level", Integer.toString(level))
            .start();
    service = TraceContextTestService.start(obs, 0);
    harness = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    harness.createContext(
        "/callback/",
        exchange -> {
          try (exchange) {
            String id = exchange.getRequestURI().getPath().substring("/callback/".length());
            Map<String, List<String>> headers = new ConcurrentHashMap<>();
            for (String name : List.of("traceparent", "tracestate", "baggage")) {
              List<String> values = exchange.getRequestHeaders().get(name);
              headers.put(name, values == null ? List.of() : List.copyOf(values));
            }
            exchange.getRequestBody().readAllBytes();
            callbacks.put(id, headers);
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
          }
        });
    harness.start();
  }

  /**
   * POSTs to the service's {@code /test} with the header lines as given, asking for {@code count}
   * callbacks; returns the headers each callback carried, in order.
   */
  private List<Map<String, List<String>>> send(int count, String... headerLines)
      throws IOException {
    List<String> callbackIds = new ArrayList<>();
    StringBuilder body = new StringBuilder("[");
    for (int i = 0; i < count; i++) {
      String id = Integer.toString(ids.incrementAndGet());
      callbackIds.add(id);
      body.append(i == 0 ? "" : ",")
          .append("{\"url\":\"http://127.0.0.1:")
          .append(harness.getAddress().getPort())
          .append("/callback/")
          .append(id)
          .append("\",\"arguments\":[]}");
    }
    byte[] json = body.append(']').toString().getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder("POST /test HTTP/1.1\r\nHost: 127.0.0.1\r\n");
    for (String line : headerLines) {
      head.append(line).append("\r\n");
    }
    head.append("Content-Type: application/json\r\n")
        .append("Content-Length: ")
        .append(json.length)
        .append("\r\nConnection: close\r\n\r\n");
    String response;
    try (Socket socket = new Socket("127.0.0.1", service.port())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(json);
      out.flush();
      response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
    // The service answers after its calls returned, so every callback has been recorded.
    assertThat(response).startsWith("HTTP/1.1 200");
    List<Map<String, List<String>>> result = new ArrayList<>();
    for (String id : callbackIds) {
      assertThat(callbacks).containsKey(id);
      result.add(callbacks.get(id));
    }
    return result;
  }

  /** The one callback's headers. */
  private Map<String, List<String>> call(String... headerLines) throws IOException {
    return send(1, headerLines).get(0);
  }

  /** The callback's single {@code traceparent}, split into version, trace id, parent id, flags. */
  private static String[] traceparent(Map<String, List<String>> callback) {
    assertThat(callback.get("traceparent")).hasSize(1);
    String value = callback.get("traceparent").get(0);
    assertThat(value).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");
    return value.split("-");
  }

  /** The callback's {@code tracestate}, sent as one field, or an empty string when absent. */
  private static String tracestate(Map<String, List<String>> callback) {
    List<String> values = callback.get("tracestate");
    assertThat(values).hasSizeLessThanOrEqualTo(1);
    return values.isEmpty() ? "" : values.get(0);
  }

  private static String members(int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(i -> String.format("bar%02d=%02d", i, i))
        .collect(Collectors.joining(","));
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void validTraceparent_anyNameCase_isContinuedWithANewParentId(int level) throws Exception {
    start(level);
    for (String name : List.of("traceparent", "TraceParent", "TRACEPARENT")) {
      String[] out = traceparent(call(name + ": " + SAMPLED));

      assertThat(out[1]).as(name).isEqualTo(TRACE_ID);
      assertThat(out[2]).as(name).isNotEqualTo(PARENT_ID);
      assertThat(Integer.parseInt(out[3], 16) & 0x01).as("sampled").isEqualTo(1);
    }
  }

  @Test
  void noTraceparent_startsANewTrace_withTheRandomFlagAtLevel2() throws Exception {
    start(2);
    String[] first = traceparent(call());
    String[] second = traceparent(call("trace-parent: " + SAMPLED));

    assertThat(first[1]).isNotEqualTo(second[1]).isNotEqualTo(TRACE_ID);
    assertThat(Integer.parseInt(first[3], 16) & 0x02).as("random-trace-id").isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void twoTraceparentFields_makeItInvalid_soANewTraceStartsWithoutTracestate(int level)
      throws Exception {
    start(level);
    String other = "00-" + "1".repeat(31) + "2-" + PARENT_ID + "-01";

    Map<String, List<String>> differing =
        call("traceparent: " + SAMPLED, "traceparent: " + other, "tracestate: foo=1");
    Map<String, List<String>> equal = call("traceparent: " + SAMPLED, "Traceparent: " + SAMPLED);

    assertThat(traceparent(differing)[1]).isNotIn(TRACE_ID, "1".repeat(31) + "2");
    assertThat(tracestate(differing)).isEmpty();
    assertThat(traceparent(equal)[1]).isNotEqualTo(TRACE_ID);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void malformedTraceparent_startsANewTrace(int level) throws Exception {
    start(level);
    String[] invalid = {
      "ff-" + TRACE_ID + "-" + PARENT_ID + "-01",
      "00-" + TRACE_ID.replace('1', 'A') + "-" + PARENT_ID + "-01",
      "00-" + TRACE_ID + "-" + PARENT_ID + "-01.",
      "00-" + TRACE_ID + "-" + PARENT_ID + "-01-what-the-future-will-be-like",
      "cc-" + TRACE_ID + "-" + PARENT_ID + "-01.what-the-future-will-be-like",
      "00-" + "0".repeat(32) + "-" + PARENT_ID + "-01",
      "00-" + TRACE_ID + "-" + "0".repeat(16) + "-01",
      "00-" + TRACE_ID + "-" + PARENT_ID + "-1",
      "0-" + TRACE_ID + "-" + PARENT_ID + "-01",
    };
    for (String value : invalid) {
      Map<String, List<String>> callback = call("traceparent: " + value, "tracestate: foo=1");
      assertThat(traceparent(callback)[1]).as(value).isNotEqualTo(TRACE_ID);
      assertThat(tracestate(callback)).as(value).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void laterVersionAndSurroundingWhitespace_areContinued(int level) throws Exception {
    start(level);
    String later = "cc-" + TRACE_ID + "-" + PARENT_ID + "-01-what-the-future-will-be-like";

    assertThat(traceparent(call("traceparent: " + later))[1]).isEqualTo(TRACE_ID);
    assertThat(traceparent(call("traceparent: \t " + SAMPLED + " \t"))[1]).isEqualTo(TRACE_ID);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void tracestateOverSeveralFields_isSentOnWhole_inOrder_asOneField(int level) throws Exception {
    start(level);
    Map<String, List<String>> callback =
        call(
            "traceparent: " + UNSAMPLED,
            "tracestate: foo=1,bar=2",
            "TraceState: rojo=1 \t,\t congo=2",
            "tracestate: ",
            "tracestate: baz=3");

    assertThat(traceparent(callback)[1]).isEqualTo(TRACE_ID);
    assertThat(tracestate(callback)).isEqualTo("foo=1,bar=2,rojo=1,congo=2,baz=3");
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void thirtyTwoMembersOverFields_areKept_thirtyThreeDiscardTheList(int level) throws Exception {
    start(level);
    Map<String, List<String>> thirtyTwo =
        call(
            "traceparent: " + UNSAMPLED,
            "tracestate: " + members(1, 10),
            "tracestate: " + members(11, 20),
            "tracestate: " + members(21, 30),
            "tracestate: " + members(31, 32));
    Map<String, List<String>> thirtyThree =
        call(
            "traceparent: " + UNSAMPLED,
            "tracestate: " + members(1, 30),
            "tracestate: " + members(31, 33));

    assertThat(tracestate(thirtyTwo)).isEqualTo(members(1, 32));
    assertThat(tracestate(thirtyThree)).isEmpty();
    assertThat(traceparent(thirtyThree)[1]).isEqualTo(TRACE_ID);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void keyOf256InASecondField_isKept_257DiscardsTheList(int level) throws Exception {
    start(level);
    String key256 = "z".repeat(256);

    assertThat(
            tracestate(
                call(
                    "traceparent: " + UNSAMPLED,
                    "tracestate: foo=1",
                    "tracestate: " + key256 + "=1")))
        .isEqualTo("foo=1," + key256 + "=1");
    assertThat(
            tracestate(
                call(
                    "traceparent: " + UNSAMPLED,
                    "tracestate: foo=1",
                    "tracestate: z" + key256 + "=1")))
        .isEmpty();
  }

  @Test
  void draftKeys_areKeptAtLevel2() throws Exception {
    start(2);
    for (String key :
        List.of(
            "foo@",
            "foo@@bar",
            "foo@bar@baz",
            "1abc",
            "t".repeat(242) + "@v",
            "t@" + "v".repeat(15))) {
      assertThat(tracestate(call("traceparent: " + UNSAMPLED, "tracestate: " + key + "=1,bar=2")))
          .as(key)
          .isEqualTo(key + "=1,bar=2");
    }
  }

  @Test
  void draftKeys_discardTheListAtLevel1_multiTenantKeysAreKept() throws Exception {
    start(1);
    for (String key :
        List.of(
            "foo@",
            "foo@@bar",
            "foo@bar@baz",
            "1abc",
            "t".repeat(242) + "@v",
            "t@" + "v".repeat(15))) {
      assertThat(tracestate(call("traceparent: " + UNSAMPLED, "tracestate: " + key + "=1,bar=2")))
          .as(key)
          .isEmpty();
    }
    String tenant = "t".repeat(241) + "@" + "v".repeat(14);
    assertThat(tracestate(call("traceparent: " + UNSAMPLED, "tracestate: " + tenant + "=1,bar=2")))
        .isEqualTo(tenant + "=1,bar=2");
  }

  @Test
  void repeatedKey_level2KeepsTheFirstOccurrence_withinAndAcrossFields() throws Exception {
    start(2);

    assertThat(tracestate(call("traceparent: " + UNSAMPLED, "tracestate: foo=1,bar=2,foo=3")))
        .isEqualTo("foo=1,bar=2");
    assertThat(
            tracestate(call("traceparent: " + UNSAMPLED, "tracestate: foo=1", "tracestate: foo=2")))
        .isEqualTo("foo=1");
  }

  @Test
  void repeatedKey_level1DiscardsTheList_withinAndAcrossFields() throws Exception {
    start(1);

    assertThat(tracestate(call("traceparent: " + UNSAMPLED, "tracestate: foo=1,bar=2,foo=3")))
        .isEmpty();
    assertThat(
            tracestate(call("traceparent: " + UNSAMPLED, "tracestate: foo=1", "tracestate: foo=1")))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void malformedMember_discardsTheList_traceparentStillContinued(int level) throws Exception {
    start(level);
    for (String tracestate :
        List.of("foo=bar=baz", "foo=,bar=3", "FOO=1,bar=2", "foo =1,bar=2", "@foo=1,bar=2")) {
      Map<String, List<String>> callback =
          call("traceparent: " + UNSAMPLED, "tracestate: " + tracestate);
      assertThat(tracestate(callback)).as(tracestate).isEmpty();
      assertThat(traceparent(callback)[1]).as(tracestate).isEqualTo(TRACE_ID);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void tracestateWithoutTraceparent_isDiscarded(int level) throws Exception {
    start(level);

    assertThat(tracestate(call("tracestate: foo=1,bar=2"))).isEmpty();
  }

  @Test
  void randomFlag_isSentOnAtLevel2_otherFlagsCleared() throws Exception {
    start(2);

    assertThat(traceparent(call("traceparent: 00-" + TRACE_ID + "-" + PARENT_ID + "-02"))[3])
        .isEqualTo("02");
    assertThat(traceparent(call("traceparent: 00-" + TRACE_ID + "-" + PARENT_ID + "-ff"))[3])
        .isEqualTo("03");
  }

  @Test
  void randomFlag_isClearedAtLevel1() throws Exception {
    start(1);

    assertThat(traceparent(call("traceparent: 00-" + TRACE_ID + "-" + PARENT_ID + "-02"))[3])
        .isEqualTo("00");
    assertThat(traceparent(call("traceparent: 00-" + TRACE_ID + "-" + PARENT_ID + "-ff"))[3])
        .isEqualTo("01");
    assertThat(traceparent(call())[3]).isIn("00", "01");
  }

  @Test
  void baggageOverSeveralFields_isSentOnWhole() throws Exception {
    start(2);

    Map<String, List<String>> callback =
        call("traceparent: " + SAMPLED, "baggage: userId=alice", "baggage: isProduction=false");

    assertThat(callback.get("baggage")).hasSize(1);
    assertThat(Set.of(callback.get("baggage").get(0).split(",")))
        .containsExactlyInAnyOrder("userId=alice", "isProduction=false");
  }

  @Test
  void severalCalls_shareTheTrace_eachWithItsOwnParentId() throws Exception {
    start(2);
    Set<String> traces = new HashSet<>();
    Set<String> parents = new HashSet<>();
    for (Map<String, List<String>> callback : send(3, "traceparent: " + SAMPLED)) {
      String[] out = traceparent(callback);
      traces.add(out[1]);
      parents.add(out[2]);
    }

    assertThat(traces).containsExactly(TRACE_ID);
    assertThat(parents).hasSize(3).doesNotContain(PARENT_ID);
  }
}
