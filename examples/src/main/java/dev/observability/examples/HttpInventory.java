package dev.observability.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The inventory client: a JSON POST to {@code /api/inventory/reserve} through the tracing module's
 * instrumented {@link HttpClient}, which observes the call and injects {@code traceparent}, so the
 * inventory's server span continues the checkout's trace.
 *
 * <p>An inventory that answers 5xx is unavailable, not wrong: the client answers null (the checkout
 * defers the reservation) instead of throwing. The call's span still records the 5xx, and when the
 * inventory kept its part of the trace and said so ({@code traceresponse}), the checkout's part is
 * kept too.
 */
final class HttpInventory implements Inventory {

  private final HttpClient client;
  private final Supplier<URI> endpoint;
  private final ObjectMapper json;

  HttpInventory(HttpClient client, Supplier<URI> endpoint, ObjectMapper json) {
    this.client = client;
    this.endpoint = endpoint;
    this.json = json;
  }

  @Override
  public @Nullable String reserve(String orderId, List<Item> items) {
    try {
      byte[] body = json.writeValueAsBytes(Map.of("order_id", orderId, "items", items));
      HttpRequest request =
          HttpRequest.newBuilder(endpoint.get())
              .timeout(Duration.ofSeconds(5))
              .header("Content-Type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<String> response =
          client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      if (response.statusCode() >= 500) {
        return null;
      }
      if (response.statusCode() != 200) {
        throw new IllegalStateException("inventory answered " + response.statusCode());
      }
      JsonNode reply = json.readTree(response.body());
      return reply.path("reservation_id").asText();
    } catch (IOException e) {
      throw new UncheckedIOException("inventory unreachable", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reserving inventory", e);
    }
  }
}
