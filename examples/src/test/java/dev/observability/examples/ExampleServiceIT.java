package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged jar the way the README does, and reads what it prints. */
class ExampleServiceIT {

  @Test
  void jar_withTrafficAndDuration_servesEveryEndpointReportsAndStopsByItself() throws Exception {
    assertThat(ExampleProcess.jar()).exists();
    try (ExampleProcess example =
        ExampleProcess.start(Map.of(), "--port", "0", "--traffic", "--duration-seconds", "2")) {
      boolean exited = example.waitFor(Duration.ofSeconds(90));
      String output = example.output();
      assertThat(exited).as(output).isTrue();
      assertThat(example.process.exitValue()).as(output).isZero();

      assertThat(output)
          .contains("example service 'example-service' listening on http://127.0.0.1:")
          .contains("traffic summary: requests by status {200=8, 201=6, 400=1, 404=2, 500=1}")
          // At least the failing and the slow request; a loaded machine may make others slow too.
          .containsPattern("traffic summary: traces kept \\{[^}]*error=[1-9][0-9]*[^}]*}")
          .containsPattern("traffic summary: traces kept \\{[^}]*latency=[1-9][0-9]*[^}]*}")
          .containsPattern("traffic summary: health healthy \\[.*database=up.*inventory=up.*]")
          .containsPattern("traffic summary: log lines written [1-9][0-9]*")
          .contains("example service stopped");

      // What the traffic emitted: JSON log lines, correlated, with secrets masked.
      List<JsonNode> logs = example.jsonLines();
      List<JsonNode> access =
          logs.stream()
              .filter(l -> "request completed".equals(l.path("message").asText()))
              .toList();
      assertThat(access).hasSizeGreaterThanOrEqualTo(17);
      for (JsonNode line : access) {
        assertThat(line.path("trace_id").asText()).as(line.toString()).matches("[0-9a-f]{32}");
        assertThat(line.path("request_id").asText()).as(line.toString()).isNotEmpty();
        assertThat(line.path("service").asText()).isEqualTo("example-service");
      }
      List<JsonNode> registered =
          logs.stream().filter(l -> "User registered".equals(l.path("message").asText())).toList();
      assertThat(registered).hasSize(3);
      for (JsonNode line : registered) {
        assertThat(line.path("email").asText()).endsWith("@example.com");
        assertThat(line.path("password").asText()).isNotIn("hunter2", "correct horse", "s3cret!");
        assertThat(line.path("trace_id").asText()).matches("[0-9a-f]{32}");
      }
      assertThat(output)
          .doesNotContain("hunter2")
          .doesNotContain("4111111111111111")
          .doesNotContain("abc123");
      assertThat(access)
          .anySatisfy(
              l -> {
                assertThat(l.path("route").asText()).isEqualTo("/api/users/{id}");
                assertThat(l.path("status").asInt()).isEqualTo(404);
              });
    }
  }

  @Test
  void jar_withBadFlag_exitsWithUsage() throws Exception {
    Process process =
        new ProcessBuilder(
                java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                ExampleProcess.jar().toString(),
                "--port",
                "http")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("--port must be a whole number").contains("usage:");
  }
}
