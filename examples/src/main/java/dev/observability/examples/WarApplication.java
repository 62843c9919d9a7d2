package dev.observability.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.Observability;
import dev.observability.health.HealthChecks;
import dev.observability.health.HealthRegistry;
import dev.observability.instrument.Instrumentation;
import dev.observability.metrics.Metrics;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Collections;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The example as a web application (the WAR built by {@code examples-war}): the same endpoints as
 * {@link ExampleService}, registered by this listener, while the SDK comes from its {@code
 * ServletContainerInitializer} alone: it starts the instance from system properties and the
 * environment before this listener runs, registers the filter and {@code /metrics}, {@code
 * /health*}, and closes the instance when the application stops.
 *
 * <p>Differences from the embedded example, for a clean undeploy: the checkout reserves stock in
 * process (the embedded example's HTTP hop uses the JDK's {@code HttpClient}, whose selector thread
 * cannot be stopped on Java 17 and would outlive the application), the inventory health check is
 * left out for the same reason, and on stop the listener ends its scheduler, shuts the in-memory
 * database down and deregisters the JDBC driver it loaded.
 *
 * <p>Declared in the WAR's {@code web.xml}; called by the container on one thread.
 */
public final class WarApplication implements ServletContextListener {

  private static final ObjectMapper JSON = new ObjectMapper();

  private @Nullable ScheduledExecutorService scheduler;
  private @Nullable UserStore store;

  /** Created by the container. */
  public WarApplication() {}

  @Override
  public void contextInitialized(ServletContextEvent event) {
    ServletContext context = event.getServletContext();
    Observability obs =
        Observability.current()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the observability initializer did not start an instance"));
    Metrics metrics = Metrics.of(obs);
    ActiveUsers active = new ActiveUsers();
    metrics.gauge("active_users", active::count);
    UserStore users = new UserStore(metrics);
    store = users;
    ScheduledExecutorService slow =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "example-slow");
              t.setDaemon(true);
              return t;
            });
    scheduler = slow;
    Instrumentation instrumentation = Instrumentation.of(obs);
    Inventory inventory =
        instrumentation.instrument(Inventory.class, (orderId, items) -> "res_" + UUID.randomUUID());
    CheckoutService checkout = instrumentation.subclass(CheckoutService.class, users, inventory);

    add(context, "hello", new ApiServlets.Hello(obs, JSON), "");
    add(
        context,
        "register",
        new ApiServlets.Register(users, metrics, active, JSON),
        "/api/register");
    add(context, "users", new ApiServlets.Users(users, active, JSON), "/api/users/*");
    add(context, "checkout", new ApiServlets.Checkout(checkout, active, JSON), "/api/checkout");
    add(context, "inventory", new ApiServlets.InventoryReserve(JSON), "/api/inventory/reserve");
    add(context, "slow", new ApiServlets.Slow(slow, JSON, Duration.ofMillis(1200)), "/api/slow");
    add(context, "fail", new ApiServlets.Fail(), "/api/fail");

    HealthRegistry.of(obs).register("database", HealthChecks.jdbc(users.dataSource()));
  }

  private static void add(ServletContext context, String name, HttpServlet servlet, String path) {
    ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
    registration.setAsyncSupported(true);
    registration.addMapping(path);
  }

  @Override
  public void contextDestroyed(ServletContextEvent event) {
    ScheduledExecutorService slow = scheduler;
    if (slow != null) {
      slow.shutdownNow();
      try {
        slow.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    UserStore users = store;
    if (users != null) {
      try (Connection c = users.dataSource().getConnection();
          Statement s = c.createStatement()) {
        s.execute("shutdown");
      } catch (SQLException e) {
        event.getServletContext().log("shutting the example database down failed", e);
      }
      // The pool's own threads end with it: nothing of the application is left running.
      users.close();
    }
    ClassLoader loader = WarApplication.class.getClassLoader();
    for (Driver driver : Collections.list(DriverManager.getDrivers())) {
      if (driver.getClass().getClassLoader() == loader) {
        try {
          DriverManager.deregisterDriver(driver);
        } catch (SQLException e) {
          event.getServletContext().log("deregistering " + driver + " failed", e);
        }
      }
    }
  }
}
