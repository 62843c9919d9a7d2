package dev.observability.servlet;

import dev.observability.Observability;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Builds an {@link ObservabilityFilter} with settings given in code; anything not set here comes
 * from the running instance's configuration ({@code servlet.*} keys).
 *
 * <p>Not thread-safe; use from one thread, then call {@link #build()}.
 */
public final class ObservabilityFilterBuilder {

  @Nullable Observability observability;
  final List<String> templates = new ArrayList<>();
  @Nullable List<String> routeAttributes;
  @Nullable List<String> excludedPaths;
  @Nullable List<String> responseHeaders;

  ObservabilityFilterBuilder() {}

  /**
   * Records to {@code observability} instead of {@link Observability#current()}.
   *
   * @param observability the instance to record to
   * @return this builder
   */
  public ObservabilityFilterBuilder observability(Observability observability) {
    this.observability = Objects.requireNonNull(observability, "observability");
    return this;
  }

  /**
   * Adds route templates such as {@code /api/users/{id}} (within the web application, without its
   * context path), used when no framework attribute names the route.
   *
   * @param templates the route templates
   * @return this builder
   * @throws IllegalArgumentException when a template is malformed (see {@link RouteTemplates})
   */
  public ObservabilityFilterBuilder route(String... templates) {
    List<String> list = Arrays.asList(templates);
    RouteTemplates.of(list);
    this.templates.addAll(list);
    return this;
  }

  /**
   * Replaces {@code servlet.route-attributes}: request attributes holding a route template.
   *
   * @param names the request attribute names
   * @return this builder
   */
  public ObservabilityFilterBuilder routeAttributes(String... names) {
    this.routeAttributes = List.of(names);
    return this;
  }

  /**
   * Replaces {@code servlet.excluded-paths}: exact paths, or prefixes ending in {@code /*}.
   *
   * @param paths the excluded paths and prefixes
   * @return this builder
   * @throws IllegalArgumentException when a path does not start with {@code /}
   */
  public ObservabilityFilterBuilder excludedPaths(String... paths) {
    for (String path : paths) {
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("excluded path '" + path + "' must start with /");
      }
    }
    this.excludedPaths = List.of(paths);
    return this;
  }

  /**
   * Replaces {@code servlet.response-headers}: the response headers that may be written.
   *
   * @param names the header names
   * @return this builder
   */
  public ObservabilityFilterBuilder responseHeaders(String... names) {
    this.responseHeaders = List.of(names);
    return this;
  }

  /**
   * Builds the filter.
   *
   * @return the filter
   */
  public ObservabilityFilter build() {
    return new ObservabilityFilter(this);
  }
}
