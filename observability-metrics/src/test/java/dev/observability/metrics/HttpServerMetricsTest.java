package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import io.micrometer.observation.Observation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpServerMetricsTest {

  private static final Map<String, String> USERS_GET =
      Map.of("method", "GET", "endpoint", "/api/users/{id}");

  @Test
  void request_withRoute_isCountedAndTimedUnderTheContractNames() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/api/users/1", "/api/users/{id}", 200);
      Instances.request(obs, "GET", "/api/users/2", "/api/users/{id}", 200);
      Instances.request(obs, "GET", "/api/users/3", "/api/users/{id}", 404);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.value("http_requests_total", Map.of("method", "GET", "status", "200")))
          .isEqualTo(2.0);
      assertThat(e.value("http_requests_total", Map.of("method", "GET", "status", "404")))
          .isEqualTo(1.0);
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .containsExactly("/api/users/{id}");
      assertThat(e.value("http_request_duration_seconds_count", USERS_GET)).isEqualTo(3.0);
      assertThat(e.value("http_request_duration_seconds_bucket", Map.of("le", "+Inf")))
          .isEqualTo(3.0);
      assertThat(e.named("http_request_duration_seconds_sum")).hasSize(1);
      assertThat(e.named("http_request_duration_seconds_count").get(0).labels())
          .containsOnlyKeys("method", "endpoint");
    }
  }

  @Test
  void histogram_exposesExactlyTheDefaultBuckets() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/", "/", 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(
              e.named("http_request_duration_seconds_bucket").stream()
                  .map(s -> s.labels().get("le"))
                  .toList())
          .containsExactly("0.01", "0.05", "0.1", "0.5", "1.0", "2.0", "5.0", "+Inf");
    }
  }

  @Test
  void histogram_withConfiguredBuckets_exposesOnlyThose() {
    try (Observability obs =
        Instances.builder().property("metrics.http.buckets", "0.25, 3").start()) {
      Instances.request(obs, "GET", "/", "/", 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(
              e.named("http_request_duration_seconds_bucket").stream()
                  .map(s -> s.labels().get("le"))
                  .toList())
          .containsExactly("0.25", "3.0", "+Inf");
    }
  }

  @Test
  void method_outsideTheStandardSet_isRecordedAsOther() {
    try (Observability obs = Instances.start()) {
      for (String method :
          List.of("GET", "PATCH", "get", "PROPFIND", "X-HACK-" + "A".repeat(500))) {
        Instances.request(obs, method, "/a", "/a", 200);
      }

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "method"))
          .containsExactlyInAnyOrder("GET", "PATCH", "_OTHER");
      assertThat(e.value("http_requests_total", Map.of("method", "_OTHER"))).isEqualTo(3.0);
    }
  }

  @Test
  void request_withoutRoute_usesThePathWithIdentifiersReplaced() {
    try (Observability obs = Instances.start()) {
      Instances.request(
          obs, "GET", "/api/users/42/orders/7f9c2b1e-8a3d-4c5e-9f10-2b3c4d5e6f70", null, 200);
      Instances.request(
          obs, "GET", "/api/users/43/orders/0b3c2b1e-8a3d-4c5e-9f10-2b3c4d5e6f70", null, 200);
      Instances.request(obs, "GET", "/health", null, 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .containsExactlyInAnyOrder("/api/users/{id}/orders/{id}", "/health");
      assertThat(e.value("http_requests_total", Map.of("endpoint", "/api/users/{id}/orders/{id}")))
          .isEqualTo(2.0);
    }
  }

  @Test
  void request_withEmptyRoute_usesThePath() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/api/users/42", "", 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .containsExactly("/api/users/{id}");
    }
  }

  @Test
  void request_endingWithAnException_isCountedAs500AndTheExceptionPassesUnchanged() {
    try (Observability obs = Instances.start()) {
      HttpServerObservationContext context =
          new HttpServerObservationContext("POST", "/api/orders", null, name -> null);
      context.setRoute("/api/orders");
      IllegalStateException thrown = new IllegalStateException("boom");

      assertThatThrownBy(
              () ->
                  Observation.createNotStarted(
                          ObservationNames.HTTP_SERVER, () -> context, obs.observationRegistry())
                      .observe(
                          () -> {
                            throw thrown;
                          }))
          .isSameAs(thrown);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.value("http_requests_total", Map.of("method", "POST", "status", "500")))
          .isEqualTo(1.0);
    }
  }

  @Test
  void request_withoutStatusOrException_isCountedAsUnknown() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/a", "/a", 0);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "status")).containsExactly("UNKNOWN");
    }
  }

  @Test
  void inFlight_countsRequestsBetweenStartAndStop() {
    try (Observability obs = Instances.start()) {
      assertThat(Exposition.parse(Instances.scrape(obs)).value("http_requests_in_flight", Map.of()))
          .isZero();
      HttpServerObservationContext context =
          new HttpServerObservationContext("GET", "/slow", null, name -> null);
      Observation observation =
          Observation.createNotStarted(
                  ObservationNames.HTTP_SERVER, () -> context, obs.observationRegistry())
              .start();

      assertThat(Exposition.parse(Instances.scrape(obs)).value("http_requests_in_flight", Map.of()))
          .isEqualTo(1.0);
      context.setStatus(200);
      observation.stop();
      assertThat(Exposition.parse(Instances.scrape(obs)).value("http_requests_in_flight", Map.of()))
          .isZero();
    }
  }

  @Test
  void commonTags_areAddedToEveryMeter() {
    try (Observability obs =
        Instances.builder()
            .property("metrics.common-tags", "region=eu-west-1,team=payments")
            .start()) {
      Instances.request(obs, "GET", "/a", "/a", 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.named("http_requests_total").get(0).labels())
          .containsEntry("region", "eu-west-1")
          .containsEntry("team", "payments");
      assertThat(e.samples()).allSatisfy(s -> assertThat(s.labels()).containsKey("region"));
    }
  }

  @Test
  void facade_providesMetricsAndScrapeEndpoint() {
    try (Observability obs = Instances.start()) {
      assertThat(obs.modules()).containsExactly("metrics");
      assertThat(Metrics.of(obs)).isSameAs(obs.require(Metrics.class));
      assertThat(Metrics.of(obs).registry()).isSameAs(obs.meterRegistry());
    }
  }
}
