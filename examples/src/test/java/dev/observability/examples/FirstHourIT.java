package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a new user meets in the first hour with the example jar, over real HTTP. */
class FirstHourIT {

  private static final ObjectMapper STRICT =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private static final String MODULES =
      "core \\S+, logging \\S+, metrics \\S+, tracing \\S+, errors \\S+, health \\S+, servlet \\S+";

  /** Every standard output line of {@code example}, each parsed as one JSON object. */
  private static List<JsonNode> stdoutAsJson(ExampleProcess example) throws IOException {
    List<JsonNode> parsed = new ArrayList<>();
    for (String line : example.lines) {
      JsonNode node = STRICT.readTree(line);
      assertThat(node != null && node.isObject()).as("a JSON object: %s", line).isTrue();
      parsed.add(node);
    }
    return parsed;
  }

  @Test
  void stdout_isOneJsonObjectPerLine_fromTheFirstLine_andTheExamplesOwnTextIsOnStderr()
      throws Exception {
    try (ExampleProcess example =
        ExampleProcess.startApart(
            Map.of("OTEL_SERVICE_NAME", "first-hour", "OBSERVABILITY_NOT_A_KEY", "1"),
            "--port",
            "0",
            "--traffic",
            "--duration-seconds",
            "1")) {
      assertThat(example.waitFor(Duration.ofSeconds(120))).as(example.output()).isTrue();
      assertThat(example.process.exitValue()).as(example.output()).isZero();

      List<JsonNode> lines = stdoutAsJson(example);
      assertThat(lines).hasSizeGreaterThan(20);
      assertThat(lines)
          .allSatisfy(l -> assertThat(l.path("service").asText()).isEqualTo("first-hour"));
      // Core's warning is written before the logging module starts: JSON all the same.
      int warning = indexOf(lines, "OBSERVABILITY_NOT_A_KEY");
      int started = indexOf(lines, "observability started for service 'first-hour'");
      assertThat(warning).as(example.output()).isNotNegative().isLessThan(started);
      assertThat(lines.get(warning).path("level").asText()).isEqualTo("WARN");
      // The modules started, each with its version, in one INFO line.
      JsonNode report = lines.get(started);
      assertThat(report.path("level").asText()).isEqualTo("INFO");
      assertThat(report.path("logger").asText()).isEqualTo("dev.observability.Observability");
      assertThat(report.path("modules").asText()).matches(MODULES);
      assertThat(report.path("modules").asText()).contains("logging 0.1.0-SNAPSHOT");
      // Jetty's and HikariCP's start-up lines are JSON too.
      assertThat(lines)
          .anySatisfy(l -> assertThat(l.path("logger").asText()).startsWith("org.eclipse.jetty"));
      assertThat(lines)
          .anySatisfy(l -> assertThat(l.path("logger").asText()).startsWith("com.zaxxer.hikari"));

      assertThat(String.join("\n", example.errorLines))
          .contains("example service 'first-hour' listening on http://127.0.0.1:")
          .contains("traffic summary: requests by status")
          .contains("next: curl -s http://127.0.0.1:")
          .contains("Ctrl-C")
          .contains("example service stopped");
    }
  }

  @Test
  void failedRequest_itsStackTraceIsFoundByItsTraceId() throws Exception {
    try (ExampleProcess example =
        ExampleProcess.startApart(Map.of(), "--port", "0", "--duration-seconds", "300")) {
      int port = example.port();
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create("http://127.0.0.1:" + port + "/api/fail?token=t0ps3cret"))
                      .timeout(Duration.ofSeconds(20))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(500);
      String traceId = response.headers().firstValue("traceparent").orElseThrow().split("-")[1];

      // Jetty logs the escaped exception after the filter returned; the access line is written
      // before: wait for both.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> example.output().contains("org.eclipse.jetty.ee10.servlet.ServletChannel"));
      List<JsonNode> lines = stdoutAsJson(example);
      List<JsonNode> ofTrace =
          lines.stream().filter(l -> traceId.equals(l.path("trace_id").asText())).toList();
      assertThat(ofTrace)
          .filteredOn(l -> l.has("exception"))
          .singleElement()
          .satisfies(
              line -> {
                assertThat(line.path("message").asText()).isEqualTo("request completed");
                assertThat(line.path("span_id").asText()).matches("[0-9a-f]{16}");
                assertThat(line.path("request_id").asText()).isNotEmpty();
                assertThat(line.path("exception").path("stacktrace").asText())
                    .startsWith("java.lang.IllegalStateException: payment provider rejected")
                    .contains("ApiServlets$Fail.doGet");
              });
      // Jetty's own line for the same exception has no ids: the reason for the one above.
      assertThat(lines)
          .filteredOn(
              l ->
                  l.path("logger").asText().equals("org.eclipse.jetty.ee10.servlet.ServletChannel"))
          .singleElement()
          .satisfies(l -> assertThat(l.has("trace_id")).isFalse());
      assertThat(example.output()).doesNotContain("t0ps3cret");
    }
  }

  @Test
  void takenPort_isOneLineOnStderr_andExitStatusOne() throws Exception {
    try (ServerSocket taken = new ServerSocket(0);
        ExampleProcess example =
            ExampleProcess.startApart(Map.of(), "--port", String.valueOf(taken.getLocalPort()))) {
      assertThat(example.waitFor(Duration.ofSeconds(120))).as(example.output()).isTrue();

      assertThat(example.process.exitValue()).isEqualTo(1);
      assertThat(example.errorLines)
          .containsExactly(
              "error: port "
                  + taken.getLocalPort()
                  + " is already in use; stop what listens there, or start with --port N (--port 0"
                  + " takes any free port)");
      stdoutAsJson(example);
    }
  }

  /**
   * The example jar as a fat jar built without merging {@code META-INF/services} leaves it: one
   * module's service file instead of all of them.
   */
  @Test
  void fatJarWithoutMergedServiceFiles_namesTheOneModuleStarted_andWarnsForEachLostOne(
      @TempDir Path dir) throws Exception {
    Path jar = dir.resolve("unmerged.jar");
    String services = "META-INF/services/dev.observability.spi.ObservabilityModule";
    try (ZipFile source = new ZipFile(ExampleProcess.jar().toFile());
        ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(jar))) {
      for (Enumeration<? extends ZipEntry> e = source.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        out.putNextEntry(new ZipEntry(entry.getName()));
        if (entry.getName().equals(services)) {
          out.write("dev.observability.servlet.ServletModule\n".getBytes(StandardCharsets.UTF_8));
        } else {
          try (InputStream in = source.getInputStream(entry)) {
            in.transferTo(out);
          }
        }
        out.closeEntry();
      }
    }

    try (ExampleProcess example =
        ExampleProcess.startApart(jar, Map.of(), "--port", "0", "--duration-seconds", "1")) {
      assertThat(example.waitFor(Duration.ofSeconds(120))).as(example.output()).isTrue();

      List<JsonNode> lines = stdoutAsJson(example);
      JsonNode report = lines.get(indexOf(lines, "observability started for service"));
      assertThat(report.path("modules").asText()).matches("core \\S+, servlet \\S+");
      List<String> warnings =
          lines.stream()
              .filter(l -> l.path("level").asText().equals("WARN"))
              .map(l -> l.path("message").asText())
              .filter(m -> m.contains("ServicesResourceTransformer"))
              .toList();
      assertThat(warnings).hasSize(5);
      for (String module : List.of("logging", "metrics", "tracing", "errors", "health")) {
        assertThat(warnings)
            .anySatisfy(w -> assertThat(w).startsWith("observability module '" + module + "'"));
      }
    }
  }

  private static int indexOf(List<JsonNode> lines, String messagePart) {
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).path("message").asText().contains(messagePart)) {
        return i;
      }
    }
    return -1;
  }
}
