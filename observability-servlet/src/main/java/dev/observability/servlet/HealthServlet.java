package dev.observability.servlet;

import dev.observability.EndpointResponse;
import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
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

  /**
   * The init parameter that names the group in {@code web.xml}: {@code all}, {@code liveness},
   * {@code readiness}.
   */
  public static final String GROUP_PARAMETER = "group";

  /** The group this servlet answers for, set at construction or by {@code init}. */
  private volatile HealthEndpoint.Group group;

  /**
   * A servlet for {@code web.xml}: answers from {@link Observability#current()} for the group named
   * by the init parameter {@code group} ({@code all} when absent).
   */
  public HealthServlet() {
    this(HealthEndpoint.Group.ALL, null);
  }

  /**
   * A servlet for {@code group} that answers from {@link Observability#current()}.
   *
   * @param group the checks to run: all, liveness or readiness
   */
  public HealthServlet(HealthEndpoint.Group group) {
    this(group, null);
  }

  /**
   * A servlet for {@code group} that answers from {@code observability} (current when null).
   *
   * @param group the checks to run: all, liveness or readiness
   * @param observability the instance to answer from, or null for the current one
   */
  public HealthServlet(HealthEndpoint.Group group, @Nullable Observability observability) {
    super(observability);
    this.group = Objects.requireNonNull(group, "group");
  }

  /**
   * Reads the {@code group} init parameter, when given.
   *
   * @throws ServletException when the parameter names no group
   */
  @Override
  public void init() throws ServletException {
    String name = getInitParameter(GROUP_PARAMETER);
    if (name == null || name.isBlank()) {
      return;
    }
    try {
      group = HealthEndpoint.Group.valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new ServletException(
          "health servlet init parameter group must be all, liveness or readiness, not " + name);
    }
  }

  @Override
  EndpointResponse respond(Observability observability, HttpServletRequest request) {
    return observability
        .find(HealthEndpoint.class)
        .map(e -> e.check(group))
        .orElseGet(() -> missing("/health", "health"));
  }
}
