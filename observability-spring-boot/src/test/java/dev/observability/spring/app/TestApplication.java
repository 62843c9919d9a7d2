package dev.observability.spring.app;

import dev.observability.health.HealthCheck;
import dev.observability.health.HealthRegistry;
import dev.observability.instrument.Instrumented;
import io.micrometer.core.annotation.Counted;
import io.micrometer.core.annotation.Timed;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.annotation.Observed;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

  /** A service with the other annotations the SDK honours, one per method. */
  @Service
  public static class Catalog {
    private static final Logger log = LoggerFactory.getLogger(Catalog.class);

    /** An observation named catalog.lookup: method_duration_seconds{class,method="lookup"}. */
    @Observed(name = "catalog.lookup")
    public String lookup(long id) {
      return "item-" + id;
    }

    /** A timer: catalog_price_seconds{class,method,exception}. */
    @Timed("catalog.price")
    public long price(long id) {
      return 100 + id;
    }

    /** A counter: catalog_views_total{class,method,result,exception}. */
    @Counted("catalog.views")
    public void view(long id) {
      // counted
    }

    /** A span of its own, current while it runs; answers that span's id. */
    @WithSpan("catalog.stock")
    public String stock(long id) {
      log.info("stock checked for {}", id);
      return Span.current().getSpanContext().getSpanId();
    }
  }

  /** The endpoints. */
  @RestController
  public static class Api {
    private final Greeter greeter;
    private final Catalog catalog;
    private final MeterRegistry meters;

    public Api(Greeter greeter, Catalog catalog, MeterRegistry meters, HealthRegistry health) {
      this.greeter = greeter;
      this.catalog = catalog;
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

    @GetMapping("/api/catalog/{id}")
    public Map<String, Object> item(@PathVariable("id") long id) {
      catalog.view(id);
      return Map.of(
          "name", catalog.lookup(id), "price", catalog.price(id), "stock", catalog.stock(id));
    }

    @GetMapping("/api/fail")
    public String fail() {
      throw new IllegalStateException("payment provider rejected the request");
    }
  }
}
