package dev.observability.servlet;

import dev.observability.EndpointResponse;
import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Serves one health group ({@code /health}, {@code /health/live} or {@code /health/ready}) from the
 * health module's {@link HealthEndpoint}, which answers within its checks' deadlines. Answers 404
 * with an explanation when the health module is not running, 503 when no instance is.
 *
 * <p>Thread-safe.
 */
public final class HealthServlet extends EndpointServlet {

  private static final long serialVersionUID = 1L;

  private final HealthEndpoint.Group group;

  /** A servlet for {@code group} that answers from {@link Observability#current()}. */
  public HealthServlet(HealthEndpoint.Group group) {
    this(group, null);
  }

  /** A servlet for {@code group} that answers from {@code observability} (current when null). */
  public HealthServlet(HealthEndpoint.Group group, @Nullable Observability observability) {
    super(observability);
    this.group = Objects.requireNonNull(group, "group");
  }

  @Override
  EndpointResponse respond(Observability observability, HttpServletRequest request) {
    return observability
        .find(HealthEndpoint.class)
        .map(e -> e.check(group))
        .orElseGet(() -> missing("/health", "health"));
  }
}
