package dev.observability.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.EndpointResponse;
import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

/** Starting an isolated instance with only the health module, and reading its output. */
final class HealthTestSupport {

  static final ObjectMapper JSON = new ObjectMapper();

  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HealthTestSupport() {}

  /** A builder with no outside configuration and only the health module. */
  static ObservabilityBuilder isolated() {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .discoverModules(false)
        .property("shutdown.hook", "false")
        .version("1.2.3")
        .module(new HealthModule());
  }

  /** Like {@link #isolated()}, with the standalone server on a free loopback port. */
  static ObservabilityBuilder withServer() {
    return isolated().property("health.server.port", "0");
  }

  /** A response, parsed. */
  record Answer(int status, String contentType, JsonNode json, String body) {
    JsonNode check(String name) {
      return json.path("checks").path(name);
    }
  }

  static Answer parse(EndpointResponse response) throws IOException {
    String body = new String(response.body(), StandardCharsets.UTF_8);
    return new Answer(response.status(), response.contentType(), JSON.readTree(body), body);
  }

  static Answer check(Observability obs, HealthEndpoint.Group group) throws IOException {
    return parse(obs.require(HealthEndpoint.class).check(group));
  }

  static URI uri(Observability obs, String path) {
    int port = obs.require(HealthServer.class).address().getPort();
    return URI.create("http://127.0.0.1:" + port + path);
  }

  static HttpResponse<String> send(Observability obs, String method, String path)
      throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(uri(obs, path))
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return CLIENT.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  /** GETs {@code path} from the standalone server and parses the JSON body. */
  static Answer get(Observability obs, String path) throws IOException, InterruptedException {
    HttpResponse<String> response = send(obs, "GET", path);
    return new Answer(
        response.statusCode(),
        response.headers().firstValue("Content-Type").orElse(""),
        JSON.readTree(response.body()),
        response.body());
  }

  /**
   * GETs {@code path} with a blocking {@link HttpURLConnection}: the calling thread reads the
   * answer itself, so a timed request measures the server and not the client's thread hand-offs.
   */
  static Answer getBlocking(Observability obs, String path) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri(obs, path).toURL().openConnection();
    connection.setConnectTimeout(5_000);
    connection.setReadTimeout(30_000);
    try {
      int status = connection.getResponseCode();
      try (InputStream in =
          status >= 400 ? connection.getErrorStream() : connection.getInputStream()) {
        String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        return new Answer(
            status, String.valueOf(connection.getContentType()), JSON.readTree(body), body);
      }
    } finally {
      connection.disconnect();
    }
  }

  static HealthRegistry registry(Observability obs) {
    return HealthRegistry.of(obs);
  }

  static HealthCheckOptions nonCritical() {
    return HealthCheckOptions.builder().critical(false).build();
  }
}
