package dev.observability.logging;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.BasicConfigurator;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.joran.spi.JoranException;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.slf4j.LoggerFactory;

/** The process's Logback context, standard output capture and an isolated facade builder. */
final class LogbackTestSupport {

  private LogbackTestSupport() {}

  static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }

  static Logger root() {
    return context().getLogger(Logger.ROOT_LOGGER_NAME);
  }

  /** Puts Logback back in the state it has when the host ships no configuration. */
  static void resetToDefault() {
    LoggerContext context = context();
    context.reset();
    BasicConfigurator basic = new BasicConfigurator();
    basic.setContext(context);
    basic.configure(context);
  }

  /** Configures Logback from {@code xml} written to a file, as a host's logback.xml would. */
  static void configureFromFile(String xml, Path dir) {
    try {
      Path file = dir.resolve("logback.xml");
      Files.writeString(file, xml);
      LoggerContext context = context();
      context.reset();
      JoranConfigurator configurator = new JoranConfigurator();
      configurator.setContext(context);
      configurator.doConfigure(file.toUri().toURL());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JoranException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the facade's close thread ({@code observability-close}) is running code of {@code
   * className}, as when it waits there for an output or a collector that does not answer.
   */
  static void awaitCloseThreadIn(String className) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                Thread.getAllStackTraces().entrySet().stream()
                    .filter(e -> e.getKey().getName().equals("observability-close"))
                    .flatMap(e -> Arrays.stream(e.getValue()))
                    .anyMatch(frame -> frame.getClassName().equals(className)));
  }

  static List<String> rootAppenderNames() {
    List<String> names = new ArrayList<>();
    for (Iterator<Appender<ILoggingEvent>> it = root().iteratorForAppenders(); it.hasNext(); ) {
      names.add(it.next().getName());
    }
    return names;
  }

  static ObservabilityBuilder builder() {
    return builder(Map.of());
  }

  static ObservabilityBuilder builder(Map<String, String> environment) {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(environment)
        .discoverModules(false)
        .module(new LoggingModule())
        .property("shutdown.hook", "false")
        .serviceName("orders")
        .environment("test")
        .version("2.0.0");
  }

  /** Captures {@code System.out}, which Logback's console appender writes to at each event. */
  /** Writes out what the batching appenders attached to the root logger hold. */
  static void flushBatches() {
    for (var it = root().iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof BatchingAppender batching) {
        batching.flush();
      }
    }
  }

  static final class StdOut implements AutoCloseable {
    private final PrintStream original = System.out;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    StdOut() {
      System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    private int mark;

    /** Forgets what was written so far (Logback's own lines from before the module started). */
    void mark() {
      synchronized (bytes) {
        mark = bytes.size();
      }
    }

    /** What was written since {@link #mark()}, without flushing anything first. */
    String rawText() {
      synchronized (bytes) {
        byte[] all = bytes.toByteArray();
        return new String(all, mark, all.length - mark, StandardCharsets.UTF_8);
      }
    }

    /** What was written since {@link #mark()}, once the installed batching appender flushed. */
    String text() {
      flushBatches();
      synchronized (bytes) {
        byte[] all = bytes.toByteArray();
        return new String(all, mark, all.length - mark, StandardCharsets.UTF_8);
      }
    }

    @Override
    public void close() {
      System.setOut(original);
    }
  }
}
