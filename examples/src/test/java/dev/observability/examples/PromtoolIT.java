package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Prometheus's own linter on the example's {@code /metrics} after the demo traffic. Runs where
 * {@code promtool} is installed (the {@code promtool} profile).
 */
@Tag("promtool")
class PromtoolIT {

  @Test
  void metricsEndpoint_afterTraffic_passesPromtoolCheckMetrics() throws Exception {
    try (ExampleProcess example =
        ExampleProcess.start(Map.of(), "--port", "0", "--traffic", "--duration-seconds", "120")) {
      int port = example.port();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> example.output().contains("traffic summary: metrics at"));
      HttpResponse<String> scrape =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                      .header("Accept", "text/plain")
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      assertThat(scrape.statusCode()).isEqualTo(200);
      assertThat(scrape.body())
          .contains("http_requests_total")
          .contains("user_registrations_total");

      Path exposition = Files.createTempFile("example-metrics", ".prom");
      Files.writeString(exposition, scrape.body(), StandardCharsets.UTF_8);
      Process promtool =
          new ProcessBuilder("promtool", "check", "metrics")
              .redirectInput(exposition.toFile())
              .redirectErrorStream(true)
              .start();
      String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(promtool.exitValue()).as(verdict).isZero();
    }
  }
}
