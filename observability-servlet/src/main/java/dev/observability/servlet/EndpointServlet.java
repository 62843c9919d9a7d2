package dev.observability.servlet;

import dev.observability.EndpointResponse;
import dev.observability.Observability;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Base of the read-only endpoint servlets: finds the instance, asks it for an {@link
 * EndpointResponse}, writes it.
 */
abstract class EndpointServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  private final transient @Nullable Observability fixed;

  EndpointServlet(@Nullable Observability observability) {
    this.fixed = observability;
  }

  /** The instance to answer from, or null when none is running. */
  final @Nullable Observability observability() {
    Observability obs = fixed != null ? fixed : Observability.current().orElse(null);
    return obs == null || obs.isClosed() ? null : obs;
  }

  /** Renders the response for a request to a running instance. */
  abstract EndpointResponse respond(Observability observability, HttpServletRequest request);

  @Override
  protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
    Observability obs = observability();
    EndpointResponse response =
        obs == null
            ? EndpointResponse.text(
                503, "text/plain; charset=utf-8", "observability is not running in this JVM\n")
            : respond(obs, req);
    write(resp, response);
  }

  static void write(HttpServletResponse resp, EndpointResponse response) throws IOException {
    resp.setStatus(response.status());
    resp.setContentType(response.contentType());
    for (Map.Entry<String, String> header : response.headers().entrySet()) {
      resp.setHeader(header.getKey(), header.getValue());
    }
    resp.setContentLength(response.body().length);
    resp.getOutputStream().write(response.body());
  }

  static EndpointResponse missing(String what, String module) {
    return new EndpointResponse(
        404,
        "text/plain; charset=utf-8",
        (what
                + " is not available: the "
                + module
                + " module is not running (add dev.observability:observability-"
                + module
                + " to the class path, and check modules.disabled)\n")
            .getBytes(StandardCharsets.UTF_8),
        Map.of());
  }
}
