package dev.observability.metrics.internal;

import dev.observability.CoreConfig;
import dev.observability.ObservabilityConfig;
import dev.observability.internal.OtlpConfig;
import dev.observability.metrics.MetricsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Where the metrics module's meters go ({@code metrics.exporter}, {@code OTEL_METRICS_EXPORTER})
 * and how OTLP push is set up, resolved once at start. Immutable.
 *
 * @param prometheus whether the Prometheus registry and the scrape endpoint run
 * @param otlp whether meters are pushed over OTLP
 * @param otlpUrl the URL OTLP requests go to
 * @param otlpHeaders headers sent with every request (values are secrets: never log them)
 * @param otlpTimeout connect and read timeout of one request
 * @param gzip whether requests are gzip-compressed
 * @param interval how often meters are pushed
 * @param delta whether sums and histograms are delta (else cumulative)
 * @param shutdownTimeout upper bound of close(), which bounds the last push
 */
public record ExportSettings(
    boolean prometheus,
    boolean otlp,
    String otlpUrl,
    Map<String, String> otlpHeaders,
    Duration otlpTimeout,
    boolean gzip,
    Duration interval,
    boolean delta,
    Duration shutdownTimeout) {

  /** Default OTLP/HTTP metrics endpoint when only the exporter is chosen. */
  public static final String DEFAULT_ENDPOINT = "http://localhost:4318/v1/metrics";

  /** Copies the headers. */
  public ExportSettings {
    otlpHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(otlpHeaders));
  }

  /**
   * Resolves the settings from validated configuration.
   *
   * @throws IllegalArgumentException when the configuration breaks a cross-key rule (see {@link
   *     #problems(ObservabilityConfig)})
   */
  public static ExportSettings from(ObservabilityConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    Set<String> exporters = exporters(config);
    String url =
        OtlpConfig.endpoint(
            config,
            MetricsConfig.OTLP_METRICS_ENDPOINT,
            MetricsConfig.OTLP_ENDPOINT,
            false,
            "v1/metrics",
            DEFAULT_ENDPOINT);
    return new ExportSettings(
        exporters.contains("prometheus"),
        exporters.contains("otlp"),
        url,
        OtlpConfig.headers(config, MetricsConfig.OTLP_HEADERS, null),
        config.get(MetricsConfig.OTLP_TIMEOUT),
        config.get(MetricsConfig.OTLP_COMPRESSION).equals("gzip"),
        config.get(MetricsConfig.OTLP_INTERVAL),
        config.get(MetricsConfig.OTLP_TEMPORALITY).equalsIgnoreCase("delta"),
        config.get(CoreConfig.SHUTDOWN_TIMEOUT));
  }

  /** Whether the Prometheus registry runs, without the rest of the resolution. */
  public static boolean prometheus(ObservabilityConfig config) {
    return exporters(config).contains("prometheus");
  }

  /** Problems that span several keys, or that must be reported without echoing a secret value. */
  public static List<String> problems(ObservabilityConfig config) {
    List<String> problems = new ArrayList<>();
    Set<String> exporters = exporters(config);
    if (exporters.contains("none") && exporters.size() > 1) {
      problems.add(
          MetricsConfig.EXPORTER.name()
              + " (or OTEL_METRICS_EXPORTER) combines 'none' with other exporters: choose one");
    }
    if (!exporters.contains("prometheus") && config.get(MetricsConfig.SERVER_PORT) >= 0) {
      problems.add(
          "metrics.server.port serves the Prometheus endpoint, but "
              + MetricsConfig.EXPORTER.name()
              + " (or OTEL_METRICS_EXPORTER) does not include prometheus: add it, or set"
              + " metrics.server.port to -1");
    }
    if (exporters.contains("otlp")) {
      OtlpConfig.headers(config, MetricsConfig.OTLP_HEADERS, problems);
      String protocol = config.get(MetricsConfig.OTLP_PROTOCOL);
      if (!protocol.equals("http/protobuf")) {
        problems.add(
            MetricsConfig.OTLP_PROTOCOL.name()
                + " is "
                + protocol
                + " (from "
                + config.sourceOf(MetricsConfig.OTLP_PROTOCOL)
                + "), but Micrometer's OTLP registry sends http/protobuf only: set"
                + " OTEL_EXPORTER_OTLP_METRICS_PROTOCOL=http/protobuf and a receiver's HTTP port"
                + " (4318)");
      }
    }
    return problems;
  }

  private static Set<String> exporters(ObservabilityConfig config) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : config.get(MetricsConfig.EXPORTER)) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    return names;
  }
}
