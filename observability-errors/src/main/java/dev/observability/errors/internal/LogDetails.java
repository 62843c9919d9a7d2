package dev.observability.errors.internal;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What an ERROR log event adds to its error event, independent of the logging backend.
 *
 * @param loggerName the logger's name
 * @param template the message before formatting, or null
 * @param formatted the formatted message
 * @param mdc the event's MDC (copied, at most a few entries)
 * @param keyValues the event's key-value pairs (copied, at most a few entries)
 */
record LogDetails(
    String loggerName,
    @Nullable String template,
    String formatted,
    Map<String, String> mdc,
    Map<String, Object> keyValues) {

  LogDetails {
    mdc = Map.copyOf(mdc);
    keyValues = Map.copyOf(keyValues);
  }
}
