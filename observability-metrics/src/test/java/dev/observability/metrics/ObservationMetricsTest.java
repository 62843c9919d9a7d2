package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.HttpClientObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.instrument.MethodObservationContext;
import io.micrometer.observation.Observation;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObservationMetricsTest {

  static final class OrderService {}

  private static void call(Observability obs, Class<?> type, String method, Runnable body) {
    MethodObservationContext context = new MethodObservationContext(type, method);
    Observation.createNotStarted(
            type.getSimpleName() + "." + method, () -> context, obs.observationRegistry())
        .observe(body);
  }

  @Test
  void instrumentedMethod_isTimedOnePerMethod() {
    try (Observability obs = Instances.start()) {
      call(obs, OrderService.class, "place", () -> {});
      call(obs, OrderService.class, "place", () -> {});
      call(obs, OrderService.class, "cancel", () -> {});

      Exposition e = Exposition.parse(Instances.scrape(obs));
      String type = OrderService.class.getName();
      assertThat(
              e.value(
                  "method_duration_seconds_count",
                  Map.of("class", type, "method", "place", "exception", "none")))
          .isEqualTo(2.0);
      assertThat(
              e.value("method_duration_seconds_count", Map.of("class", type, "method", "cancel")))
          .isEqualTo(1.0);
      assertThat(e.named("method_duration_seconds_count").get(0).labels())
          .containsOnlyKeys("class", "method", "exception");
    }
  }

  @Test
  void instrumentedMethod_thatThrows_isTaggedWithTheExceptionAndRethrowsIt() {
    try (Observability obs = Instances.start()) {
      IllegalArgumentException thrown = new IllegalArgumentException("no such order");

      assertThatThrownBy(
              () ->
                  call(
                      obs,
                      OrderService.class,
                      "cancel",
                      () -> {
                        throw thrown;
                      }))
          .isSameAs(thrown);
      assertThat(
              Exposition.parse(Instances.scrape(obs))
                  .value(
                      "method_duration_seconds_count",
                      Map.of("exception", "IllegalArgumentException")))
          .isEqualTo(1.0);
    }
  }

  @Test
  void methodsPastTheCap_areRecordedAsOther() {
    try (Observability obs = Instances.builder().property("metrics.max-tag-values", "2").start()) {
      for (String m : new String[] {"a", "b", "c", "d"}) {
        call(obs, OrderService.class, m, () -> {});
      }

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("method_duration_seconds_count", "method"))
          .containsExactlyInAnyOrder("a", "b", "OTHER");
      assertThat(
              e.value("method_duration_seconds_count", Map.of("method", "OTHER", "class", "OTHER")))
          .isEqualTo(2.0);
      assertThat(
              e.value(
                  "observability_cardinality_overflow_total",
                  Map.of("meter", "method_duration_seconds")))
          .isEqualTo(2.0);
    }
  }

  @Test
  void plainObservation_isTimedAsAnOperation() {
    try (Observability obs = Instances.start()) {
      obs.observe("nightly-import", () -> {});
      RuntimeException thrown = new UnsupportedOperationException("nope");
      assertThatThrownBy(
              () ->
                  obs.observe(
                      "nightly-import",
                      () -> {
                        throw thrown;
                      }))
          .isSameAs(thrown);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(
              e.value(
                  "operation_duration_seconds_count",
                  Map.of("operation", "nightly-import", "exception", "none")))
          .isEqualTo(1.0);
      assertThat(
              e.value(
                  "operation_duration_seconds_count",
                  Map.of(
                      "operation", "nightly-import", "exception", "UnsupportedOperationException")))
          .isEqualTo(1.0);
    }
  }

  @Test
  void httpObservations_areNotTimedAsOperations() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/a", "/a", 200);
      HttpClientObservationContext client =
          new HttpClientObservationContext(
              "GET", java.net.URI.create("http://localhost/x"), (n, v) -> {});
      Observation.createNotStarted(
              ObservationNames.HTTP_CLIENT, () -> client, obs.observationRegistry())
          .observe(() -> {});

      assertThat(Exposition.parse(Instances.scrape(obs)).named("operation_duration_seconds_count"))
          .isEmpty();
    }
  }

  @Test
  void observationTimers_canBeTurnedOff() {
    try (Observability obs =
        Instances.builder().property("metrics.observations", "false").start()) {
      obs.observe("job", () -> {});
      call(obs, OrderService.class, "place", () -> {});

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.names()).noneMatch(n -> n.startsWith("operation_") || n.startsWith("method_"));
    }
  }
}
