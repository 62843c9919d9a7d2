package dev.observability.metrics;

import dev.observability.ConfigKey;
import java.util.List;
import java.util.Map;

/**
 * The configuration keys of the metrics module. {@code docs/configuration.md} lists them with their
 * system properties and environment variables.
 */
public final class MetricsConfig {

  private static final String NAME_RULE = "[a-zA-Z_][a-zA-Z0-9_]*";
  private static final String BUCKET_RULE =
      "must be one or more positive numbers (seconds) in ascending order";

  /** Tags added to every meter of the Prometheus registry. */
  public static final ConfigKey<Map<String, String>> COMMON_TAGS =
      ConfigKey.stringMap("metrics.common-tags", Map.of())
          .validate(
              tags -> tags.keySet().stream().allMatch(k -> k.matches(NAME_RULE)),
              "tag names must be letters, digits and _ and must not start with a digit")
          .describedAs("Tags added to every meter exposed on /metrics, as key=value pairs.");

  /** Bucket bounds, in seconds, of {@code http_request_duration_seconds}. */
  public static final ConfigKey<List<Double>> HTTP_BUCKETS =
      ConfigKey.doubleList("metrics.http.buckets", List.of(0.01, 0.05, 0.1, 0.5, 1.0, 2.0, 5.0))
          .validate(MetricsConfig::isAscendingPositive, BUCKET_RULE)
          .describedAs(
              "Bucket bounds in seconds of http_request_duration_seconds, and of the method and"
                  + " operation timers.");

  /** Bucket bounds, in seconds, of {@code db_query_duration_seconds}. */
  public static final ConfigKey<List<Double>> DB_BUCKETS =
      ConfigKey.doubleList("metrics.db.buckets", List.of(0.001, 0.01, 0.05, 0.1, 0.5, 1.0))
          .validate(MetricsConfig::isAscendingPositive, BUCKET_RULE)
          .describedAs("Bucket bounds in seconds of db_query_duration_seconds.");

  /** Distinct {@code endpoint} values before new ones are reported as {@code OTHER}. */
  public static final ConfigKey<Integer> MAX_ENDPOINTS =
      ConfigKey.integer("metrics.max-endpoints", 100, 1, 10_000)
          .describedAs(
              "Distinct endpoint values of the HTTP meters; past it new ones become OTHER and are"
                  + " counted in observability_cardinality_overflow_total.");

  /**
   * Distinct values per tag of a guarded meter (business helpers, method and operation timers)
   * before new ones are reported as {@code OTHER}.
   */
  public static final ConfigKey<Integer> MAX_TAG_VALUES =
      ConfigKey.integer("metrics.max-tag-values", 100, 1, 10_000)
          .describedAs(
              "Distinct values of each tag of a guarded meter (helpers, method and operation"
                  + " timers); past it new ones become OTHER.");

  /** Whether the JVM and process binders run. */
  public static final ConfigKey<Boolean> JVM =
      ConfigKey.bool("metrics.jvm", true)
          .describedAs(
              "Bind JVM and process meters: memory, GC, threads, class loading, CPU, file"
                  + " descriptors, uptime.");

  /** Whether method and generic operation observations are timed. */
  public static final ConfigKey<Boolean> OBSERVATIONS =
      ConfigKey.bool("metrics.observations", true)
          .describedAs(
              "Time annotated methods (method_duration_seconds) and other observations"
                  + " (operation_duration_seconds).");

  /** Port of the standalone scrape endpoint; {@code -1} turns it off, {@code 0} picks one. */
  public static final ConfigKey<Integer> SERVER_PORT =
      ConfigKey.integer("metrics.server.port", -1, -1, 65_535)
          .describedAs(
              "Port of the standalone /metrics endpoint on the JDK HTTP server; -1 (default) off,"
                  + " 0 any free port.");

  /** Address the standalone scrape endpoint binds to. */
  public static final ConfigKey<String> SERVER_HOST =
      ConfigKey.string("metrics.server.host", "127.0.0.1")
          .validate(s -> !s.isBlank() && s.length() <= 255, "must be a host name or IP address")
          .describedAs(
              "Address the standalone /metrics endpoint binds to; 0.0.0.0 for a scraper on"
                  + " another host.");

  /** Every key the module reads. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          COMMON_TAGS,
          HTTP_BUCKETS,
          DB_BUCKETS,
          MAX_ENDPOINTS,
          MAX_TAG_VALUES,
          JVM,
          OBSERVATIONS,
          SERVER_PORT,
          SERVER_HOST);

  private MetricsConfig() {}

  private static boolean isAscendingPositive(List<Double> buckets) {
    if (buckets.isEmpty()) {
      return false;
    }
    double previous = 0;
    for (double bucket : buckets) {
      if (!(bucket > previous) || Double.isInfinite(bucket)) {
        return false;
      }
      previous = bucket;
    }
    return true;
  }
}
