package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

  /**
   * The guide's Active Users and pool queries, the pool alert of {@code docs/alerts} and the pool
   * panel of {@code docs/dashboards}, evaluated by promtool on two scrapes of the example under
   * traffic (a minute apart in promtool's time, with the labels a Prometheus scrape adds): each
   * returns data.
   */
  @Test
  void guideAlertAndDashboardPoolQueries_haveDataFromTheExampleUnderTraffic(@TempDir Path dir)
      throws Exception {
    try (ExampleProcess example =
        ExampleProcess.start(Map.of(), "--port", "0", "--traffic", "--duration-seconds", "300")) {
      int port = example.port();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> example.output().contains("traffic summary: metrics at"));
      String first = scrape(port);
      for (String path : List.of("/api/users/1", "/api/users/2", "/api/users/3")) {
        assertThat(get(port, path).statusCode()).isEqualTo(200);
      }
      String second = scrape(port);
      assertThat(second)
          .containsPattern("(?m)^active_users [1-9]")
          .contains("db_connections_max{pool=\"main\"} 10.0")
          .contains("db_connections_used{pool=\"main\"}");

      String alert = alertExpression("DatabaseConnectionPoolHigh");
      assertThat(alert).endsWith("> 0.9");
      List<String> queries =
          List.of(
              // The guide's Active Users panel and its pool alert's expression.
              "active_users",
              "db_connections_used / db_connections_max",
              // Ours: the alert's ratio (without its threshold) and the dashboard's pool panel.
              alert.substring(0, alert.lastIndexOf('>')).trim(),
              dashboardQuery("Database connections"));
      StringBuilder test =
          new StringBuilder(
              "rule_files: []\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n"
                  + "    input_series:\n");
      for (Map.Entry<String, String[]> series : series(first, second).entrySet()) {
        test.append("      - series: '")
            .append(series.getKey().replace("'", "''"))
            .append("'\n        values: '")
            .append(series.getValue()[0])
            .append(' ')
            .append(series.getValue()[1])
            .append("'\n");
      }
      test.append("    promql_expr_test:\n");
      for (String query : queries) {
        test.append("      - expr: \"clamp_max(count(")
            .append(query.replace("\\", "\\\\").replace("\"", "\\\""))
            .append("), 1)\"\n        eval_time: 1m\n        exp_samples:\n")
            .append("          - labels: '{}'\n            value: 1\n");
      }
      Path file = dir.resolve("queries.test.yml");
      Files.writeString(file, test.toString(), StandardCharsets.UTF_8);
      Process promtool =
          new ProcessBuilder("promtool", "test", "rules", file.toString())
              .redirectErrorStream(true)
              .start();
      String verdict = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(promtool.exitValue()).as(verdict + "\n" + queries).isZero();
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Accept", "text/plain")
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static String scrape(int port) throws Exception {
    HttpResponse<String> response = get(port, "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body();
  }

  /**
   * The samples of two scrapes as promtool input series, with the {@code job} and {@code instance}
   * labels Prometheus adds: series text to its two values ({@code _} where a scrape lacks it).
   */
  private static Map<String, String[]> series(String first, String second) {
    Map<String, String[]> series = new LinkedHashMap<>();
    String[] scrapes = {first, second};
    for (int i = 0; i < 2; i++) {
      for (String line : scrapes[i].split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        int space = line.lastIndexOf(' ');
        String name = line.substring(0, space);
        String labels = "job=\"api\",instance=\"example:8080\"";
        String key =
            name.endsWith("}")
                ? name.substring(0, name.length() - 1) + "," + labels + "}"
                : name + "{" + labels + "}";
        series.computeIfAbsent(key, k -> new String[] {"_", "_"})[i] = line.substring(space + 1);
      }
    }
    return series;
  }

  private static String alertExpression(String alert) throws Exception {
    List<String> lines = Files.readAllLines(Path.of("..", "docs", "alerts", "alerts.yml"));
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).trim().equals("- alert: " + alert)) {
        String expr = lines.get(i + 1).trim();
        assertThat(expr).startsWith("expr: ");
        return expr.substring("expr: ".length());
      }
    }
    throw new AssertionError("no alert " + alert + " in docs/alerts/alerts.yml");
  }

  private static String dashboardQuery(String title) throws Exception {
    JsonNode dashboard =
        new ObjectMapper()
            .readTree(Path.of("..", "docs", "dashboards", "service-overview.json").toFile());
    for (JsonNode panel : dashboard.path("panels")) {
      if (panel.path("title").asText().equals(title)) {
        return panel
            .path("targets")
            .get(0)
            .path("expr")
            .asText()
            .replace("$__rate_interval", "5m")
            .replace("$job", ".+")
            .replace("$instance", ".+");
      }
    }
    throw new AssertionError("no panel " + title + " in docs/dashboards/service-overview.json");
  }
}
