package dev.observability.spring.app;

import dev.observability.health.HealthCheck;
import dev.observability.health.HealthRegistry;
import dev.observability.instrument.Instrumented;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** A small Spring MVC application with the starter on its class path. */
@SpringBootApplication
public class TestApplication {

  /** A service whose method the starter instruments without any call of the SDK's. */
  @Service
  public static class Greeter {
    /** Recorded as method_duration_seconds and a span. */
    @Instrumented(name = "greeter.greet")
    public String greet(String name) {
      return "hello " + name;
    }
  }

  /** The endpoints. */
  @RestController
  public static class Api {
    private final Greeter greeter;
    private final MeterRegistry meters;

    public Api(Greeter greeter, MeterRegistry meters, HealthRegistry health) {
      this.greeter = greeter;
      this.meters = meters;
      health.register("backend", () -> HealthCheck.Result.up(Map.of("url", "jdbc:h2:mem:x")));
    }

    @GetMapping("/api/users/{id}")
    public ResponseEntity<Map<String, Object>> user(@PathVariable("id") long id) {
      meters.counter("test_user_lookups_total").increment();
      if (id > 3) {
        return ResponseEntity.status(404).body(Map.of("error", "no such user"));
      }
      return ResponseEntity.ok(Map.of("id", id, "greeting", greeter.greet("user-" + id)));
    }

    @GetMapping("/api/fail")
    public String fail() {
      throw new IllegalStateException("payment provider rejected the request");
    }
  }
}
