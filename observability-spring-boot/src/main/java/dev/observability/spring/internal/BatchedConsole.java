package dev.observability.spring.internal;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.joran.util.ConfigurationWatchListUtil;
import ch.qos.logback.core.status.InfoStatus;
import dev.observability.Observability;
import dev.observability.ObservabilityConfig;
import dev.observability.logging.BatchingAppender;
import dev.observability.logging.JsonEncoder;
import dev.observability.logging.LoggingConfig;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;

/**
 * The SDK's batching console in place of Spring Boot's console appender, while the instance runs.
 *
 * <p>Spring Boot's own Logback set-up writes its console through a {@link ConsoleAppender}: one
 * {@code write} to standard output per line, on the thread that logs it, the request threads
 * included (the service's lines and the access line). Where that console writes the SDK's JSON
 * ({@code logging.structured.format.console} names {@code ObservabilityJsonFormatter}, the
 * starter's default), the same lines are written by the logging module's {@link BatchingAppender}
 * instead, as the SDK's own console is: encoded on the logging thread into a bounded buffer,
 * written by a background thread in one {@code write} per batch, WARN and ERROR never dropped,
 * flushed on close. The console appender's filters (Spring Boot's {@code
 * logging.threshold.console}) go with it.
 *
 * <p>Left alone, and Spring Boot's console keeps writing: with {@code observability.logging.async}
 * or {@code observability.logging.auto-configure} false, without the logging module, with a Logback
 * configuration file of the application's ({@code logback-spring.xml}, {@code logging.config}),
 * with another console format or a console charset other than UTF-8, or when Spring Boot's console
 * appender is not found as Spring Boot makes it. {@link #destroy()} puts Spring Boot's appender
 * back (before the instance closes, so that the last lines of the context's close are written as
 * they are logged) and flushes the batches.
 */
public final class BatchedConsole implements DisposableBean {

  /** The name Spring Boot gives its console appender. */
  static final String SPRING_CONSOLE = "CONSOLE";

  /** The name of the appender put in its place. */
  public static final String NAME = "OBSERVABILITY_CONSOLE";

  private final @Nullable Logger root;
  private final @Nullable ConsoleAppender<ILoggingEvent> replaced;
  private final @Nullable BatchingAppender installed;

  private BatchedConsole(
      @Nullable Logger root,
      @Nullable ConsoleAppender<ILoggingEvent> replaced,
      @Nullable BatchingAppender installed) {
    this.root = root;
    this.replaced = replaced;
    this.installed = installed;
  }

  /**
   * Puts the batching console in place of Spring Boot's, where the class description says so.
   *
   * @param observability the running instance, whose configuration and scrubber the lines use
   * @param environment Spring's environment
   * @return what to undo when the context closes
   */
  public static BatchedConsole install(Observability observability, Environment environment) {
    ObservabilityConfig config = observability.config();
    if (!observability.modules().contains("logging")
        || !config.get(LoggingConfig.ASYNC)
        || !config.get(LoggingConfig.AUTO_CONFIGURE)
        || !ObservabilityEnvironmentPostProcessor.FORMATTER.equals(
            environment.getProperty(ObservabilityEnvironmentPostProcessor.CONSOLE_FORMAT))
        || environment.getProperty("logging.config") != null
        || !isUtf8(environment.getProperty("logging.charset.console"))
        || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
        || ConfigurationWatchListUtil.getMainWatchURL(context) != null) {
      return new BatchedConsole(null, null, null);
    }
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    if (!(root.getAppender(SPRING_CONSOLE) instanceof ConsoleAppender<ILoggingEvent> console)
        || !console.isStarted()
        || !"System.out".equals(console.getTarget())
        || !(console.getEncoder() instanceof StructuredLogEncoder)) {
      return new BatchedConsole(null, null, null);
    }

    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.setMaxEventSize(config.get(LoggingConfig.MAX_EVENT_SIZE));
    encoder.setCallerData(config.get(LoggingConfig.CALLER_DATA));
    encoder.setMaxStackFrames(config.get(LoggingConfig.EXCEPTION_MAX_FRAMES));
    encoder.setMaxCauses(config.get(LoggingConfig.EXCEPTION_MAX_CAUSES));
    encoder.setMaxStackTraceLength(config.get(LoggingConfig.EXCEPTION_MAX_LENGTH));
    encoder.setScrubber(observability.scrubber());
    encoder.start();

    BatchingAppender batching = new BatchingAppender();
    batching.setContext(context);
    batching.setName(NAME);
    batching.setEncoder(encoder);
    batching.setMaxEvents(config.get(LoggingConfig.ASYNC_QUEUE_SIZE));
    batching.setBufferSize(config.get(LoggingConfig.ASYNC_BUFFER_SIZE));
    batching.setFlushInterval(config.get(LoggingConfig.ASYNC_FLUSH_INTERVAL));
    for (Filter<ILoggingEvent> filter : console.getCopyOfAttachedFiltersList()) {
      batching.addFilter(filter);
    }
    batching.start();
    if (!batching.isStarted()) {
      return new BatchedConsole(null, null, null);
    }
    // Added before Spring Boot's is taken away: a line logged in between is written twice rather
    // than not at all.
    root.addAppender(batching);
    root.detachAppender(console);
    context
        .getStatusManager()
        .add(
            new InfoStatus(
                "Spring Boot's console appender replaced by the observability batching console"
                    + " while the instance runs",
                BatchedConsole.class));
    return new BatchedConsole(root, console, batching);
  }

  private static boolean isUtf8(@Nullable String charset) {
    if (charset == null || charset.isBlank()) {
      return true;
    }
    try {
      return Charset.forName(charset.trim()).equals(StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether the batching console is in place of Spring Boot's. */
  public boolean isInstalled() {
    return installed != null;
  }

  /**
   * Puts Spring Boot's console appender back and stops the batching one, after it wrote what it
   * holds. If Logback was reconfigured meanwhile (the batching appender is gone from the root),
   * that configuration stays. Idempotent.
   */
  @Override
  public void destroy() {
    Logger r = root;
    ConsoleAppender<ILoggingEvent> console = replaced;
    BatchingAppender batching = installed;
    if (r == null || console == null || batching == null || !batching.isStarted()) {
      return;
    }
    // What is queued goes out before Spring Boot's appender writes anything.
    batching.flush();
    if (r.isAttached(batching)) {
      r.addAppender(console);
      r.detachAppender(batching);
    }
    batching.stop();
  }
}
