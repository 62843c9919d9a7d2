package dev.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.Status;
import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.Observability;
import dev.observability.ObservabilityConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LogbackConfiguratorTest {

  private LogbackTestSupport.StdOut out;
  private final List<LoggerContext> contexts = new ArrayList<>();

  @BeforeEach
  void captureStdout() {
    out = new LogbackTestSupport.StdOut();
  }

  @AfterEach
  void restore() {
    contexts.forEach(LoggerContext::stop);
    out.close();
    System.clearProperty("logback.configurationFile");
    LogbackTestSupport.resetToDefault();
  }

  /** A fresh Logback context, as the process has before Logback initialises. */
  private LoggerContext newContext() {
    LoggerContext context = new LoggerContext();
    context.setName("test-" + contexts.size());
    // As SLF4J's Logback provider sets it on the context it initialises.
    context.setMDCAdapter(new LogbackMDCAdapter());
    contexts.add(context);
    return context;
  }

  private static ExecutionStatus configure(LoggerContext context, Map<String, String> env) {
    LogbackConfigurator configurator =
        new LogbackConfigurator(ObservabilityConfig.beforeStart(Map.of(), env));
    configurator.setContext(context);
    return configurator.configure(context);
  }

  private static List<String> rootAppenders(LoggerContext context) {
    List<String> names = new ArrayList<>();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      names.add(it.next().getName());
    }
    return names;
  }

  private List<JsonNode> lines() {
    return JsonLines.parseAll(out.text());
  }

  @Test
  void withoutHostConfiguration_theFirstLinesAreJson_atInfo_withTheServiceFromTheEnvironment() {
    LoggerContext context = newContext();

    ExecutionStatus status =
        configure(
            context,
            Map.of(
                "OTEL_SERVICE_NAME",
                "orders",
                "OTEL_RESOURCE_ATTRIBUTES",
                "deployment.environment.name=staging,service.version=1.4.2"));
    context.getLogger("org.eclipse.jetty.server.Server").info("jetty-12 started");
    context.getLogger("com.zaxxer.hikari.HikariDataSource").debug("pool details");
    context
        .getLogger("com.example.Main")
        .info("connecting with password=hunter2", new IllegalStateException("not yet"));

    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    assertThat(rootAppenders(context)).containsExactly(LogbackConfigurator.APPENDER_NAME);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    List<JsonNode> lines = lines();
    assertThat(lines).hasSize(2);
    JsonNode jetty = lines.get(0);
    assertThat(jetty.get("message").asText()).isEqualTo("jetty-12 started");
    assertThat(jetty.get("logger").asText()).isEqualTo("org.eclipse.jetty.server.Server");
    assertThat(jetty.get("service").asText()).isEqualTo("orders");
    assertThat(jetty.get("environment").asText()).isEqualTo("staging");
    assertThat(jetty.get("version").asText()).isEqualTo("1.4.2");
    JsonNode host = lines.get(1);
    assertThat(host.get("message").asText()).doesNotContain("hunter2");
    assertThat(host.get("exception").get("type").asText())
        .isEqualTo("java.lang.IllegalStateException");
  }

  @Test
  void withAHostConfigurationFile_logbackAppliesIt_andNothingIsAdded(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("host-logback.xml");
    Files.writeString(
        file,
        """
        <configuration>
          <appender name="HOST" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>HOST %level %msg%n</pattern></encoder>
          </appender>
          <root level="WARN"><appender-ref ref="HOST"/></root>
        </configuration>
        """);
    System.setProperty("logback.configurationFile", file.toString());
    LoggerContext context = newContext();

    ExecutionStatus status = configure(context, Map.of());
    context.getLogger("com.example.Main").warn("host format");

    assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
    assertThat(rootAppenders(context)).containsExactly("HOST");
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
    assertThat(out.text()).isEqualTo("HOST WARN host format" + System.lineSeparator());
  }

  @Test
  void autoConfigureOff_leavesTheConfigurationToLogback() {
    LoggerContext context = newContext();

    ExecutionStatus status =
        configure(context, Map.of("OBSERVABILITY_LOGGING_AUTO_CONFIGURE", "false"));

    assertThat(status).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
    assertThat(rootAppenders(context)).isEmpty();
  }

  @Test
  void ecsFormat_isWrittenFromTheFirstLine() {
    LoggerContext context = newContext();

    configure(context, Map.of("OBSERVABILITY_LOGGING_FORMAT", "ecs", "OTEL_SERVICE_NAME", "cart"));
    context.getLogger("com.example.Main").info("starting");

    JsonNode line = lines().get(0);
    assertThat(line.fieldNames().next()).isEqualTo("@timestamp");
    assertThat(line.get("service.name").asText()).isEqualTo("cart");
    assertThat(line.get("message").asText()).isEqualTo("starting");
  }

  @Test
  void otlpInsteadOfTheConsole_writesNothingToStandardOutput() {
    LoggerContext context = newContext();

    configure(
        context, Map.of("OTEL_LOGS_EXPORTER", "otlp", "OBSERVABILITY_LOGGING_CONSOLE", "false"));
    context.getLogger("com.example.Main").info("starting");

    assertThat(rootAppenders(context)).isEmpty();
    assertThat(out.text()).isEmpty();
  }

  @Test
  void invalidValues_takeTheirDefaults_withoutAWarningThatLogbackWouldPrintAsText() {
    LoggerContext context = newContext();

    configure(
        context,
        Map.of(
            "OBSERVABILITY_LOGGING_LEVEL", "loud",
            "OBSERVABILITY_LOGGING_FORMAT", "xml",
            "OBSERVABILITY_SERVICE_NAME", "bad\nname"));
    context.getLogger("com.example.Main").info("still json");

    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    JsonNode line = lines().get(0);
    assertThat(line.get("message").asText()).isEqualTo("still json");
    assertThat(line.get("service").asText()).isEqualTo("unknown_service:java");
    assertThat(context.getStatusManager().getCopyOfStatusList())
        .extracting(Status::getLevel)
        .containsOnly(Status.INFO);
  }

  @Test
  void logbackFindsTheConfiguratorAsAService() throws Exception {
    LoggerContext context = newContext();

    new ContextInitializer(context).autoConfig();

    assertThat(rootAppenders(context)).containsExactly(LogbackConfigurator.APPENDER_NAME);
  }

  @Test
  void start_replacesTheStartupOutput_andCloseRestoresIt() {
    LoggerContext context = LogbackTestSupport.context();
    context.reset();
    configure(context, Map.of("OTEL_SERVICE_NAME", "orders"));
    org.slf4j.Logger logger = LoggerFactory.getLogger("com.example.Main");
    logger.info("before start");

    Observability obs = LogbackTestSupport.builder().start();
    try {
      assertThat(rootAppenders(context)).containsExactly("OBSERVABILITY_CONSOLE");
      logger.info("while running");
    } finally {
      obs.close();
    }
    assertThat(rootAppenders(context)).containsExactly(LogbackConfigurator.APPENDER_NAME);
    assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    logger.info("after close");

    List<JsonNode> lines = lines();
    assertThat(lines)
        .extracting(l -> l.get("message").asText())
        .containsSubsequence("before start", "while running", "after close");
    assertThat(lines)
        .filteredOn(l -> l.get("message").asText().equals("while running"))
        .singleElement()
        .satisfies(l -> assertThat(l.get("service").asText()).isEqualTo("orders"));
  }
}
