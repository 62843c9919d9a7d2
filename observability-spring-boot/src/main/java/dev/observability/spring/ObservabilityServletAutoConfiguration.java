package dev.observability.spring;

import dev.observability.ConfigurationException;
import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import dev.observability.servlet.HealthServlet;
import dev.observability.servlet.MetricsServlet;
import dev.observability.servlet.ObservabilityFilter;
import dev.observability.servlet.ObservabilityServlets;
import dev.observability.servlet.ServletModule;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.DispatcherType;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.web.servlet.ConditionalOnMissingFilterBean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The servlet side of the starter, in a servlet web application: {@link ObservabilityFilter} on
 * every request (first of all filters), the SDK's {@code /metrics}, {@code /health}, {@code
 * /health/live} and {@code /health/ready} on the application's port, and Spring MVC's own server
 * observation turned off (its filter not registered, its observation muted), so that each request
 * is observed once.
 *
 * <p>The route of a request is Spring MVC's matched pattern ({@code /api/users/{id}}): the filter
 * reads the request attribute {@code HandlerMapping.bestMatchingPattern} ({@code
 * servlet.route-attributes}) after the chain. {@code observability.servlet.auto-register=false}
 * leaves the filter and servlets to the application; {@code observability.servlet.endpoints=false}
 * leaves out the servlets.
 */
@AutoConfiguration(
    after = ObservabilityAutoConfiguration.class,
    beforeName =
        "org.springframework.boot.actuate.autoconfigure.observation.web.servlet.WebMvcObservationAutoConfiguration")
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass({ObservabilityFilter.class, FilterRegistrationBean.class})
@ConditionalOnBean(Observability.class)
public class ObservabilityServletAutoConfiguration {

  /** Created by Spring. */
  public ObservabilityServletAutoConfiguration() {}

  /**
   * The filter that observes every request once; first of all filters.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  public FilterRegistrationBean<ObservabilityFilter> observabilityFilter(
      Observability observability) {
    FilterRegistrationBean<ObservabilityFilter> registration =
        new FilterRegistrationBean<>(
            ObservabilityFilter.builder().observability(observability).build());
    registration.setName(ObservabilityServlets.FILTER_NAME);
    registration.addUrlPatterns("/*");
    registration.setDispatcherTypes(DispatcherType.REQUEST);
    registration.setAsyncSupported(true);
    registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
    registration.setEnabled(read(observability, true));
    return registration;
  }

  /**
   * {@code /metrics}: the Prometheus exposition of the one registry.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  public ServletRegistrationBean<MetricsServlet> observabilityMetricsServlet(
      Observability observability) {
    return servlet(
        observability, "observability-metrics", new MetricsServlet(observability), "/metrics");
  }

  /**
   * {@code /health}: every check.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  public ServletRegistrationBean<HealthServlet> observabilityHealthServlet(
      Observability observability) {
    return servlet(
        observability,
        "observability-health",
        new HealthServlet(HealthEndpoint.Group.ALL, observability),
        "/health");
  }

  /**
   * {@code /health/live}: the liveness checks.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  public ServletRegistrationBean<HealthServlet> observabilityLivenessServlet(
      Observability observability) {
    return servlet(
        observability,
        "observability-health-live",
        new HealthServlet(HealthEndpoint.Group.LIVENESS, observability),
        "/health/live");
  }

  /**
   * {@code /health/ready}: the readiness checks.
   *
   * @param observability the running instance
   * @return the bean
   */
  @Bean
  public ServletRegistrationBean<HealthServlet> observabilityReadinessServlet(
      Observability observability) {
    return servlet(
        observability,
        "observability-health-ready",
        new HealthServlet(HealthEndpoint.Group.READINESS, observability),
        "/health/ready");
  }

  private static <S extends jakarta.servlet.Servlet> ServletRegistrationBean<S> servlet(
      Observability observability, String name, S servlet, String path) {
    ServletRegistrationBean<S> registration = new ServletRegistrationBean<>(servlet, path);
    registration.setName(name);
    registration.setAsyncSupported(true);
    registration.setEnabled(read(observability, false));
    return registration;
  }

  private static boolean read(Observability observability, boolean filter) {
    try {
      boolean auto = observability.config().get(ServletModule.AUTO_REGISTER);
      return filter ? auto : auto && observability.config().get(ServletModule.ENDPOINTS);
    } catch (ConfigurationException e) {
      return true;
    }
  }

  /** Turns Spring MVC's server observation off: the filter observes the request. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ServerRequestObservationContext.class)
  static class SpringServerObservation {
    /**
     * Mutes Spring's server observation where it is still made: by a {@code
     * ServerHttpObservationFilter} that the application registers itself.
     */
    @Bean
    ObservationPredicate observabilityOneServerObservation() {
      return (name, context) -> !(context instanceof ServerRequestObservationContext);
    }

    /**
     * Spring MVC's server observation filter, registered disabled: Actuator registers its own only
     * when the application has none, so Spring's filter does not run on every request to create an
     * observation that the predicate would mute (about 1.4% of a request's CPU in the Spring Boot
     * example).
     */
    @Bean
    @ConditionalOnMissingFilterBean(ServerHttpObservationFilter.class)
    FilterRegistrationBean<ServerHttpObservationFilter> observabilityNoSpringServerFilter() {
      FilterRegistrationBean<ServerHttpObservationFilter> registration =
          new FilterRegistrationBean<>(new ServerHttpObservationFilter(ObservationRegistry.NOOP));
      registration.setName("observabilityNoSpringServerFilter");
      registration.setEnabled(false);
      return registration;
    }
  }
}
