package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.Observability;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checks with Prometheus's own tool: the exposition scraped over HTTP, the alert rules and their
 * unit tests, and every dashboard query. Runs where promtool is installed (the build's promtool
 * profile); fails, saying so, when it runs without it.
 */
@Tag("promtool")
class PromtoolTest {

  private static String promtool() {
    for (String candidate : List.of("/usr/bin/promtool", "/usr/local/bin/promtool")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    throw new AssertionError(
        "promtool is not installed: install Prometheus (Debian: apt-get install prometheus), or"
            + " run without the promtool tests (they are excluded where /usr/bin/promtool is absent)");
  }

  /** Exit code and output of one promtool run. */
  record Result(int exitCode, String output) {}

  private static Result run(Path workDir, byte[] stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(promtool());
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    process.getOutputStream().write(stdin);
    process.getOutputStream().close();
    byte[] output;
    try (InputStream in = process.getInputStream()) {
      output = in.readAllBytes();
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("promtool finished").isTrue();
    return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
  }

  @Test
  void exposition_scrapedOverHttp_passesPromtoolCheckMetrics() throws Exception {
    try (Observability obs =
        Instances.builder()
            .property("metrics.server.port", "0")
            .property("metrics.server.host", "127.0.0.1")
            .property("metrics.max-endpoints", "2")
            .property("metrics.max-unrouted-endpoints", "0")
            .start()) {
      Feeds.everything(obs);
      InetSocketAddress address = Metrics.of(obs).serverAddress().orElseThrow();
      HttpResponse<byte[]> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + address.getPort() + "/metrics"))
                      .timeout(Duration.ofSeconds(10))
                      .build(),
                  HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .contains("http_requests_total", "observability_cardinality_overflow_total");

      Result result = run(Docs.DIR, response.body(), "check", "metrics");

      assertThat(result.exitCode()).as(result.output()).isZero();
    }
  }

  @Test
  void alertRules_passPromtoolCheckRules() throws Exception {
    Result result = run(Docs.ALERTS.getParent(), new byte[0], "check", "rules", "alerts.yml");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void alertRules_passTheirUnitTests() throws Exception {
    Result result = run(Docs.ALERTS.getParent(), new byte[0], "test", "rules", "alerts.test.yml");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).contains("SUCCESS");
  }

  @Test
  void everyDashboardQuery_passesPromtoolCheckRules(@TempDir Path dir) throws Exception {
    List<Docs.PanelQuery> queries = Docs.dashboardQueries();
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int i = 0;
    for (Docs.PanelQuery query : queries) {
      rules
          .append("      - record: dashboard:query_")
          .append(i++)
          .append("\n        expr: ")
          .append(yamlString(Docs.resolveVariables(query.expr())))
          .append('\n');
    }
    Files.writeString(dir.resolve("dashboard.rules.yml"), rules.toString());

    Result result = run(dir, new byte[0], "check", "rules", "dashboard.rules.yml");

    assertThat(result.exitCode()).as(result.output() + "\n" + rules).isZero();
    assertThat(result.output()).contains(queries.size() + " rules found");
  }

  @Test
  void aBrokenQuery_failsTheCheck(@TempDir Path dir) throws IOException, Exception {
    Files.writeString(
        dir.resolve("broken.yml"),
        "groups:\n  - name: g\n    rules:\n      - record: r:x\n        expr: "
            + yamlString("sum(rate(http_requests_total[5m])")
            + "\n");

    assertThat(run(dir, new byte[0], "check", "rules", "broken.yml").exitCode()).isNotZero();
  }

  /** A double-quoted YAML scalar. */
  private static String yamlString(String s) {
    return '"' + s.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
