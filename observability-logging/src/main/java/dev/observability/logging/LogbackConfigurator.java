package dev.observability.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.DefaultJoranConfigurator;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import dev.observability.ConfigKey;
import dev.observability.ConfigurationException;
import dev.observability.ObservabilityConfig;
import dev.observability.ServiceInfo;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Logback's {@link Configurator} service, so that a service's log output is JSON from its first
 * line: the lines Micrometer, Jetty, a connection pool or the host itself write before {@code
 * Observability.start()} (and while it runs, before the logging module starts) are JSON objects
 * like every later one, not Logback's default plain text. Logback finds it through {@code
 * META-INF/services/ch.qos.logback.classic.spi.Configurator} when it initialises, at the process's
 * first {@code LoggerFactory} call.
 *
 * <p>It then:
 *
 * <ol>
 *   <li>does nothing with {@code logging.auto-configure=false}: Logback goes on as it does without
 *       this class (a configuration file, else its plain-text console at DEBUG);
 *   <li>lets Logback look for the host's configuration as it always does ({@code
 *       logback.configurationFile}, {@code logback-test.xml}, {@code logback.xml}), and when there
 *       is one, Logback applies it and this class adds nothing;
 *   <li>otherwise attaches one console appender, {@value #APPENDER_NAME}, to the root logger,
 *       writing to standard output in {@code logging.format} ({@link JsonEncoder} by default, else
 *       {@link EcsEncoder} or {@link TextEncoder}) with the service's name, environment and
 *       version, and sets the root level to {@code logging.level} ({@code info}, where Logback's
 *       own default is {@code debug}). With {@code logging.console=false} and {@code
 *       logging.exporter=otlp} it attaches no appender, so nothing is written to standard output.
 * </ol>
 *
 * <p>Builder values are not known this early: settings come from system properties and the
 * environment ({@link ObservabilityConfig#beforeStart()}), and a value that is invalid there is
 * taken at its default here (the problem is reported by {@code start()}). The lines use the
 * scrubber's default policy until the logging module starts, as any encoder declared in {@code
 * logback.xml} does.
 *
 * <p>When {@code start()} runs, the logging module takes this appender for "no configuration of the
 * host's own" and replaces it with its own console output (batched, with the instance's scrubber
 * and service); {@code close()} puts this appender and its level back, so whatever is logged after
 * {@code close()} is still JSON.
 *
 * <p>Logback calls {@link #configure} once, on the thread that initialises it. It never throws: a
 * failure is reported to Logback's status manager and Logback's own configuration runs instead.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_LOW_PRIORITY)
public final class LogbackConfigurator extends ContextAwareBase implements Configurator {

  /** Name of the console appender installed before {@code start()}. */
  public static final String APPENDER_NAME = "OBSERVABILITY_STARTUP";

  private final ObservabilityConfig config;

  /** The configurator Logback instantiates, reading this process's configuration. */
  public LogbackConfigurator() {
    this(null);
  }

  /**
   * A configurator reading {@code config} instead of this process's system properties and
   * environment.
   */
  LogbackConfigurator(@Nullable ObservabilityConfig config) {
    this.config = config != null ? config : ObservabilityConfig.beforeStart();
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    try {
      if (!read(LoggingConfig.AUTO_CONFIGURE)) {
        addInfo("logging.auto-configure is false: leaving Logback's configuration to Logback");
        return ExecutionStatus.INVOKE_NEXT_IF_ANY;
      }
      DefaultJoranConfigurator joran = new DefaultJoranConfigurator();
      joran.setContext(context);
      if (joran.configure(context) == ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY) {
        // The host's configuration file was found and applied: it is the host's to keep.
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
      }
      install(context);
      return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    } catch (RuntimeException | LinkageError e) {
      addError(
          "observability: could not configure Logback before start(); Logback's own"
              + " configuration runs instead",
          e);
      return ExecutionStatus.INVOKE_NEXT_IF_ANY;
    }
  }

  /**
   * Whether {@code appender} is the one this configurator installs: for the logging module, which
   * replaces it at {@code start()} as it replaces Logback's default console.
   *
   * @param appender an appender attached to Logback's root logger
   * @return true when it is this configurator's console appender
   */
  public static boolean isStartupAppender(Appender<ILoggingEvent> appender) {
    return APPENDER_NAME.equals(appender.getName())
        && appender instanceof ConsoleAppender<ILoggingEvent>;
  }

  private void install(LoggerContext context) {
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(read(LoggingConfig.LEVEL), Level.INFO));
    boolean otlpOnly =
        !read(LoggingConfig.CONSOLE)
            && read(LoggingConfig.EXPORTER).stream()
                .anyMatch(e -> e.toLowerCase(Locale.ROOT).equals("otlp"));
    LogFormat format = read(LoggingConfig.FORMAT);
    if (otlpOnly) {
      addInfo("observability: logging.console=false with logging.exporter=otlp: no console");
      return;
    }
    Encoder<ILoggingEvent> encoder = encoder(format, service());
    encoder.setContext(context);
    encoder.start();
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(APPENDER_NAME);
    console.setEncoder(encoder);
    console.start();
    root.addAppender(console);
    addInfo(
        "observability: no Logback configuration found; writing "
            + format.name().toLowerCase(Locale.ROOT)
            + " lines to standard output until Observability.start()");
  }

  private Encoder<ILoggingEvent> encoder(LogFormat format, ServiceInfo service) {
    int maxFrames = read(LoggingConfig.EXCEPTION_MAX_FRAMES);
    int maxCauses = read(LoggingConfig.EXCEPTION_MAX_CAUSES);
    int maxLength = read(LoggingConfig.EXCEPTION_MAX_LENGTH);
    if (format == LogFormat.TEXT) {
      TextEncoder text = new TextEncoder();
      text.setMaxStackFrames(maxFrames);
      text.setMaxCauses(maxCauses);
      text.setMaxStackTraceLength(maxLength);
      return text;
    }
    if (format == LogFormat.ECS) {
      EcsEncoder ecs = new EcsEncoder();
      ecs.setMaxEventSize(read(LoggingConfig.MAX_EVENT_SIZE));
      ecs.setCallerData(read(LoggingConfig.CALLER_DATA));
      ecs.setMaxStackFrames(maxFrames);
      ecs.setMaxCauses(maxCauses);
      ecs.setMaxStackTraceLength(maxLength);
      ecs.setServiceName(service.name());
      ecs.setServiceEnvironment(service.environment());
      ecs.setServiceVersion(service.version());
      return ecs;
    }
    JsonEncoder json = new JsonEncoder();
    json.setMaxEventSize(read(LoggingConfig.MAX_EVENT_SIZE));
    json.setCallerData(read(LoggingConfig.CALLER_DATA));
    json.setMaxStackFrames(maxFrames);
    json.setMaxCauses(maxCauses);
    json.setMaxStackTraceLength(maxLength);
    json.setService(service.name());
    json.setEnvironment(service.environment());
    json.setVersion(service.version());
    return json;
  }

  private ServiceInfo service() {
    try {
      return ServiceInfo.from(config);
    } catch (ConfigurationException e) {
      // start() reports the bad value; until then the lines say who is writing as best they can.
      return new ServiceInfo("unknown_service:java", "production", "unknown", Map.of());
    }
  }

  /** The value of {@code key}, or its default when the configured value is invalid. */
  private <T> T read(ConfigKey<T> key) {
    try {
      return config.get(key);
    } catch (ConfigurationException e) {
      // Info, not a warning: Logback would print its whole status list as plain text on a
      // warning, and start() reports the value as an error anyway.
      addInfo("observability: " + e.getMessage() + "; using the default until start()");
      T fallback = key.defaultValue();
      if (fallback == null) {
        throw e;
      }
      return fallback;
    }
  }
}
