package dev.observability.logging.internal;

import dev.observability.CoreConfig;
import dev.observability.ObservabilityConfig;
import dev.observability.internal.OtlpConfig;
import dev.observability.logging.LoggingConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;

/**
 * The OTLP log export's validated configuration, resolved once at start. Immutable.
 *
 * @param endpoint the URL export requests go to
 * @param grpc whether OTLP uses gRPC rather than http/protobuf
 * @param headers headers sent with every export (values are secrets: never log them)
 * @param timeout timeout of one export request
 * @param gzip whether requests are gzip-compressed
 * @param retry whether retryable failures are retried
 * @param maxQueueSize records waiting for export at most
 * @param maxBatchSize records per export request
 * @param scheduleDelay longest wait before a partial batch is exported
 * @param exportTimeout how long the export thread waits for one export
 * @param shutdownTimeout upper bound of close()
 */
public record OtlpLogSettings(
    String endpoint,
    boolean grpc,
    Map<String, String> headers,
    Duration timeout,
    boolean gzip,
    boolean retry,
    int maxQueueSize,
    int maxBatchSize,
    Duration scheduleDelay,
    Duration exportTimeout,
    Duration shutdownTimeout) {

  /** Default OTLP/HTTP logs endpoint when only the exporter is chosen. */
  public static final String DEFAULT_HTTP_ENDPOINT = "http://localhost:4318/v1/logs";

  /** Default OTLP/gRPC endpoint when only the exporter is chosen. */
  public static final String DEFAULT_GRPC_ENDPOINT = "http://localhost:4317";

  /** Copies the headers. */
  public OtlpLogSettings {
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** Whether log records leave over OTLP ({@code logging.exporter} includes {@code otlp}). */
  public static boolean enabled(ObservabilityConfig config) {
    return exporters(config).contains("otlp");
  }

  /**
   * Resolves the settings from validated configuration.
   *
   * @throws IllegalArgumentException when the configuration breaks a cross-key rule
   */
  public static OtlpLogSettings from(ObservabilityConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    boolean grpc = config.get(LoggingConfig.OTLP_PROTOCOL).equals("grpc");
    String endpoint =
        OtlpConfig.endpoint(
            config,
            LoggingConfig.OTLP_LOGS_ENDPOINT,
            LoggingConfig.OTLP_ENDPOINT,
            grpc,
            "v1/logs",
            grpc ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT);
    return new OtlpLogSettings(
        endpoint,
        grpc,
        OtlpConfig.headers(config, LoggingConfig.OTLP_HEADERS, null),
        config.get(LoggingConfig.OTLP_TIMEOUT),
        config.get(LoggingConfig.OTLP_COMPRESSION).equals("gzip"),
        config.get(LoggingConfig.OTLP_RETRY),
        config.get(LoggingConfig.EXPORT_MAX_QUEUE_SIZE),
        config.get(LoggingConfig.EXPORT_MAX_BATCH_SIZE),
        config.get(LoggingConfig.EXPORT_SCHEDULE_DELAY),
        config.get(LoggingConfig.EXPORT_TIMEOUT),
        config.get(CoreConfig.SHUTDOWN_TIMEOUT));
  }

  /** Problems that span several keys, or that must be reported without echoing a secret value. */
  public static List<String> problems(ObservabilityConfig config) {
    List<String> problems = new ArrayList<>();
    Set<String> exporters = exporters(config);
    if (exporters.contains("none") && exporters.size() > 1) {
      problems.add(
          LoggingConfig.EXPORTER.name()
              + " (or OTEL_LOGS_EXPORTER) combines 'none' with other exporters: choose one");
    }
    boolean otlp = exporters.contains("otlp");
    if (!config.get(LoggingConfig.CONSOLE) && !otlp) {
      problems.add(
          LoggingConfig.CONSOLE.name()
              + " is false but "
              + LoggingConfig.EXPORTER.name()
              + " (or OTEL_LOGS_EXPORTER) is not otlp, so log lines would go nowhere: set"
              + " logging.exporter=otlp, or logging.console=true");
    }
    if (otlp) {
      OtlpConfig.headers(config, LoggingConfig.OTLP_HEADERS, problems);
      if (config.get(LoggingConfig.OTLP_PROTOCOL).equals("grpc") && !grpcSenderAvailable()) {
        problems.add(
            LoggingConfig.OTLP_PROTOCOL.name()
                + " is grpc, but no gRPC sender is on the class path: add"
                + " io.opentelemetry:opentelemetry-exporter-sender-okhttp (or"
                + " opentelemetry-exporter-sender-grpc-managed-channel), or use http/protobuf");
      }
    }
    return problems;
  }

  private static boolean grpcSenderAvailable() {
    try {
      return ServiceLoader.load(GrpcSenderProvider.class, OtlpLogSettings.class.getClassLoader())
          .iterator()
          .hasNext();
    } catch (ServiceConfigurationError e) {
      return false;
    }
  }

  private static Set<String> exporters(ObservabilityConfig config) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : config.get(LoggingConfig.EXPORTER)) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    return names;
  }
}
