package dev.observability.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.Observability;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Meter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo traffic of {@code --traffic}: a fixed mix of every endpoint, then a summary of what the
 * SDK emitted for it.
 */
final class Traffic {

  /** One request of the mix. */
  record Call(String method, String path, String body) {}

  /** The mix, in order. Statuses: 200 x8, 201 x6, 400 x1, 404 x2, 500 x1. */
  static final List<Call> MIX =
      List.of(
          new Call("GET", "/", ""),
          new Call(
              "POST",
              "/api/register",
              "{\"email\":\"sam@example.com\",\"password\":\"hunter2\",\"source\":\"web\"}"),
          new Call(
              "POST",
              "/api/register",
              "{\"email\":\"kim@example.com\",\"password\":\"correct horse\",\"source\":\"mobile\"}"),
          new Call(
              "POST",
              "/api/register",
              "{\"email\":\"lee@example.com\",\"password\":\"s3cret!\",\"source\":\"web\"}"),
          new Call("POST", "/api/register", "{\"email\":\"not-an-email\",\"password\":\"x\"}"),
          new Call("GET", "/api/users/1", ""),
          new Call("GET", "/api/users/2", ""),
          new Call("GET", "/api/users/999", ""),
          new Call(
              "POST",
              "/api/checkout",
              "{\"user_id\":1,\"items\":[{\"sku\":\"BOOK-1\",\"quantity\":2,\"price\":12.5}]}"),
          new Call(
              "POST",
              "/api/checkout",
              "{\"user_id\":2,\"items\":[{\"sku\":\"PEN-7\",\"quantity\":10,\"price\":1.2},"
                  + "{\"sku\":\"INK-3\",\"quantity\":1,\"price\":7}]}"),
          new Call(
              "POST",
              "/api/checkout",
              "{\"user_id\":3,\"items\":[{\"sku\":\"LAMP-2\",\"quantity\":1,\"price\":49.9}]}"),
          // The inventory fails (503) and the checkout falls back (200, "inventory":"deferred"):
          // both parts of the trace are kept, the checkout's for the inventory's keep.
          new Call(
              "POST",
              "/api/checkout",
              "{\"user_id\":1,\"items\":[{\"sku\":\"FAIL-INVENTORY\",\"quantity\":1,"
                  + "\"price\":9.5}]}"),
          new Call("GET", "/", ""),
          new Call("GET", "/api/slow", ""),
          new Call("GET", "/api/fail?card=4111111111111111&token=abc123", ""),
          new Call("GET", "/missing", ""),
          new Call("GET", "/", ""),
          new Call("GET", "/health", ""));

  private Traffic() {}

  /** Sends the mix to {@code port} and returns the number of responses by status. */
  static Map<Integer, Integer> send(int port) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    for (Call call : MIX) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + call.path()))
              .timeout(Duration.ofSeconds(15));
      if (call.method().equals("POST")) {
        request
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(call.body(), StandardCharsets.UTF_8));
      }
      HttpResponse<String> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      byStatus.merge(response.statusCode(), 1, Integer::sum);
    }
    return byStatus;
  }

  /**
   * The trace decisions so far, {@code "kept {error=1, ...}, dropped {ratio=3}"}, from {@code
   * observability_traces_decided_total}. Waits (at most 3 s) until no decision is pending: the last
   * roots end on container threads after their responses were sent.
   */
  static String traceDecisions(Observability obs) throws InterruptedException {
    Map<String, Map<String, Long>> decisions = decisions(obs);
    for (int i = 0; i < 12; i++) {
      Thread.sleep(250);
      Map<String, Map<String, Long>> again = decisions(obs);
      if (again.equals(decisions)) {
        break;
      }
      decisions = again;
    }
    return "kept "
        + decisions.getOrDefault("kept", Map.of())
        + ", dropped "
        + decisions.getOrDefault("dropped", Map.of());
  }

  private static Map<String, Map<String, Long>> decisions(Observability obs) {
    Map<String, Map<String, Long>> result = new TreeMap<>();
    // Read any counter kind (the tracing module publishes these as function counters).
    for (Meter meter : obs.meterRegistry().find("observability.traces.decided").meters()) {
      long count = 0;
      for (Measurement measurement : meter.measure()) {
        count += (long) measurement.getValue();
      }
      if (count > 0) {
        result
            .computeIfAbsent(String.valueOf(meter.getId().getTag("decision")), d -> new TreeMap<>())
            .merge(String.valueOf(meter.getId().getTag("policy")), count, Long::sum);
      }
    }
    return result;
  }

  /**
   * The health of the service, {@code "healthy (database=up, inventory=up)"}, from {@code /health}.
   */
  static String health(int port, ObjectMapper json) throws IOException, InterruptedException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    if (response.statusCode() == 404) {
      return "unknown (the health module is not running)";
    }
    JsonNode report = json.readTree(response.body());
    List<String> checks = new ArrayList<>();
    for (Map.Entry<String, JsonNode> check : report.path("checks").properties()) {
      checks.add(check.getKey() + "=" + check.getValue().path("status").asText());
    }
    return report.path("status").asText("unknown") + " " + checks;
  }
}
