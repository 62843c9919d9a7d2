package dev.observability.metrics.internal;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.registry.PrometheusScrapeRequest;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The Prometheus registry behind the module's {@code PrometheusMeterRegistry} when exemplars are
 * on: every scrape (the module's {@code /metrics}, the standalone endpoint, Spring Boot's {@code
 * /actuator/prometheus}, {@code PrometheusMeterRegistry.scrape}) gets the snapshots with the
 * exemplars of {@link HttpExemplars} added. The meters themselves sample no exemplars (Micrometer's
 * exemplar sampler reads the current span on every recording; this reads the tracing module's
 * decision once per kept request).
 *
 * <p>Overrides the two scrape methods the others delegate to. A failure while adding exemplars is
 * reported and the snapshots go out without them. Thread-safe.
 */
public final class ExemplarRegistry extends PrometheusRegistry {

  private final HttpExemplars exemplars;
  private volatile Consumer<Throwable> errors = e -> {};

  /** A registry that adds {@code exemplars} to every scrape. */
  public ExemplarRegistry(HttpExemplars exemplars) {
    this.exemplars = exemplars;
  }

  /** Where failures to add exemplars are reported, once the module has started. */
  public void reportTo(Consumer<Throwable> errors) {
    this.errors = errors;
  }

  /** The exemplars this registry adds. */
  public HttpExemplars exemplars() {
    return exemplars;
  }

  @Override
  public MetricSnapshots scrape(@Nullable PrometheusScrapeRequest request) {
    return decorate(super.scrape(request));
  }

  @Override
  public MetricSnapshots scrape(
      @Nullable Predicate<String> includedNames, @Nullable PrometheusScrapeRequest request) {
    if (includedNames == null) {
      // The superclass hands this case to scrape(request), which decorates.
      return scrape(request);
    }
    return decorate(super.scrape(includedNames, request));
  }

  private MetricSnapshots decorate(MetricSnapshots snapshots) {
    try {
      return exemplars.decorate(snapshots);
    } catch (RuntimeException e) {
      errors.accept(e);
      return snapshots;
    }
  }
}
