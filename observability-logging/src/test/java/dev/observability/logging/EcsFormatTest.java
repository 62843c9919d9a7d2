package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import io.micrometer.observation.Observation;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/** {@code logging.format=ecs} through the module: the installed console and transaction ids. */
class EcsFormatTest {

  private static final String TRACE = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1";
  private static final String SERVER_SPAN = "aaaaaaaaaaaaaaa1";
  private static final String CHILD_SPAN = "bbbbbbbbbbbbbbb2";

  private final Logger logger = LoggerFactory.getLogger("com.example.Orders");
  private LogbackTestSupport.StdOut out;
  private Observability obs;

  @BeforeEach
  void setUp() {
    LogbackTestSupport.resetToDefault();
    MDC.clear();
    out = new LogbackTestSupport.StdOut();
  }

  @AfterEach
  void tearDown() {
    if (obs != null) {
      obs.close();
    }
    out.close();
    MDC.clear();
    LogbackTestSupport.resetToDefault();
  }

  private static Span span(String spanId) {
    return Span.wrap(
        SpanContext.create(TRACE, spanId, TraceFlags.getSampled(), TraceState.getDefault()));
  }

  private JsonNode line(String message) {
    List<JsonNode> lines = JsonLines.parseAll(out.text());
    return lines.stream()
        .filter(n -> message.equals(n.path("message").asText()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no line '" + message + "' in:\n" + out.text()));
  }

  @Test
  void ecsFormat_everyLineInsideARequestCarriesItsTransaction() {
    obs = LogbackTestSupport.builder().property("logging.format", "ecs").start();
    out.mark();
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/orders/7", "token=abc", h -> null);
    http.setRequestId("req-ecs");
    http.setRoute("/orders/{id}");
    http.put(ObservationNames.SPAN, span(SERVER_SPAN));

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(
            () -> {
              logger.info("in the request");
              Observation child =
                  Observation.createNotStarted(
                      "load",
                      () -> {
                        Observation.Context context = new Observation.Context();
                        context.put(ObservationNames.SPAN, span(CHILD_SPAN));
                        return context;
                      },
                      obs.observationRegistry());
              child.observe(() -> logger.atInfo().addKeyValue("rows", 3).log("in a child"));
              http.setStatus(200);
            });
    logger.info("after the request");

    JsonNode inRequest = line("in the request");
    assertThat(inRequest.get("trace.id").asText()).isEqualTo(TRACE);
    assertThat(inRequest.get("span.id").asText()).isEqualTo(SERVER_SPAN);
    assertThat(inRequest.get("transaction.id").asText()).isEqualTo(SERVER_SPAN);
    assertThat(inRequest.get("http.request.id").asText()).isEqualTo("req-ecs");
    JsonNode inChild = line("in a child");
    assertThat(inChild.get("span.id").asText()).isEqualTo(CHILD_SPAN);
    assertThat(inChild.get("transaction.id").asText()).isEqualTo(SERVER_SPAN);
    assertThat(inChild.get("labels").get("rows").asText()).isEqualTo("3");
    JsonNode access = line("request completed");
    assertThat(access.get("url.path").asText()).isEqualTo("/orders/7");
    assertThat(access.get("url.query").asText()).isEqualTo("token=[REDACTED]");
    assertThat(access.get("http.response.status_code").asInt()).isEqualTo(200);
    assertThat(access.get("event.outcome").asText()).isEqualTo("success");
    assertThat(access.get("transaction.id").asText()).isEqualTo(SERVER_SPAN);
    assertThat(access.get("service.name").asText()).isEqualTo("orders");
    JsonNode after = line("after the request");
    assertThat(after.has("transaction.id")).isFalse();
    assertThat(after.has("trace.id")).isFalse();
    assertThat(MDC.get("transaction.id")).isNull();
  }

  @Test
  void jsonFormat_addsNoTransactionIdToTheMdc() {
    obs = LogbackTestSupport.builder().start();
    out.mark();
    HttpServerObservationContext http =
        new HttpServerObservationContext("GET", "/orders/7", null, h -> null);
    http.put(ObservationNames.SPAN, span(SERVER_SPAN));

    Observation.createNotStarted(
            ObservationNames.HTTP_SERVER, () -> http, obs.observationRegistry())
        .observe(() -> logger.info("in the request"));

    JsonNode json = line("in the request");
    assertThat(json.has("transaction.id")).isFalse();
    assertThat(json.get("span_id").asText()).isEqualTo(SERVER_SPAN);
  }
}
