package dev.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.observability.HttpServerObservationContext;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The request path of the HTTP meters allocates nothing once a series exists: for a known route,
 * and for an unrouted request with a fixed value ({@code NOT_FOUND}). Measured with the JVM's
 * per-thread allocation counter over many requests, so that one-time work does not count.
 */
class HttpServerMetricsAllocationTest {

  private static final int WARM_UP = 50_000;
  private static final int MEASURED = 100_000;

  private final CompositeMeterRegistry registry = new CompositeMeterRegistry();
  private final HttpServerMetricsHandler handler;

  HttpServerMetricsAllocationTest() {
    registry.add(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    handler =
        new HttpServerMetricsHandler(
            registry,
            Clock.SYSTEM,
            MetricsSettings.defaults(),
            new CardinalityGuard(registry, Scrubber.defaults(), 100));
  }

  private static com.sun.management.ThreadMXBean threads() {
    java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    assumeTrue(
        bean instanceof com.sun.management.ThreadMXBean sun
            && sun.isThreadAllocatedMemorySupported()
            && sun.isThreadAllocatedMemoryEnabled(),
        "this JVM measures allocation per thread");
    return (com.sun.management.ThreadMXBean) bean;
  }

  /** Bytes allocated per request, on average, for requests of {@code context}. */
  private double bytesPerRequest(HttpServerObservationContext context) {
    com.sun.management.ThreadMXBean threads = threads();
    for (int i = 0; i < WARM_UP; i++) {
      handler.onStart(context);
      handler.onStop(context);
    }
    long thread = Thread.currentThread().getId();
    long before = threads.getThreadAllocatedBytes(thread);
    for (int i = 0; i < MEASURED; i++) {
      handler.onStart(context);
      handler.onStop(context);
    }
    return (threads.getThreadAllocatedBytes(thread) - before) / (double) MEASURED;
  }

  @Test
  void knownRoute_recordsWithoutAllocating() {
    HttpServerObservationContext context =
        new HttpServerObservationContext("GET", "/api/users/42", null, name -> null);
    context.setRoute("/api/users/{id}");
    context.setStatus(200);

    assertThat(bytesPerRequest(context)).isLessThan(1.0);
  }

  @Test
  void unroutedNotFound_recordsWithoutAllocating() {
    HttpServerObservationContext context =
        new HttpServerObservationContext("GET", "/wp-1/login", null, name -> null);
    context.setStatus(404);

    assertThat(bytesPerRequest(context)).isLessThan(1.0);
  }
}
