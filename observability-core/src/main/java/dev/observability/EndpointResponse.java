package dev.observability;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A response of one of the SDK's read-only HTTP endpoints ({@code /metrics}, {@code /health*}),
 * independent of the server that writes it: the servlet module and the JDK {@code HttpServer}
 * endpoints both write these.
 *
 * @param status the HTTP status
 * @param contentType the {@code Content-Type} header value
 * @param body the body bytes, already encoded (and compressed when {@code headers} says so)
 * @param headers further response headers, such as {@code Content-Encoding} or {@code Vary}
 */
public record EndpointResponse(
    int status, String contentType, byte[] body, Map<String, String> headers) {

  /**
   * Creates a response.
   *
   * @param status the HTTP status
   * @param contentType the {@code Content-Type} header
   * @param headers further response headers (copied)
   * @param body the response body
   */
  public EndpointResponse {
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(body, "body");
    headers = Map.copyOf(headers);
  }

  /**
   * A UTF-8 text response with no further headers.
   *
   * @param status the HTTP status
   * @param contentType the {@code Content-Type} header
   * @param body the body, written as UTF-8
   * @return the response
   */
  public static EndpointResponse text(int status, String contentType, String body) {
    return new EndpointResponse(
        status, contentType, body.getBytes(StandardCharsets.UTF_8), Map.of());
  }
}
