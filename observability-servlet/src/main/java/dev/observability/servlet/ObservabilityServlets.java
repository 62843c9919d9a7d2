package dev.observability.servlet;

import dev.observability.ConfigurationException;
import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletRegistration;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers the filter and the endpoint servlets in a web application with one call, through the
 * Jakarta {@link ServletContext} API, before the application starts:
 *
 * <pre>{@code
 * ServletContextHandler context = new ServletContextHandler();
 * ObservabilityServlets.register(context.getServletContext(), observability);
 * }</pre>
 *
 * <p>Adds {@link ObservabilityFilter} on {@code /*} (request dispatches, ahead of the application's
 * filters), and, unless {@code servlet.endpoints} is false, {@link MetricsServlet} on {@code
 * /metrics} and {@link HealthServlet} on {@code /health}, {@code /health/live} and {@code
 * /health/ready}. What is already registered under the same name (by the initializer, or an earlier
 * call) is left as it is, so registering twice is harmless; a path the application already maps
 * keeps the application's servlet (logged at WARN).
 *
 * <p>Call from the thread that sets up the web application, before it starts.
 */
public final class ObservabilityServlets {

  /** The filter's registration name. */
  public static final String FILTER_NAME = "observability-filter";

  private static final Logger logger = LoggerFactory.getLogger(ObservabilityServlets.class);

  private ObservabilityServlets() {}

  /**
   * Registers a filter on {@code observability} with its configured settings, and the endpoints.
   *
   * @param context the web application's context
   * @param observability the running instance
   * @throws IllegalStateException when the web application has already started
   */
  public static void register(ServletContext context, Observability observability) {
    register(context, ObservabilityFilter.builder().observability(observability).build());
  }

  /**
   * Registers {@code filter} (built with route templates, for example) and the endpoints, which
   * answer from the same instance as the filter.
   *
   * @param context the web application's context
   * @param filter the filter to register
   * @throws IllegalStateException when the web application has already started
   */
  public static void register(ServletContext context, ObservabilityFilter filter) {
    Observability obs = filter.observability();
    FilterRegistration.Dynamic registration = context.addFilter(FILTER_NAME, filter);
    if (registration != null) {
      registration.setAsyncSupported(true);
      registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST), false, "/*");
    }
    if (endpointsEnabled(obs)) {
      addServlet(context, "observability-metrics", new MetricsServlet(obs), "/metrics");
      addServlet(
          context,
          "observability-health",
          new HealthServlet(HealthEndpoint.Group.ALL, obs),
          "/health");
      addServlet(
          context,
          "observability-health-live",
          new HealthServlet(HealthEndpoint.Group.LIVENESS, obs),
          "/health/live");
      addServlet(
          context,
          "observability-health-ready",
          new HealthServlet(HealthEndpoint.Group.READINESS, obs),
          "/health/ready");
    }
  }

  private static boolean endpointsEnabled(@Nullable Observability obs) {
    Observability instance = obs != null ? obs : Observability.current().orElse(null);
    if (instance == null) {
      return true;
    }
    try {
      return instance.config().get(ServletModule.ENDPOINTS);
    } catch (ConfigurationException e) {
      return true;
    }
  }

  private static void addServlet(
      ServletContext context, String name, Servlet servlet, String path) {
    ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
    if (registration == null) {
      return;
    }
    registration.setAsyncSupported(true);
    Set<String> conflicts = registration.addMapping(path);
    if (!conflicts.isEmpty()) {
      logger.warn(
          "{} is already mapped by the application; its servlet answers there, not the"
              + " observability endpoint",
          path);
    }
  }
}
