package dev.observability.servlet;

import dev.observability.ConfigurationException;
import dev.observability.Observability;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletException;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic registration for WAR deployments: the container runs it (through {@code
 * META-INF/services/jakarta.servlet.ServletContainerInitializer}) for every web application that
 * has the servlet module in {@code WEB-INF/lib}.
 *
 * <ol>
 *   <li>The context parameter {@code observability.servlet.auto-register=false} (in {@code
 *       web.xml}) switches it off for that application; nothing else happens.
 *   <li>If no instance is running, it starts one from system properties and the environment ({@link
 *       Observability#start()}), and closes it when the web application stops. A bad configuration
 *       fails the deployment with the list of problems. The context parameter {@code
 *       observability.start=false} leaves starting to the application (which then calls {@code
 *       Observability.builder()...start()} itself, in a {@link ServletContextListener}).
 *   <li>If the running instance's {@code servlet.auto-register} is false, it stops here.
 *   <li>Otherwise it registers the filter and endpoints with {@link
 *       ObservabilityServlets#register(ServletContext, ObservabilityFilter)}, on whatever instance
 *       is current at each request.
 * </ol>
 *
 * <p>Embedded servers that do not scan for initializers (Jetty's {@code ServletContextHandler})
 * call {@link ObservabilityServlets#register(ServletContext, Observability)} instead.
 */
public final class ObservabilityInitializer implements ServletContainerInitializer {

  /** Context parameter that switches automatic registration off for one web application. */
  public static final String AUTO_REGISTER_PARAMETER = "observability.servlet.auto-register";

  /** Context parameter that stops the initializer from starting an instance. */
  public static final String START_PARAMETER = "observability.start";

  private static final Logger logger = LoggerFactory.getLogger(ObservabilityInitializer.class);

  /** Created by the container. */
  public ObservabilityInitializer() {}

  @Override
  public void onStartup(@Nullable Set<Class<?>> classes, ServletContext context)
      throws ServletException {
    if (isFalse(context.getInitParameter(AUTO_REGISTER_PARAMETER))) {
      logger.debug("observability auto-registration is off for {}", context.getContextPath());
      return;
    }
    Observability obs = Observability.current().orElse(null);
    if (obs == null && !isFalse(context.getInitParameter(START_PARAMETER))) {
      try {
        obs = Observability.start();
      } catch (ConfigurationException e) {
        throw new ServletException(e.getMessage(), e);
      }
      context.addListener(new CloseOnDestroy(obs));
    }
    if (obs != null && !autoRegister(obs)) {
      return;
    }
    ObservabilityServlets.register(context, new ObservabilityFilter());
  }

  private static boolean autoRegister(Observability obs) {
    try {
      return obs.config().get(ServletModule.AUTO_REGISTER);
    } catch (ConfigurationException e) {
      return true;
    }
  }

  private static boolean isFalse(@Nullable String value) {
    return value != null
        && switch (value.trim().toLowerCase(Locale.ROOT)) {
          case "false", "no", "off", "0" -> true;
          default -> false;
        };
  }

  /** Closes the instance the initializer started when its web application stops. */
  static final class CloseOnDestroy implements ServletContextListener {
    private final Observability observability;

    CloseOnDestroy(Observability observability) {
      this.observability = observability;
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
      observability.close();
    }
  }
}
