package dev.observability.logging;

import dev.observability.ConfigKey;
import dev.observability.ObservabilityConfig;
import dev.observability.logging.internal.DebugOnErrorInstallation;
import dev.observability.logging.internal.DebugOnErrorSettings;
import dev.observability.logging.internal.EcsTransactionHandler;
import dev.observability.logging.internal.LogCounters;
import dev.observability.logging.internal.LogbackInstallation;
import dev.observability.logging.internal.LoggingObservationHandler;
import dev.observability.logging.internal.LoggingRuntime;
import dev.observability.logging.internal.LoggingSettings;
import dev.observability.logging.internal.OtlpLogInstallation;
import dev.observability.logging.internal.OtlpLogSettings;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * The logging module, found on the class path by the facade. When the facade starts it:
 *
 * <ul>
 *   <li>publishes the instance's scrubber and service for encoders declared in {@code logback.xml};
 *   <li>when the host has no Logback configuration of its own, replaces Logback's default console
 *       output with a {@link BatchingAppender} on stdout (a plain console appender with {@code
 *       logging.async=false}) using {@link JsonEncoder} (or {@link TextEncoder} with {@code
 *       logging.format=text}, {@link EcsEncoder} with {@code logging.format=ecs}), and sets the
 *       root level ({@code logging.level}); a host configuration is left alone;
 *   <li>installs {@link LogVolumeFilter} when sampling or rate limiting is configured;
 *   <li>with {@code logging.exporter=otlp} ({@code OTEL_LOGS_EXPORTER}), attaches an appender that
 *       sends every event also as an OTLP log record (scrubbed, batched through a bounded queue,
 *       flushed at close), or only so with {@code logging.console=false};
 *   <li>adds the observation handler that keeps {@code trace_id}, {@code span_id} and {@code
 *       request_id} in the MDC and writes the access log;
 *   <li>with {@code logging.debug-on-error}, holds each HTTP request's DEBUG lines and writes them
 *       only if the request fails;
 *   <li>registers {@code observability_log_events_suppressed_total{reason}} and {@code
 *       observability_log_encode_failures_total}.
 * </ul>
 *
 * <p>On close it restores what it replaced. See {@code docs/logging.md}.
 */
public final class LoggingModule implements ObservabilityModule {

  /** Meter of events not written, by {@code reason}. */
  public static final String SUPPRESSED_METER = "observability.log.events.suppressed";

  /** Meter of events the encoder failed on. */
  public static final String ENCODE_FAILURES_METER = "observability.log.encode.failures";

  /** Public no-argument constructor for {@link java.util.ServiceLoader}. */
  public LoggingModule() {}

  @Override
  public String name() {
    return "logging";
  }

  @Override
  public int order() {
    return ORDER_LOGGING;
  }

  @Override
  public int handlerOrder() {
    return HANDLER_ORDER_LOGGING;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return LoggingConfig.ALL;
  }

  @Override
  public List<String> validate(ObservabilityConfig config) {
    return OtlpLogSettings.problems(config);
  }

  @Override
  public void start(ModuleContext context) {
    LoggingSettings settings = LoggingSettings.from(context.config());
    LoggingRuntime.State state = LoggingRuntime.activate(context.scrubber(), context.service());
    context.onClose(() -> LoggingRuntime.deactivate(state));
    boolean otlp = OtlpLogSettings.enabled(context.config());
    boolean console = context.config().get(LoggingConfig.CONSOLE);
    LogbackInstallation installation =
        LogbackInstallation.install(
            otlp && !console ? settings.withoutConsole() : settings, context.scrubber());
    context.onClose(installation);
    if (otlp) {
      // Closed before the console installation: the last lines of the other modules' close are
      // still exported, then the queue is flushed.
      context.onClose(
          OtlpLogInstallation.install(
              OtlpLogSettings.from(context.config()),
              settings,
              !console,
              context.service(),
              context.scrubber(),
              context.meterRegistry()));
    }
    DebugOnErrorSettings debugOnError = DebugOnErrorSettings.from(context.config());
    if (debugOnError.enabled()) {
      context.onClose(
          DebugOnErrorInstallation.install(
              context.observationRegistry(),
              debugOnError,
              settings.callerData(),
              e -> context.reportInternalError(context.moduleName(), e)));
    }
    context.addObservationHandler(
        new LoggingObservationHandler(
            settings.accessLog(), context.scrubber(), debugOnError.enabled()));
    if (settings.format() == LogFormat.ECS) {
      context.addObservationHandler(new EcsTransactionHandler());
    }
    registerMeters(context.meterRegistry());
  }

  private static void registerMeters(MeterRegistry registry) {
    suppressed(registry, "sampled", LogCounters.SAMPLED);
    suppressed(registry, "rate_limited", LogCounters.RATE_LIMITED);
    suppressed(registry, "queue_full", LogCounters.QUEUE_FULL);
    suppressed(registry, "shutdown", LogCounters.SHUTDOWN);
    suppressed(registry, "write_failed", LogCounters.WRITE_FAILED);
    suppressed(registry, "debug_buffer_full", LogCounters.DEBUG_BUFFER_FULL);
    FunctionCounter.builder(ENCODE_FAILURES_METER, LogCounters.ENCODE_FAILURES, LongAdder::sum)
        .description("Log events the encoder failed on and wrote as a minimal line")
        .register(registry);
  }

  private static void suppressed(MeterRegistry registry, String reason, LongAdder counter) {
    FunctionCounter.builder(SUPPRESSED_METER, counter, LongAdder::sum)
        .description("Log events not written, by reason")
        .tag("reason", reason)
        .register(registry);
  }
}
