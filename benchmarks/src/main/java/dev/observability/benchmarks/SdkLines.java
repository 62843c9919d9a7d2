package dev.observability.benchmarks;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import dev.observability.logging.BatchingAppender;
import dev.observability.logging.JsonEncoder;
import org.slf4j.LoggerFactory;

/** The logging module's default output, set up by hand for the benchmarks that go through it. */
final class SdkLines {

  private SdkLines() {}

  /**
   * Resets SLF4J's Logback context and gives its root logger, at INFO, the module's {@link
   * BatchingAppender} with its {@link JsonEncoder}, writing to {@code file}.
   *
   * @return the context
   */
  static LoggerContext toFile(String file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    context.reset();
    JsonEncoder encoder = new JsonEncoder();
    encoder.setContext(context);
    encoder.start();
    BatchingAppender batching = new BatchingAppender();
    batching.setContext(context);
    batching.setName("SDK");
    batching.setEncoder(encoder);
    batching.setFile(file);
    batching.start();
    Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.addAppender(batching);
    root.setLevel(Level.INFO);
    return context;
  }
}
