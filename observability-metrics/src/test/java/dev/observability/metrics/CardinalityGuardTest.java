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
  void distinctRawPathsAndBogusMethods_seriesStayAtTheCapAndOverflowIsCounted() {
    int paths = 100_000;
    try (Observability obs = Instances.start()) {
      for (int i = 0; i < paths; i++) {
        String method = i % 100 == 0 ? "BOGUS" + (i / 100) : "GET";
        Instances.request(obs, method, "/catalog/" + word(i), null, 200);
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
          .isEqualTo(paths - 100);
      double total =
          e.named("http_requests_total").stream().mapToDouble(Exposition.Sample::value).sum();
      assertThat(total).as("no request is dropped").isEqualTo(paths);
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
