package dev.observability.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The packaged example, {@code java -jar observability-spring-boot-example.jar --server.port=0}, in
 * its own JVM, asked over real HTTP; its standard output is read line by line. Started once for the
 * class.
 */
class SpringBootExampleIT {

  private static final Pattern STARTED =
      Pattern.compile("\"message\":\"Tomcat started on port (\\d+) ");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static final List<String> lines = new CopyOnWriteArrayList<>();
  private static Process process;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    Path jar =
        Path.of(System.getProperty("example.jar", "target/observability-spring-boot-example.jar"));
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-jar",
                jar.toString(),
                "--server.port=0",
                "--server.address=127.0.0.1")
            .redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("OTEL_") || k.startsWith("SENTRY_") || k.startsWith("OBSERVABILITY_"));
    process = builder.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(reading the output failed: " + e + ")");
              }
            },
            "example-output");
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> findPort().isPresent() || !process.isAlive());
    port =
        findPort()
            .orElseThrow(() -> new AssertionError("not started:\n" + String.join("\n", lines)));
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static Optional<Integer> findPort() {
    for (String line : lines) {
      Matcher m = STARTED.matcher(line);
      if (m.find()) {
        return Optional.of(Integer.parseInt(m.group(1)));
      }
    }
    return Optional.empty();
  }

  private static HttpResponse<String> get(String path, String requestId) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-Request-ID", requestId)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<String> accessLine(String requestId) {
    return lines.stream()
        .filter(l -> l.contains("\"message\":\"request completed\""))
        .filter(l -> l.contains("\"request_id\":\"" + requestId + "\""))
        .findFirst();
  }

  @Test
  void api_usersAndFail_answerWithTheirStatus_andEachHasAJsonAccessLineOnItsRoute()
      throws Exception {
    HttpResponse<String> found = get("/api/users/1", "it-found");
    assertThat(found.statusCode()).isEqualTo(200);
    assertThat(found.body()).contains("\"name\":\"Ada\"");
    assertThat(found.headers().firstValue("X-Request-ID")).contains("it-found");
    assertThat(found.headers().firstValue("traceparent")).isPresent();
    assertThat(get("/api/users/999", "it-missing").statusCode()).isEqualTo(404);
    assertThat(get("/api/fail", "it-fail").statusCode()).isEqualTo(500);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> accessLine("it-fail").isPresent() && accessLine("it-missing").isPresent());
    assertThat(accessLine("it-missing").orElseThrow())
        .contains("\"route\":\"/api/users/{id}\"")
        .contains("\"status\":404")
        .contains("\"service\":\"spring-boot-example\"")
        .containsPattern("\"trace_id\":\"[0-9a-f]{32}\"");
    assertThat(accessLine("it-fail").orElseThrow())
        .contains("\"route\":\"/api/fail\"")
        .contains("\"status\":500")
        .contains("\"level\":\"WARN\"");
  }

  @Test
  void metrics_onTheSamePort_countRequestsByRouteTemplate() throws Exception {
    get("/api/users/2", "it-m1");
    get("/api/users/12345", "it-m2");
    String metrics = get("/metrics", "it-scrape").body();
    assertThat(metrics)
        .containsPattern("http_requests_total\\{endpoint=\"/api/users/\\{id}\",method=\"GET\"")
        .contains("http_request_duration_seconds_bucket")
        .contains("method_duration_seconds_count")
        .doesNotContain("/api/users/12345")
        .doesNotContain("http_server_requests");
    assertThat(get("/actuator/prometheus", "it-scrape-2").body())
        .containsPattern("http_requests_total\\{endpoint=\"/api/users/\\{id}\",method=\"GET\"");
  }

  @Test
  void health_allThreeEndpoints_answerWithTheDirectoryCheck() throws Exception {
    for (String path : List.of("/health", "/health/live", "/health/ready")) {
      HttpResponse<String> health = get(path, "it-probe");
      assertThat(health.statusCode()).as(path).isEqualTo(200);
      assertThat(health.body()).as(path).startsWith("{").contains("\"status\":\"healthy\"");
    }
    assertThat(get("/health", "it-probe").body()).contains("user-directory");
    assertThat(get("/actuator/health", "it-probe").body()).contains("\"observability\"");
  }

  @Test
  void standardOutput_isOneJsonObjectPerLine_fromSpringBootsFirstLine() {
    List<String> other = new ArrayList<>();
    for (String line : lines) {
      if (!line.isBlank() && !line.startsWith("{")) {
        other.add(line);
      }
    }
    assertThat(other).isEmpty();
    assertThat(lines.get(0)).contains("\"message\":\"Starting ExampleApplication");
  }
}
