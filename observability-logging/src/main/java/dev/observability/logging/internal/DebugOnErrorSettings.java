package dev.observability.logging.internal;

import dev.observability.ObservabilityConfig;
import dev.observability.logging.LoggingConfig;
import java.util.List;

/**
 * The settings of {@code logging.debug-on-error}, read once at start. Immutable.
 *
 * @param enabled whether requests' DEBUG lines are held
 * @param loggers logger name prefixes whose lines are held; empty for the application's loggers
 * @param maxLines lines held per request
 * @param maxBytes bytes held over all requests
 */
public record DebugOnErrorSettings(
    boolean enabled, List<String> loggers, int maxLines, long maxBytes) {

  /** Copies the list. */
  public DebugOnErrorSettings {
    loggers = List.copyOf(loggers);
  }

  /** Reads the settings from validated configuration. */
  public static DebugOnErrorSettings from(ObservabilityConfig config) {
    return new DebugOnErrorSettings(
        config.get(LoggingConfig.DEBUG_ON_ERROR),
        config.get(LoggingConfig.DEBUG_ON_ERROR_LOGGERS).stream()
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList(),
        config.get(LoggingConfig.DEBUG_ON_ERROR_MAX_LINES),
        config.get(LoggingConfig.DEBUG_ON_ERROR_MAX_BYTES));
  }
}
