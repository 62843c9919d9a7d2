package dev.observability.spring;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Context;
import dev.observability.ConfigKey;
import dev.observability.logging.JsonEncoder;
import dev.observability.logging.LoggingConfig;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.structured.StructuredLogFormatter;
import org.springframework.core.env.Environment;

/**
 * Spring Boot's console log format when the starter is on the class path: each event as one line of
 * the SDK's JSON ({@link JsonEncoder}, the log-line contract of {@code docs/signals.md}), from the
 * first line Spring Boot logs ({@code Starting ...}) to the last.
 *
 * <p>The starter names this class in {@code logging.structured.format.console} as a default, so it
 * applies to Spring Boot's own Logback set-up (no {@code logback-spring.xml} of the application's)
 * and a value the application sets wins: {@code logging.structured.format.console=} (empty) brings
 * back Spring Boot's pattern, {@code ecs} or {@code logstash} Spring Boot's own JSON.
 *
 * <p>Before the SDK instance starts (Spring Boot's first lines), {@code service}, {@code
 * environment} and {@code version} are read from the {@code Environment} as the instance will read
 * them ({@code observability.service.*}, {@code OTEL_SERVICE_NAME}, {@code
 * OTEL_RESOURCE_ATTRIBUTES}, {@code spring.application.name}), and the scrubber's default policy
 * applies; once it runs, the instance's own values and scrubber. {@code
 * observability.logging.max-event-size}, {@code caller-data} and {@code exception.*} size the
 * output as they do the SDK's own console appender.
 *
 * <p>Created by Spring Boot's logging system; thread-safe.
 */
public final class ObservabilityJsonFormatter implements StructuredLogFormatter<ILoggingEvent> {

  private static volatile boolean instanceRunning;

  private final JsonEncoder early;
  private final JsonEncoder live;

  /**
   * Called by Spring Boot's structured logging with the application's environment.
   *
   * @param environment where the service fields and sizes are read from
   */
  public ObservabilityJsonFormatter(Environment environment) {
    this.early = encoder(environment);
    early.setService(serviceName(environment));
    early.setEnvironment(deploymentEnvironment(environment));
    early.setVersion(serviceVersion(environment));
    early.start();
    this.live = encoder(environment);
    live.start();
  }

  /** Called by the auto-configuration when the instance starts and closes. */
  static void instanceRunning(boolean running) {
    instanceRunning = running;
  }

  @Override
  public String format(ILoggingEvent event) {
    return new String(formatAsBytes(event, StandardCharsets.UTF_8), StandardCharsets.UTF_8);
  }

  @Override
  public byte[] formatAsBytes(ILoggingEvent event, Charset charset) {
    // The encoder writes UTF-8 JSON (non-ASCII escaped where it must be); Spring Boot's console
    // charset is UTF-8 unless the application changes it.
    byte[] line = (instanceRunning ? live : early).encode(event);
    if (charset.equals(StandardCharsets.UTF_8)) {
      return line;
    }
    return new String(line, StandardCharsets.UTF_8).getBytes(charset);
  }

  private static JsonEncoder encoder(Environment environment) {
    JsonEncoder encoder = new JsonEncoder();
    if (LoggerFactory.getILoggerFactory() instanceof Context context) {
      // Where the encoder reports its own trouble: Logback's status manager.
      encoder.setContext(context);
    }
    encoder.setMaxEventSize(read(environment, LoggingConfig.MAX_EVENT_SIZE));
    encoder.setCallerData(read(environment, LoggingConfig.CALLER_DATA));
    encoder.setMaxStackFrames(read(environment, LoggingConfig.EXCEPTION_MAX_FRAMES));
    encoder.setMaxCauses(read(environment, LoggingConfig.EXCEPTION_MAX_CAUSES));
    encoder.setMaxStackTraceLength(read(environment, LoggingConfig.EXCEPTION_MAX_LENGTH));
    return encoder;
  }

  /**
   * The key's value from the environment, or its default when unset or invalid (the instance's
   * start-up reports an invalid value with its origin; logging must not fail before that).
   */
  private static <T> T read(Environment environment, ConfigKey<T> key) {
    T fallback = key.defaultValue();
    String raw = environment.getProperty("observability." + key.name());
    if (raw != null && !raw.isBlank()) {
      try {
        return key.parse(raw);
      } catch (IllegalArgumentException e) {
        // Reported with the origin when the instance starts.
      }
    }
    if (fallback == null) {
      throw new IllegalStateException(key.name() + " has no default");
    }
    return fallback;
  }

  private static String serviceName(Environment environment) {
    return first(
        environment.getProperty("observability.service.name"),
        environment.getProperty("OTEL_SERVICE_NAME"),
        resourceAttribute(environment, "service.name"),
        environment.getProperty("spring.application.name"),
        "unknown_service:java");
  }

  private static String deploymentEnvironment(Environment environment) {
    return first(
        environment.getProperty("observability.service.environment"),
        resourceAttribute(environment, "deployment.environment.name"),
        resourceAttribute(environment, "deployment.environment"),
        "production",
        "production");
  }

  private static String serviceVersion(Environment environment) {
    return first(
        environment.getProperty("observability.service.version"),
        resourceAttribute(environment, "service.version"),
        "unknown",
        "unknown",
        "unknown");
  }

  private static @Nullable String resourceAttribute(Environment environment, String name) {
    String attributes =
        first(
            environment.getProperty("observability.resource.attributes"),
            environment.getProperty("OTEL_RESOURCE_ATTRIBUTES"),
            "",
            "",
            "");
    for (String pair : attributes.split(",")) {
      int eq = pair.indexOf('=');
      if (eq > 0 && pair.substring(0, eq).trim().equals(name)) {
        return pair.substring(eq + 1).trim();
      }
    }
    return null;
  }

  private static String first(
      @Nullable String a,
      @Nullable String b,
      @Nullable String c,
      @Nullable String d,
      String otherwise) {
    for (String value : new String[] {a, b, c, d}) {
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return otherwise;
  }
}
