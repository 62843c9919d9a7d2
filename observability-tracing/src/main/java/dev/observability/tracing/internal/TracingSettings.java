package dev.observability.tracing.internal;

import dev.observability.CoreConfig;
import dev.observability.ObservabilityConfig;
import dev.observability.internal.OtlpConfig;
import dev.observability.tracing.TracingConfig;
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
 * The tracing module's validated configuration, resolved once at start: which exporters, the final
 * OTLP endpoint, sampling and buffer bounds. Immutable.
 *
 * @param exporters {@code otlp} and/or {@code logging}; empty means spans are recorded, not
 *     exported
 * @param exporterFromDefault whether the exporter choice is the default one (no endpoint, no {@code
 *     tracing.exporter})
 * @param otlpEndpoint the URL export requests go to
 * @param grpc whether OTLP uses gRPC rather than http/protobuf
 * @param otlpHeaders headers sent with every export (values are secrets: never log them)
 * @param otlpTimeout timeout of one export request
 * @param gzip whether requests are gzip-compressed
 * @param retry whether retryable failures are retried
 * @param sampleRatio share of unremarkable traces kept
 * @param latencyThreshold roots longer than this are kept
 * @param respectParentSampled whether a sampled remote parent keeps the fragment
 * @param maxBufferedTraces cap on buffered fragments
 * @param maxSpansPerTrace cap on spans per fragment
 * @param maxBufferedSpans cap on buffered spans
 * @param fragmentTtl how long a fragment waits for its root
 * @param decisionCacheSize decided trace ids remembered
 * @param propagators the context propagators, in order ({@code tracecontext}, {@code baggage});
 *     empty for none
 * @param traceContextLevel the W3C Trace Context edition the {@code tracecontext} propagator
 *     follows
 * @param responseTraceparent whether responses carry traceparent
 * @param traceresponse whether responses of fragments kept for an error, latency or a downstream
 *     keep carry {@code traceresponse}
 * @param serverTiming whether those responses also carry {@code Server-Timing: traceparent}
 * @param respectDownstream whether a callee's keep keeps the caller's fragment
 * @param exportQueueSize capacity of the export queue
 * @param exportBatchSize spans per export request
 * @param exportScheduleDelay longest wait before a partial batch is exported
 * @param exportTimeout how long the export thread waits for one export
 * @param shutdownTimeout upper bound of close()
 */
public record TracingSettings(
    List<String> exporters,
    boolean exporterFromDefault,
    String otlpEndpoint,
    boolean grpc,
    Map<String, String> otlpHeaders,
    Duration otlpTimeout,
    boolean gzip,
    boolean retry,
    double sampleRatio,
    Duration latencyThreshold,
    boolean respectParentSampled,
    int maxBufferedTraces,
    int maxSpansPerTrace,
    int maxBufferedSpans,
    Duration fragmentTtl,
    int decisionCacheSize,
    List<String> propagators,
    TraceContextLevel traceContextLevel,
    boolean responseTraceparent,
    boolean traceresponse,
    boolean serverTiming,
    boolean respectDownstream,
    int exportQueueSize,
    int exportBatchSize,
    Duration exportScheduleDelay,
    Duration exportTimeout,
    Duration shutdownTimeout) {

  /** Default OTLP/HTTP traces endpoint when only the exporter is chosen. */
  public static final String DEFAULT_HTTP_ENDPOINT = "http://localhost:4318/v1/traces";

  /** Default OTLP/gRPC endpoint when only the exporter is chosen. */
  public static final String DEFAULT_GRPC_ENDPOINT = "http://localhost:4317";

  /** Copies the collections. */
  public TracingSettings {
    exporters = List.copyOf(exporters);
    propagators = List.copyOf(propagators);
    otlpHeaders = Collections.unmodifiableMap(new LinkedHashMap<>(otlpHeaders));
  }

  /**
   * Resolves the settings from validated configuration.
   *
   * @throws IllegalArgumentException when the configuration breaks a cross-key rule (see {@link
   *     #problems(ObservabilityConfig)})
   */
  public static TracingSettings from(ObservabilityConfig config) {
    List<String> problems = problems(config);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    boolean grpc = config.get(TracingConfig.OTLP_PROTOCOL).equals("grpc");
    String endpoint =
        OtlpConfig.endpoint(
            config,
            TracingConfig.OTLP_TRACES_ENDPOINT,
            TracingConfig.OTLP_ENDPOINT,
            grpc,
            "v1/traces",
            grpc ? DEFAULT_GRPC_ENDPOINT : DEFAULT_HTTP_ENDPOINT);
    List<String> configured = exporterNames(config);
    boolean fromDefault = configured.isEmpty();
    List<String> exporters;
    if (fromDefault) {
      // An endpoint given without an exporter choice means OTLP.
      boolean endpointGiven =
          config.find(TracingConfig.OTLP_TRACES_ENDPOINT).isPresent()
              || config.find(TracingConfig.OTLP_ENDPOINT).isPresent();
      exporters = endpointGiven ? List.of("otlp") : List.of();
    } else {
      exporters = new ArrayList<>(configured);
      exporters.remove("none");
    }
    return new TracingSettings(
        exporters,
        fromDefault,
        endpoint,
        grpc,
        OtlpConfig.headers(config, TracingConfig.OTLP_HEADERS, null),
        config.get(TracingConfig.OTLP_TIMEOUT),
        config.get(TracingConfig.OTLP_COMPRESSION).equals("gzip"),
        config.get(TracingConfig.OTLP_RETRY),
        config.get(TracingConfig.SAMPLE_RATIO),
        config.get(TracingConfig.LATENCY_THRESHOLD),
        config.get(TracingConfig.RESPECT_PARENT_SAMPLED),
        config.get(TracingConfig.MAX_BUFFERED_TRACES),
        config.get(TracingConfig.MAX_SPANS_PER_TRACE),
        config.get(TracingConfig.MAX_BUFFERED_SPANS),
        config.get(TracingConfig.FRAGMENT_TTL),
        config.get(TracingConfig.DECISION_CACHE_SIZE),
        propagatorNames(config).stream().filter(name -> !name.equals("none")).toList(),
        TraceContextLevel.of(config.get(TracingConfig.TRACECONTEXT_LEVEL)),
        config.get(TracingConfig.RESPONSE_TRACEPARENT),
        config.get(TracingConfig.TRACERESPONSE),
        config.get(TracingConfig.SERVER_TIMING),
        config.get(TracingConfig.RESPECT_DOWNSTREAM),
        config.get(TracingConfig.EXPORT_MAX_QUEUE_SIZE),
        config.get(TracingConfig.EXPORT_MAX_BATCH_SIZE),
        config.get(TracingConfig.EXPORT_SCHEDULE_DELAY),
        config.get(TracingConfig.EXPORT_TIMEOUT),
        config.get(CoreConfig.SHUTDOWN_TIMEOUT));
  }

  /**
   * Problems that span several keys, or that must be reported without echoing a secret value, each
   * worded by {@link ObservabilityConfig#problem}.
   */
  public static List<String> problems(ObservabilityConfig config) {
    List<String> problems = new ArrayList<>();
    OtlpConfig.headers(config, TracingConfig.OTLP_HEADERS, problems);
    List<String> exporters = exporterNames(config);
    if (exporters.contains("none") && exporters.size() > 1) {
      problems.add(
          config.problem(
              TracingConfig.EXPORTER,
              "combines 'none' with other exporters: must be 'none' alone, or a list of otlp and"
                  + " logging"));
    }
    List<String> propagators = propagatorNames(config);
    if (propagators.contains("none") && propagators.size() > 1) {
      problems.add(
          TracingConfig.PROPAGATORS.name()
              + " (or OTEL_PROPAGATORS) combines 'none' with other propagators: choose one");
    }
    boolean endpointSet =
        config.find(TracingConfig.OTLP_TRACES_ENDPOINT).isPresent()
            || config.find(TracingConfig.OTLP_ENDPOINT).isPresent();
    boolean otlp = exporters.isEmpty() ? endpointSet : exporters.contains("otlp");
    if (otlp && config.get(TracingConfig.OTLP_PROTOCOL).equals("grpc") && !grpcSenderAvailable()) {
      problems.add(
          config.problem(
              TracingConfig.OTLP_PROTOCOL,
              "is grpc, but no gRPC sender is on the class path: add"
                  + " io.opentelemetry:opentelemetry-exporter-sender-okhttp (or"
                  + " opentelemetry-exporter-sender-grpc-managed-channel), or use"
                  + " http/protobuf"));
    }
    return problems;
  }

  private static boolean grpcSenderAvailable() {
    try {
      return ServiceLoader.load(GrpcSenderProvider.class, TracingSettings.class.getClassLoader())
          .iterator()
          .hasNext();
    } catch (ServiceConfigurationError e) {
      return false;
    }
  }

  private static List<String> exporterNames(ObservabilityConfig config) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : config.get(TracingConfig.EXPORTER)) {
      String lower = name.toLowerCase(Locale.ROOT);
      names.add(lower.equals("console") ? "logging" : lower);
    }
    return List.copyOf(names);
  }

  private static List<String> propagatorNames(ObservabilityConfig config) {
    Set<String> names = new LinkedHashSet<>();
    for (String name : config.get(TracingConfig.PROPAGATORS)) {
      names.add(name.toLowerCase(Locale.ROOT));
    }
    return List.copyOf(names);
  }
}
