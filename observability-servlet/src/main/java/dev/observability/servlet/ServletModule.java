package dev.observability.servlet;

import dev.observability.ConfigKey;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import java.util.List;
import java.util.Locale;

/**
 * The servlet module: declares the {@code servlet.*} configuration keys so that they are validated
 * with the rest at start-up. It adds no handler; the {@link ObservabilityFilter} creates the
 * observations that the other modules handle.
 *
 * <p>Found on the class path through {@code META-INF/services}; immutable and thread-safe.
 */
public final class ServletModule implements ObservabilityModule {

  /** Start order: after every module whose handlers the filter feeds. */
  public static final int ORDER = 600;

  /** Whether the WAR initializer registers the filter and endpoint servlets. */
  public static final ConfigKey<Boolean> AUTO_REGISTER =
      ConfigKey.bool("servlet.auto-register", true)
          .describedAs(
              "Register the filter and the /metrics and /health servlets in every web application"
                  + " that has the servlet module in WEB-INF/lib.");

  /**
   * Whether {@code /metrics}, {@code /health}, {@code /health/live}, {@code /health/ready} are
   * registered.
   */
  public static final ConfigKey<Boolean> ENDPOINTS =
      ConfigKey.bool("servlet.endpoints", true)
          .describedAs(
              "Register the /metrics, /health, /health/live and /health/ready servlets with the"
                  + " filter.");

  /** Paths (within the web application) that get no observation at all. */
  public static final ConfigKey<List<String>> EXCLUDED_PATHS =
      ConfigKey.stringList("servlet.excluded-paths", List.of("/metrics", "/health/*"))
          .validate(
              paths -> paths.stream().allMatch(ServletModule::isPathPattern),
              "must be paths starting with / ; a trailing /* matches the path and everything"
                  + " below it")
          .describedAs(
              "Paths not observed (kept out of the golden signals): exact paths, or prefixes"
                  + " ending in /*.");

  /** Request attributes that frameworks set to the matched route template. */
  public static final ConfigKey<List<String>> ROUTE_ATTRIBUTES =
      ConfigKey.stringList(
              "servlet.route-attributes",
              List.of("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern"))
          .describedAs(
              "Request attributes read (in order) for the route template a framework matched.");

  /** Response headers the filter and the handlers may set. */
  public static final ConfigKey<List<String>> RESPONSE_HEADERS =
      ConfigKey.stringList(
              "servlet.response-headers",
              List.of("X-Request-ID", "traceparent", "traceresponse", "Server-Timing"))
          .validate(
              names -> names.stream().allMatch(ServletModule::isHeaderName),
              "must be HTTP header names")
          .describedAs(
              "Response headers the filter lets be written on observed responses: X-Request-ID"
                  + " (the request id), traceparent (the trace), traceresponse and Server-Timing"
                  + " (a kept trace, written by the tracing module when it keeps a failing or"
                  + " slow request's trace; see tracing.traceresponse, tracing.server-timing).");

  static final List<ConfigKey<?>> KEYS =
      List.of(AUTO_REGISTER, ENDPOINTS, EXCLUDED_PATHS, ROUTE_ATTRIBUTES, RESPONSE_HEADERS);

  /** Creates the module; called by {@link java.util.ServiceLoader}. */
  public ServletModule() {}

  @Override
  public String name() {
    return "servlet";
  }

  @Override
  public int order() {
    return ORDER;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return KEYS;
  }

  @Override
  public void start(ModuleContext context) {
    // Nothing to start: the filter reads the keys from the running instance's configuration.
  }

  private static boolean isPathPattern(String pattern) {
    if (!pattern.startsWith("/")) {
      return false;
    }
    int star = pattern.indexOf('*');
    return star < 0 || (star == pattern.length() - 1 && pattern.endsWith("/*"));
  }

  private static boolean isHeaderName(String name) {
    if (name.isEmpty()) {
      return false;
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean token =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!token) {
        return false;
      }
    }
    return !name.toLowerCase(Locale.ROOT).equals("content-length");
  }
}
