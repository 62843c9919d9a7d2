package dev.observability.metrics.internal;

import dev.observability.ObservabilityConfig;
import dev.observability.metrics.MetricsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The metrics module's validated configuration, read once at start.
 *
 * @param commonTags tags on every meter of the Prometheus registry
 * @param httpBuckets bucket bounds of the HTTP, method and operation timers
 * @param dbBuckets bucket bounds of the query timer
 * @param maxEndpoints cap of distinct route-template endpoint values
 * @param maxUnroutedEndpoints cap of distinct normalised-path endpoint values of unrouted requests
 * @param maxTagValues cap of distinct values per guarded tag
 * @param jvm whether JVM and process binders run
 * @param observations whether method and operation observations are timed
 * @param exemplars whether the HTTP meters carry exemplars of kept traces
 * @param serverPort standalone endpoint port, -1 off, 0 any
 * @param serverHost standalone endpoint bind address
 */
public record MetricsSettings(
    Map<String, String> commonTags,
    List<Duration> httpBuckets,
    List<Duration> dbBuckets,
    int maxEndpoints,
    int maxUnroutedEndpoints,
    int maxTagValues,
    boolean jvm,
    boolean observations,
    boolean exemplars,
    int serverPort,
    String serverHost) {

  /** Copies the collections. */
  public MetricsSettings {
    commonTags = Map.copyOf(commonTags);
    httpBuckets = List.copyOf(httpBuckets);
    dbBuckets = List.copyOf(dbBuckets);
  }

  /** Reads the settings from validated configuration. */
  public static MetricsSettings from(ObservabilityConfig config) {
    return new MetricsSettings(
        config.get(MetricsConfig.COMMON_TAGS),
        durations(config.get(MetricsConfig.HTTP_BUCKETS)),
        durations(config.get(MetricsConfig.DB_BUCKETS)),
        config.get(MetricsConfig.MAX_ENDPOINTS),
        config.get(MetricsConfig.MAX_UNROUTED_ENDPOINTS),
        config.get(MetricsConfig.MAX_TAG_VALUES),
        config.get(MetricsConfig.JVM),
        config.get(MetricsConfig.OBSERVATIONS),
        config.get(MetricsConfig.EXEMPLARS),
        config.get(MetricsConfig.SERVER_PORT),
        config.get(MetricsConfig.SERVER_HOST));
  }

  /** The defaults of every key. */
  public static MetricsSettings defaults() {
    return new MetricsSettings(
        Map.of(),
        durations(MetricsConfig.HTTP_BUCKETS.defaultValue()),
        durations(MetricsConfig.DB_BUCKETS.defaultValue()),
        MetricsConfig.MAX_ENDPOINTS.defaultValue(),
        MetricsConfig.MAX_UNROUTED_ENDPOINTS.defaultValue(),
        MetricsConfig.MAX_TAG_VALUES.defaultValue(),
        true,
        true,
        true,
        -1,
        "127.0.0.1");
  }

  /** Bucket bounds in seconds as durations (nanosecond precision). */
  public static List<Duration> durations(List<Double> seconds) {
    return seconds.stream().map(s -> Duration.ofNanos(Math.round(s * 1e9))).toList();
  }

  /** The HTTP buckets as an array, for Micrometer's builders. */
  Duration[] httpBucketArray() {
    return httpBuckets.toArray(new Duration[0]);
  }

  /** The query buckets as an array, for Micrometer's builders. */
  Duration[] dbBucketArray() {
    return dbBuckets.toArray(new Duration[0]);
  }
}
