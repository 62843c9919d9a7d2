package dev.observability.tracing;

import dev.observability.ConfigKey;
import dev.observability.internal.OtlpConfig;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The configuration keys the tracing module reads. Each is set through the builder, a system
 * property ({@code observability.} + name), an {@code OBSERVABILITY_*} variable or, where named,
 * the standard OpenTelemetry variable; {@code docs/configuration.md} lists them all.
 *
 * <p>Immutable constants; thread-safe.
 */
public final class TracingConfig {

  /** Exporter names accepted by {@link #EXPORTER}. */
  public static final Set<String> EXPORTERS = Set.of("otlp", "logging", "console", "none");

  /** Which exporters receive kept spans. */
  public static final ConfigKey<List<String>> EXPORTER =
      ConfigKey.stringList("tracing.exporter", List.of())
          .withStandardEnvironmentVariables("OTEL_TRACES_EXPORTER")
          .validate(
              list -> list.stream().allMatch(e -> EXPORTERS.contains(e.toLowerCase(Locale.ROOT))),
              "must be otlp, logging or none (comma-separated)")
          .describedAs(
              "Span exporters: otlp, logging (one scrubbed log line per span) or none. Default:"
                  + " otlp when an OTLP endpoint is configured, else none.");

  /** The OTLP base endpoint; {@code /v1/traces} is appended for http/protobuf. */
  public static final ConfigKey<String> OTLP_ENDPOINT =
      OtlpConfig.endpointKey("tracing.otlp.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT")
          .describedAs(
              "OTLP base endpoint, e.g. http://collector:4318; /v1/traces is appended for"
                  + " http/protobuf.");

  /** The OTLP traces endpoint, used as it is. */
  public static final ConfigKey<String> OTLP_TRACES_ENDPOINT =
      OtlpConfig.endpointKey("tracing.otlp.traces-endpoint", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
          .describedAs("OTLP traces endpoint, used as it is; wins over tracing.otlp.endpoint.");

  /** The OTLP protocol. */
  public static final ConfigKey<String> OTLP_PROTOCOL =
      OtlpConfig.protocolKey("tracing.otlp.protocol", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
          .describedAs(
              "OTLP protocol: http/protobuf (JDK HttpURLConnection) or grpc (needs a gRPC sender such as"
                  + " opentelemetry-exporter-sender-okhttp on the class path).");

  /**
   * Headers sent with every export, as {@code key=value} pairs (values percent-encoded). Read as
   * text and parsed by the module, so that an invalid value is never echoed in an error message.
   */
  public static final ConfigKey<String> OTLP_HEADERS =
      ConfigKey.string("tracing.otlp.headers", null)
          .withStandardEnvironmentVariables(
              "OTEL_EXPORTER_OTLP_TRACES_HEADERS", "OTEL_EXPORTER_OTLP_HEADERS")
          .secret()
          .describedAs(
              "Headers for every export (e.g. api-key=...), comma-separated key=value pairs."
                  + " Values are never logged.");

  /** The timeout of one export request. */
  public static final ConfigKey<Duration> OTLP_TIMEOUT =
      ConfigKey.duration("tracing.otlp.timeout", Duration.ofSeconds(10), Duration.ofMinutes(5))
          .withStandardEnvironmentVariables(
              "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT", "OTEL_EXPORTER_OTLP_TIMEOUT")
          .describedAs("Timeout of one OTLP export request (a bare number is milliseconds).");

  /** The compression of export requests. */
  public static final ConfigKey<String> OTLP_COMPRESSION =
      OtlpConfig.compressionKey("tracing.otlp.compression", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION")
          .describedAs("Compression of OTLP requests: gzip or none.");

  /** Whether failed exports are retried with backoff. */
  public static final ConfigKey<Boolean> OTLP_RETRY =
      ConfigKey.bool("tracing.otlp.retry", true)
          .describedAs(
              "Retry retryable export failures (up to 5 attempts, exponential backoff), on the"
                  + " export thread.");

  /** The share of healthy traces kept. */
  public static final ConfigKey<Double> SAMPLE_RATIO =
      ConfigKey.ratio("tracing.sample-ratio", 0.1)
          .describedAs(
              "Share of traces kept that no other policy keeps, decided from the trace id so"
                  + " every service agrees.");

  /** The duration above which a local root is kept. */
  public static final ConfigKey<Duration> LATENCY_THRESHOLD =
      ConfigKey.duration("tracing.latency-threshold", Duration.ofSeconds(1), Duration.ofHours(1))
          .describedAs("A trace whose local root lasts longer than this is kept.");

  /** Whether a sampled inbound parent keeps the fragment. */
  public static final ConfigKey<Boolean> RESPECT_PARENT_SAMPLED =
      ConfigKey.bool("tracing.respect-parent-sampled", true)
          .describedAs("Keep a fragment whose inbound traceparent has the sampled flag.");

  /** Cap on trace fragments buffered while waiting for their local root. */
  public static final ConfigKey<Integer> MAX_BUFFERED_TRACES =
      ConfigKey.integer("tracing.max-buffered-traces", 2048, 1, 1_000_000)
          .describedAs("Most trace fragments buffered at once while their local root runs.");

  /** Cap on the spans buffered for one trace fragment. */
  public static final ConfigKey<Integer> MAX_SPANS_PER_TRACE =
      ConfigKey.integer("tracing.max-spans-per-trace", 1000, 1, 1_000_000)
          .describedAs("Most spans buffered for one trace fragment.");

  /** Cap on the spans buffered in all. */
  public static final ConfigKey<Integer> MAX_BUFFERED_SPANS =
      ConfigKey.integer("tracing.max-buffered-spans", 10_000, 1, 10_000_000)
          .describedAs("Most spans buffered at once, over all fragments.");

  /** How long a fragment waits for its local root. */
  public static final ConfigKey<Duration> FRAGMENT_TTL =
      ConfigKey.duration("tracing.fragment-ttl", Duration.ofSeconds(30), Duration.ofHours(1))
          .describedAs(
              "A fragment whose local root has not ended after this long is decided on what it"
                  + " holds (error, else ratio).");

  /** How many decided trace ids are remembered for spans that end late. */
  public static final ConfigKey<Integer> DECISION_CACHE_SIZE =
      ConfigKey.integer("tracing.decision-cache-size", 16_384, 16, 1 << 24)
          .describedAs(
              "Decided trace ids remembered so that spans ending after their root follow the"
                  + " decision (rounded up to a power of two).");

  /** Propagator names accepted by {@link #PROPAGATORS}. */
  public static final Set<String> PROPAGATOR_NAMES = Set.of("tracecontext", "baggage", "none");

  /** Which context propagators read inbound and write outbound headers, in order. */
  public static final ConfigKey<List<String>> PROPAGATORS =
      ConfigKey.stringList("tracing.propagators", List.of("tracecontext", "baggage"))
          .withStandardEnvironmentVariables("OTEL_PROPAGATORS")
          .validate(
              list ->
                  list.stream()
                      .allMatch(p -> PROPAGATOR_NAMES.contains(p.toLowerCase(Locale.ROOT))),
              "must be tracecontext, baggage or none (comma-separated); b3, b3multi, jaeger,"
                  + " xray and ottrace are not supported")
          .describedAs(
              "Context propagators, in order: tracecontext (W3C traceparent and tracestate),"
                  + " baggage (W3C baggage), or none.");

  /** Which edition of W3C Trace Context the {@code tracecontext} propagator follows. */
  public static final ConfigKey<Integer> TRACECONTEXT_LEVEL =
      ConfigKey.integer("tracing.tracecontext.level", 2, 1, 2)
          .describedAs(
              "W3C Trace Context edition for tracestate keys, repeated keys and trace flags: 2"
                  + " (current draft) or 1 (Recommendation).");

  /** Whether HTTP responses carry the server span's {@code traceparent}. */
  public static final ConfigKey<Boolean> RESPONSE_TRACEPARENT =
      ConfigKey.bool("tracing.response-traceparent", true)
          .describedAs("Write the server span's traceparent on HTTP responses.");

  /** Whether responses of kept failing, slow or downstream-kept requests say so. */
  public static final ConfigKey<Boolean> TRACERESPONSE =
      ConfigKey.bool("tracing.traceresponse", true)
          .describedAs(
              "Write traceresponse: 00-{trace id}-{span id}-01 (W3C Trace Context Level 2) on a"
                  + " response whose trace fragment is kept for an error, its latency or a"
                  + " downstream keep, when the response is not yet committed at the server"
                  + " span's end, so that the caller keeps its fragment too.");

  /** Whether such responses also carry the keep in {@code Server-Timing}. */
  public static final ConfigKey<Boolean> SERVER_TIMING =
      ConfigKey.bool("tracing.server-timing", false)
          .describedAs(
              "Also write Server-Timing: traceparent;desc=\"00-...-01\" on those responses"
                  + " (a header browsers let scripts read).");

  /** Whether a callee's keep keeps the caller's fragment. */
  public static final ConfigKey<Boolean> RESPECT_DOWNSTREAM =
      ConfigKey.bool("tracing.respect-downstream", true)
          .describedAs(
              "Keep a fragment (policy downstream) when an outbound call's response says, with"
                  + " traceresponse or Server-Timing, that the callee kept the same trace.");

  /** Capacity of the export queue. */
  public static final ConfigKey<Integer> EXPORT_MAX_QUEUE_SIZE =
      ConfigKey.integer("tracing.export.max-queue-size", 2048, 1, 1_000_000)
          .withStandardEnvironmentVariables("OTEL_BSP_MAX_QUEUE_SIZE")
          .describedAs("Kept spans waiting for export; beyond it spans are dropped and counted.");

  /** Spans per export request. */
  public static final ConfigKey<Integer> EXPORT_MAX_BATCH_SIZE =
      ConfigKey.integer("tracing.export.max-batch-size", 512, 1, 1_000_000)
          .withStandardEnvironmentVariables("OTEL_BSP_MAX_EXPORT_BATCH_SIZE")
          .describedAs("Most spans in one export request.");

  /** Longest wait before a partial batch is exported. */
  public static final ConfigKey<Duration> EXPORT_SCHEDULE_DELAY =
      ConfigKey.duration(
              "tracing.export.schedule-delay", Duration.ofSeconds(5), Duration.ofMinutes(10))
          .withStandardEnvironmentVariables("OTEL_BSP_SCHEDULE_DELAY")
          .describedAs("Longest time a kept span waits before its batch is exported.");

  /** How long the export thread waits for one export. */
  public static final ConfigKey<Duration> EXPORT_TIMEOUT =
      ConfigKey.duration("tracing.export.timeout", Duration.ofSeconds(30), Duration.ofMinutes(10))
          .withStandardEnvironmentVariables("OTEL_BSP_EXPORT_TIMEOUT")
          .describedAs("How long the export thread waits for one export before moving on.");

  /** Every key of the module. */
  public static final List<ConfigKey<?>> ALL =
      List.of(
          EXPORTER,
          OTLP_ENDPOINT,
          OTLP_TRACES_ENDPOINT,
          OTLP_PROTOCOL,
          OTLP_HEADERS,
          OTLP_TIMEOUT,
          OTLP_COMPRESSION,
          OTLP_RETRY,
          SAMPLE_RATIO,
          LATENCY_THRESHOLD,
          RESPECT_PARENT_SAMPLED,
          MAX_BUFFERED_TRACES,
          MAX_SPANS_PER_TRACE,
          MAX_BUFFERED_SPANS,
          FRAGMENT_TTL,
          DECISION_CACHE_SIZE,
          PROPAGATORS,
          TRACECONTEXT_LEVEL,
          RESPONSE_TRACEPARENT,
          TRACERESPONSE,
          SERVER_TIMING,
          RESPECT_DOWNSTREAM,
          EXPORT_MAX_QUEUE_SIZE,
          EXPORT_MAX_BATCH_SIZE,
          EXPORT_SCHEDULE_DELAY,
          EXPORT_TIMEOUT);

  private TracingConfig() {}
}
