package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.EndpointResponse;
import dev.observability.Observability;
import dev.observability.ScrapeEndpoint;
import dev.observability.internal.InternalErrors;
import dev.observability.metrics.internal.PrometheusScrapeEndpoint;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class ScrapeEndpointTest {

  private static final String PROMETHEUS_ACCEPT =
      "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
          + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

  @Test
  void scrape_withoutHeaders_isPrometheusText004() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/a", "/a", 200);

      EndpointResponse response = obs.require(ScrapeEndpoint.class).scrape(null, null);

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.contentType()).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
      assertThat(response.headers()).containsEntry("Vary", "Accept, Accept-Encoding");
      assertThat(response.headers()).doesNotContainKey("Content-Encoding");
      String body = new String(response.body(), StandardCharsets.UTF_8);
      assertThat(body).contains("# TYPE http_requests_total counter").doesNotContain("# EOF");
    }
  }

  @Test
  void scrape_asPrometheusDoes_isOpenMetrics100() {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/a", "/a", 200);

      EndpointResponse response = obs.require(ScrapeEndpoint.class).scrape(PROMETHEUS_ACCEPT, null);

      assertThat(response.contentType())
          .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
      String body = new String(response.body(), StandardCharsets.UTF_8);
      assertThat(body)
          .contains("# TYPE http_requests counter")
          .contains("http_requests_total{endpoint=\"/a\",method=\"GET\",status=\"200\"} 1.0")
          .contains("# TYPE http_request_duration_seconds histogram")
          .endsWith("# EOF\n");
    }
  }

  @Test
  void scrape_acceptingGzip_isCompressed() throws IOException {
    try (Observability obs = Instances.start()) {
      Instances.request(obs, "GET", "/a", "/a", 200);

      EndpointResponse response =
          obs.require(ScrapeEndpoint.class).scrape("text/plain", "gzip, deflate");

      assertThat(response.headers())
          .containsEntry("Content-Encoding", "gzip")
          .containsEntry("Vary", "Accept, Accept-Encoding");
      String body;
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
        body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      assertThat(body)
          .contains("http_requests_total{endpoint=\"/a\",method=\"GET\",status=\"200\"} 1.0");
    }
  }

  @Test
  void scrape_whenRenderingFails_answers500AndCountsTheFailure() {
    InternalErrors errors = new InternalErrors(new SimpleMeterRegistry());
    PrometheusScrapeEndpoint endpoint =
        new PrometheusScrapeEndpoint(
            (out, contentType) -> {
              throw new IOException("disk on fire");
            },
            errors::record);

    EndpointResponse response = endpoint.scrape(null, "gzip");

    assertThat(response.status()).isEqualTo(500);
    assertThat(new String(response.body(), StandardCharsets.UTF_8))
        .contains("observability_internal_errors_total");
    assertThat(errors.count("metrics")).isEqualTo(1);
  }

  @Test
  void scrape_whenAWriterThrowsUnchecked_answers500AndCountsTheFailure() {
    InternalErrors errors = new InternalErrors(new SimpleMeterRegistry());
    PrometheusScrapeEndpoint endpoint =
        new PrometheusScrapeEndpoint(
            (out, contentType) -> {
              throw new IllegalStateException("collector broke");
            },
            errors::record);

    assertThat(endpoint.scrape(null, null).status()).isEqualTo(500);
    assertThat(errors.count("metrics")).isEqualTo(1);
  }
}
