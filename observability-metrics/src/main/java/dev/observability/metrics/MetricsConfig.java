package dev.observability.metrics;

import dev.observability.ConfigKey;
import dev.observability.internal.OtlpConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

  /**
   * Distinct route-template {@code endpoint} values before new ones are reported as {@code OTHER}.
   */
  public static final ConfigKey<Integer> MAX_ENDPOINTS =
      ConfigKey.integer("metrics.max-endpoints", 100, 1, 10_000)
          .describedAs(
              "Distinct route templates as endpoint values of the HTTP meters; past it new ones"
                  + " become OTHER and are counted in observability_cardinality_overflow_total."
                  + " Requests without a route never use this room.");

  /**
   * Distinct normalised paths, as {@code endpoint} values, of requests that matched no route and
   * got no fixed value ({@code NOT_FOUND}, {@code REDIRECTION}, {@code /}); a cap of their own, so
   * that they never take a route template's place.
   */
  public static final ConfigKey<Integer> MAX_UNROUTED_ENDPOINTS =
      ConfigKey.integer("metrics.max-unrouted-endpoints", 50, 0, 10_000)
          .describedAs(
              "Distinct normalised paths as endpoint values for requests that matched no route"
                  + " (other than 404, 3xx and /), apart from the route templates' cap; past it"
                  + " OTHER, counted in observability_cardinality_overflow_total.");

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

  /** Whether the HTTP meters carry exemplars of kept traces in OpenMetrics output. */
  public static final ConfigKey<Boolean> EXEMPLARS =
      ConfigKey.bool("metrics.exemplars", true)
          .describedAs(
              "Exemplars (trace_id, span_id) on http_request_duration_seconds buckets and"
                  + " http_requests_total in OpenMetrics output, only of traces the tracing module"
                  + " kept for export, preferring failing and slow requests.");

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

  /** Exporter names accepted by {@link #EXPORTER}. */
  public static final Set<String> EXPORTERS = Set.of("prometheus", "otlp", "none");

  /** Where meters go: the Prometheus endpoint, OTLP push, both, or neither. */
  public static final ConfigKey<List<String>> EXPORTER =
      ConfigKey.stringList("metrics.exporter", List.of("prometheus"))
          .withStandardEnvironmentVariables("OTEL_METRICS_EXPORTER")
          .validate(
              list ->
                  !list.isEmpty()
                      && list.stream()
                          .allMatch(e -> EXPORTERS.contains(e.toLowerCase(Locale.ROOT))),
              "must be prometheus, otlp, both comma-separated, or none")
          .describedAs(
              "Metrics exporters: prometheus (the /metrics endpoint), otlp (push to an OTLP"
                  + " receiver), both comma-separated, or none.");

  /** The OTLP base endpoint; {@code /v1/metrics} is appended. */
  public static final ConfigKey<String> OTLP_ENDPOINT =
      OtlpConfig.endpointKey("metrics.otlp.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT")
          .describedAs("OTLP base endpoint, e.g. http://collector:4318; /v1/metrics is appended.");

  /** The OTLP metrics endpoint, used as it is. */
  public static final ConfigKey<String> OTLP_METRICS_ENDPOINT =
      OtlpConfig.endpointKey("metrics.otlp.metrics-endpoint", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
          .describedAs("OTLP metrics endpoint, used as it is; wins over metrics.otlp.endpoint.");

  /**
   * The OTLP protocol. Any of the standard values is accepted here, so that a protocol chosen for
   * traces does not fail start-up; the module refuses anything but {@code http/protobuf} when it
   * exports metrics over OTLP.
   */
  public static final ConfigKey<String> OTLP_PROTOCOL =
      ConfigKey.string("metrics.otlp.protocol", "http/protobuf")
          .withStandardEnvironmentVariables(
              "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL")
          .validate(
              p -> p.equals("http/protobuf") || p.equals("grpc") || p.equals("http/json"),
              "must be http/protobuf, grpc or http/json")
          .describedAs(
              "OTLP protocol of metrics export; Micrometer's OTLP registry speaks http/protobuf"
                  + " only.");

  /**
   * Headers sent with every export, as {@code key=value} pairs (values percent-encoded). Read as
   * text and parsed by the module, so that an invalid value is never echoed in an error message.
   */
  public static final ConfigKey<String> OTLP_HEADERS =
      ConfigKey.string("metrics.otlp.headers", null)
          .withStandardEnvironmentVariables(
              "OTEL_EXPORTER_OTLP_METRICS_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS")
          .secret()
          .describedAs(
              "Headers for every metrics export, comma-separated key=value pairs. Values are never"
                  + " logged.");

  /** The timeout of one export request. */
  public static final ConfigKey<Duration> OTLP_TIMEOUT =
      ConfigKey.duration("metrics.otlp.timeout", Duration.ofSeconds(10), Duration.ofMinutes(5))
          .withStandardEnvironmentVariables(
              "OTEL_EXPORTER_OTLP_METRICS_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")
          .describedAs(
              "Connect and read timeout of one OTLP metrics request (a bare number is"
                  + " milliseconds).");

  /** The compression of export requests. */
  public static final ConfigKey<String> OTLP_COMPRESSION =
      OtlpConfig.compressionKey(
              "metrics.otlp.compression", "OTEL_EXPORTER_OTLP_METRICS_COMPRESSION")
          .describedAs("Compression of OTLP metrics requests: gzip or none.");

  /** How often meters are pushed. */
  public static final ConfigKey<Duration> OTLP_INTERVAL =
      ConfigKey.duration("metrics.otlp.interval", Duration.ofSeconds(60), Duration.ofHours(1))
          .withStandardEnvironmentVariables("OTEL_METRIC_EXPORT_INTERVAL")
          .validate(
              d -> d.toMillis() >= 100, "must be at least 100ms (a bare number is milliseconds)")
          .describedAs("How often meters are pushed over OTLP (a bare number is milliseconds).");

  /** Cumulative or delta sums and histograms. */
  public static final ConfigKey<String> OTLP_TEMPORALITY =
      ConfigKey.string("metrics.otlp.temporality", "cumulative")
          .withStandardEnvironmentVariables("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE")
          .validate(
              t -> t.equalsIgnoreCase("cumulative") || t.equalsIgnoreCase("delta"),
              "must be cumulative or delta")
          .describedAs(
              "Aggregation temporality of OTLP sums and histograms: cumulative (as Prometheus) or"
                  + " delta.");

  /** Every key the module reads. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          COMMON_TAGS,
          HTTP_BUCKETS,
          DB_BUCKETS,
          MAX_ENDPOINTS,
          MAX_UNROUTED_ENDPOINTS,
          MAX_TAG_VALUES,
          JVM,
          OBSERVATIONS,
          EXEMPLARS,
          SERVER_PORT,
          SERVER_HOST,
          EXPORTER,
          OTLP_ENDPOINT,
          OTLP_METRICS_ENDPOINT,
          OTLP_PROTOCOL,
          OTLP_HEADERS,
          OTLP_TIMEOUT,
          OTLP_COMPRESSION,
          OTLP_INTERVAL,
          OTLP_TEMPORALITY);

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
