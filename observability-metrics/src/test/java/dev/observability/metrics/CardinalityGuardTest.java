package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.observability.Observability;
import dev.observability.metrics.internal.TagLimiter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class CardinalityGuardTest {

  private final Logger limiterLogger = (Logger) LoggerFactory.getLogger(TagLimiter.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

  @BeforeEach
  void captureLogs() {
    logs.start();
    limiterLogger.addAppender(logs);
  }

  @AfterEach
  void releaseLogs() {
    limiterLogger.detachAppender(logs);
  }

  /** A path segment of letters only, distinct per {@code i}, that the normaliser keeps. */
  private static String word(int i) {
    StringBuilder sb = new StringBuilder();
    int n = i;
    do {
      sb.append((char) ('a' + n % 26));
      n /= 26;
    } while (n > 0);
    return sb.toString();
  }

  @Test
  void distinctRoutesAndBogusMethods_seriesStayAtTheCapAndOverflowIsCounted() {
    int routes = 100_000;
    try (Observability obs = Instances.start()) {
      for (int i = 0; i < routes; i++) {
        String method = i % 100 == 0 ? "BOGUS" + (i / 100) : "GET";
        String route = "/catalog/" + word(i);
        Instances.request(obs, method, route, route, 200);
      }

      MeterRegistry registry = obs.meterRegistry();
      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .hasSize(100 + 1)
          .contains("OTHER", "/catalog/a");
      assertThat(e.labelValues("http_requests_total", "method"))
          .containsExactlyInAnyOrder("GET", "_OTHER");
      // 101 endpoint values x 2 methods at most, one status.
      assertThat(registry.find(MetricsConvention.HTTP_REQUESTS).counters().size())
          .isLessThanOrEqualTo(101 * 2);
      assertThat(registry.find(MetricsConvention.HTTP_REQUEST_DURATION).timers().size())
          .isLessThanOrEqualTo(101 * 2);
      assertThat(
              e.value(
                  "observability_cardinality_overflow_total",
                  Map.of("meter", "http_requests_total")))
          .isEqualTo(routes - 100);
      double total =
          e.named("http_requests_total").stream().mapToDouble(Exposition.Sample::value).sum();
      assertThat(total).as("no request is dropped").isEqualTo(routes);
      assertThat(logs.list)
          .filteredOn(event -> event.getLevel() == Level.WARN)
          .singleElement()
          .satisfies(
              event ->
                  assertThat(event.getFormattedMessage())
                      .contains("http_requests_total", "100", "OTHER"));
    }
  }

  @Test
  void distinctUnroutedPaths_stayWithinTheirOwnCap_andNeverTakeARoutesPlace() {
    int paths = 100_000;
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/api/users/1", "/api/users/{id}", 200);
      for (int i = 0; i < paths; i++) {
        Instances.request(obs, "GET", "/catalog/" + word(i), null, 200);
      }
      // Routes seen for the first time after the flood still get their own value, up to the cap.
      for (int i = 0; i < 99; i++) {
        Instances.request(obs, "GET", "/api/r" + i, "/api/r" + word(i) + "/{id}", 200);
      }
      Instances.request(obs, "GET", "/api/users/2", "/api/users/{id}", 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      Set<String> endpoints = e.labelValues("http_requests_total", "endpoint");
      assertThat(endpoints.stream().filter(v -> v.startsWith("/catalog/"))).hasSize(50);
      assertThat(endpoints.stream().filter(v -> v.startsWith("/api/"))).hasSize(100);
      assertThat(endpoints).contains("/api/users/{id}", "/api/rd/{id}", "OTHER").hasSize(151);
      assertThat(e.value("http_requests_total", Map.of("endpoint", "/api/users/{id}")))
          .isEqualTo(2.0);
      assertThat(e.value("http_requests_total", Map.of("endpoint", "OTHER"))).isEqualTo(paths - 50);
      assertThat(
              e.value(
                  "observability_cardinality_overflow_total",
                  Map.of("meter", "http_requests_total")))
          .isEqualTo(paths - 50);
      assertThat(logs.list)
          .filteredOn(event -> event.getLevel() == Level.WARN)
          .singleElement()
          .satisfies(
              event ->
                  assertThat(event.getFormattedMessage())
                      .contains("http_requests_total", "50", "without a route", "OTHER"));
    }
  }

  @Test
  void unroutedNotFound_isOneNotFoundSeries_thatCostsNoRoom() {
    try (Observability obs =
        Instances.builder()
            .property("metrics.max-endpoints", "2")
            .property("metrics.max-unrouted-endpoints", "0")
            .start()) {
      for (int i = 0; i < 10_000; i++) {
        Instances.request(obs, i % 2 == 0 ? "GET" : "POST", "/wp-" + i + "/login", null, 404);
      }
      Instances.request(obs, "GET", "/api/users/7", "/api/users/{id}", 404);
      Instances.request(obs, "GET", "/api/orders", "/api/orders", 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .containsExactlyInAnyOrder("NOT_FOUND", "/api/users/{id}", "/api/orders");
      assertThat(e.value("http_requests_total", Map.of("endpoint", "NOT_FOUND", "method", "GET")))
          .isEqualTo(5_000.0);
      assertThat(
              e.value(
                  "http_request_duration_seconds_count",
                  Map.of("endpoint", "NOT_FOUND", "method", "POST")))
          .isEqualTo(5_000.0);
      // A route's own 404 keeps the route.
      assertThat(
              e.value(
                  "http_requests_total", Map.of("endpoint", "/api/users/{id}", "status", "404")))
          .isEqualTo(1.0);
      assertThat(e.named("observability_cardinality_overflow_total")).isEmpty();
    }
  }

  @Test
  void unroutedRedirectsAndRoot_getFixedValues_andOtherUnroutedPathsTheirOwnCap() {
    try (Observability obs =
        Instances.builder().property("metrics.max-unrouted-endpoints", "1").start()) {
      Instances.request(obs, "GET", "/old-" + 1, null, 301);
      Instances.request(obs, "GET", "/old-" + 2, null, 302);
      Instances.request(obs, "POST", "/form", null, 303);
      Instances.request(obs, "GET", "/", null, 200);
      Instances.request(obs, "GET", "/", null, 301);
      Instances.request(obs, "GET", "/static/app.css", null, 200);
      Instances.request(obs, "GET", "/static/app.js", null, 200);
      Instances.request(obs, "PUT", "/nope", null, 405);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .containsExactlyInAnyOrder("REDIRECTION", "/", "/static/app.css", "OTHER");
      assertThat(requests(e, "REDIRECTION")).isEqualTo(4.0);
      assertThat(requests(e, "/")).isEqualTo(1.0);
      assertThat(requests(e, "OTHER")).isEqualTo(2.0);
      assertThat(
              e.value(
                  "observability_cardinality_overflow_total",
                  Map.of("meter", "http_requests_total")))
          .isEqualTo(2.0);
    }
  }

  /** Requests counted under {@code endpoint}, over every method and status. */
  private static double requests(Exposition e, String endpoint) {
    return e.named("http_requests_total").stream()
        .filter(sample -> endpoint.equals(sample.labels().get("endpoint")))
        .mapToDouble(Exposition.Sample::value)
        .sum();
  }

  @Test
  void distinctIdsInPaths_shareOneEndpointAndNeverOverflow() {
    try (Observability obs = Instances.start()) {
      for (int i = 0; i < 10_000; i++) {
        Instances.request(obs, "GET", "/api/users/" + i + "/orders/" + (i * 7919L), null, 200);
      }

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .containsExactly("/api/users/{id}/orders/{id}");
      assertThat(e.named("observability_cardinality_overflow_total")).isEmpty();
    }
  }

  @Test
  void maxEndpoints_isConfigurable() {
    try (Observability obs = Instances.builder().property("metrics.max-endpoints", "3").start()) {
      for (String route : new String[] {"/a", "/b", "/c", "/d", "/e", "/a"}) {
        Instances.request(obs, "GET", route, route, 200);
      }

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .containsExactlyInAnyOrder("/a", "/b", "/c", "OTHER");
      assertThat(e.value("http_requests_total", Map.of("endpoint", "/a"))).isEqualTo(2.0);
      assertThat(e.value("http_requests_total", Map.of("endpoint", "OTHER"))).isEqualTo(2.0);
    }
  }

  @Test
  void endpointLabel_isCutToBoundedLength() {
    try (Observability obs = Instances.start()) {
      String route = "/" + "segment/".repeat(100);
      Instances.request(obs, "GET", route, route, 200);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("http_requests_total", "endpoint"))
          .singleElement()
          .satisfies(v -> assertThat(v).hasSize(200).startsWith("/segment/"));
    }
  }

  @Test
  void endpointLabel_passesTheScrubber() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/reset/password=hunter2", null, 200);
      Instances.request(obs, "GET", "/auth/Bearer abc.def.ghi", null, 200);

      String exposition = Instances.scrape(obs);
      assertThat(exposition)
          .contains("http_requests_total")
          .doesNotContain("hunter2", "abc.def.ghi");
    }
  }
}
