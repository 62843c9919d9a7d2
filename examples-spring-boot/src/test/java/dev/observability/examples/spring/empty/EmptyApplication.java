package dev.observability.examples.spring.empty;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * An empty Spring Boot web application, for {@code startup/measure.sh}: it starts (Spring MVC on
 * embedded Tomcat, nothing of its own) and closes at once. Run with and without the starter on the
 * class path, it shows what the starter adds to start-up.
 */
@SpringBootApplication
public class EmptyApplication {

  /** Not instantiated by hand. */
  public EmptyApplication() {}

  /**
   * Starts the application and closes it as soon as it has started.
   *
   * @param args Spring Boot's command line
   */
  public static void main(String[] args) {
    SpringApplication.run(EmptyApplication.class, args).close();
  }
}
