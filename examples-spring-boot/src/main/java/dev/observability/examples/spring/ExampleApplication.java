package dev.observability.examples.spring;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot example: a service with {@code observability-spring-boot} on its class path and
 * no line of code about observability beyond one annotation. Run it with {@code java -jar
 * observability-spring-boot-example.jar --server.port=8080}; it serves {@code GET /api/users/{id}}
 * (404 for an unknown id), {@code GET /api/fail} (throws: a 500), and the SDK's {@code /metrics},
 * {@code /health}, {@code /health/live}, {@code /health/ready} on the same port, beside Actuator's
 * {@code /actuator/health} and {@code /actuator/prometheus}.
 */
@SpringBootApplication
public class ExampleApplication {

  /** Not instantiated by hand: Spring creates the configuration. */
  public ExampleApplication() {}

  /**
   * Starts the service.
   *
   * @param args Spring Boot's command line, such as {@code --server.port=8080}
   */
  public static void main(String[] args) {
    SpringApplication.run(ExampleApplication.class, args);
  }
}
