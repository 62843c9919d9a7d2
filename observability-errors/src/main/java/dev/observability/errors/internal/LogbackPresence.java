package dev.observability.errors.internal;

/**
 * Whether Logback is the SLF4J backend, checked without loading any Logback class into this
 * module's code paths, so that the module runs without Logback on the class path.
 */
public final class LogbackPresence {

  private LogbackPresence() {}

  /** Whether Logback classic is on the class path and is SLF4J's logger factory. */
  public static boolean isBackend() {
    Class<?> contextType;
    try {
      contextType =
          Class.forName(
              "ch.qos.logback.classic.LoggerContext",
              false,
              LogbackPresence.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
    return contextType.isInstance(org.slf4j.LoggerFactory.getILoggerFactory());
  }
}
