package dev.observability.errors.internal;

import dev.observability.HttpServerObservationContext;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Names and choices of the error events, kept apart from the code that builds them: tags, extras,
 * the span attribute and MDC key that link an event to its trace and log lines, which request
 * headers are sent, how an event's fingerprint for flood control is formed. {@code docs/signals.md}
 * documents them as a contract.
 *
 * <p>Stateless; thread-safe.
 */
public final class ErrorEventConvention {

  /** Tag: the route template of the request ({@code /api/users/{id}}), when known. */
  public static final String TAG_ENDPOINT = "endpoint";

  /** Tag: the request method, normalised like the HTTP meters' {@code method} label. */
  public static final String TAG_METHOD = "method";

  /** Tag: the response status of the request, when known. */
  public static final String TAG_STATUS = "status";

  /** Tag: the request id ({@code X-Request-ID}). */
  public static final String TAG_REQUEST_ID = "request_id";

  /** Tag: the operation's trace id (32 hex), also in {@code contexts.trace.trace_id}. */
  public static final String TAG_TRACE_ID = "trace_id";

  /** Tag: the operation's span id (16 hex), also in {@code contexts.trace.span_id}. */
  public static final String TAG_SPAN_ID = "span_id";

  /** Tag: the deployment environment (also Sentry's {@code environment} field). */
  public static final String TAG_ENVIRONMENT = "environment";

  /** Tag: the release (also Sentry's {@code release} field). */
  public static final String TAG_RELEASE = "release";

  /** Tag: the capture point that reported the event ({@link Source#tag()}). */
  public static final String TAG_SOURCE = "source";

  /**
   * Tag: the failure's {@code ErrorFingerprint}, which the request's access line ({@code
   * error_fingerprint}), span ({@code error.fingerprint}) and {@code exception} log line carry too;
   * also the event's Sentry fingerprint, so Sentry groups by it.
   */
  public static final String TAG_FINGERPRINT = "error_fingerprint";

  /** Breadcrumb data key marking a request's held DEBUG line ({@code logging.debug-on-error}). */
  public static final String BREADCRUMB_BUFFERED = "buffered";

  /** Extra: events of this fingerprint suppressed by flood control since the previous one. */
  public static final String EXTRA_SUPPRESSED = "suppressed_since_last";

  /** Extra: the name of the observation the error ended. */
  public static final String EXTRA_OBSERVATION = "observation";

  /** Context (a map) holding the MDC of a log event. */
  public static final String CONTEXT_MDC = "MDC";

  /** Extra holding the key-value pairs of a log event (SLF4J 2 fluent API). */
  public static final String EXTRA_LOG_KEY_VALUES = "log_key_values";

  /** Span attribute that carries the id of the event sent for the operation. */
  public static final String SPAN_ATTRIBUTE_EVENT_ID = "sentry.event_id";

  /** MDC key that carries the event id while the operation's scope is open. */
  public static final String MDC_EVENT_ID = "sentry_event_id";

  /** Sentry's span operation for an inbound HTTP request. */
  public static final String OP_HTTP_SERVER = "http.server";

  /** Where an event was captured. */
  public enum Source {
    /** {@code ErrorReporter.capture(...)}. */
    API("api"),
    /** An observation that ended with an exception. */
    OBSERVATION("observation"),
    /** An inbound HTTP request answered 5xx without an exception. */
    HTTP_STATUS("http_status"),
    /** An ERROR log event with a throwable. */
    LOG("log"),
    /** An exception that ended a thread. */
    UNCAUGHT("uncaught");

    private final String tag;

    Source(String tag) {
      this.tag = tag;
    }

    /** The value of the {@link #TAG_SOURCE} tag. */
    public String tag() {
      return tag;
    }
  }

  /** Headers whose value is always replaced by the mask, whatever the scrubber says. */
  static final Set<String> MASKED_HEADERS =
      Set.of(
          "authorization",
          "proxy-authorization",
          "cookie",
          "set-cookie",
          "x-api-key",
          "api-key",
          "apikey",
          "x-auth-token",
          "x-access-token",
          "x-csrf-token",
          "x-xsrf-token",
          "x-amz-security-token");

  /** Headers sent when {@code errors.send-default-pii} is off. */
  static final Set<String> ALLOWED_HEADERS =
      Set.of(
          "accept",
          "accept-encoding",
          "accept-language",
          "cache-control",
          "content-length",
          "content-type",
          "host",
          "origin",
          "referer",
          "user-agent",
          "x-forwarded-proto",
          "x-request-id",
          "traceparent");

  /** At most this many request headers go on an event. */
  static final int MAX_HEADERS = 64;

  /** Longer header values, MDC values and key-values are cut to this length. */
  static final int MAX_VALUE_LENGTH = 2048;

  /** At most this many MDC entries or key-value pairs go on an event. */
  static final int MAX_LOG_FIELDS = 32;

  private static final Set<String> STANDARD_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private static final int MAX_MESSAGE_FINGERPRINT = 256;

  private ErrorEventConvention() {}

  /** The {@code method} tag: upper-cased, or {@code _OTHER} outside the standard set. */
  public static String method(String raw) {
    String upper = raw.toUpperCase(Locale.ROOT);
    return STANDARD_METHODS.contains(upper) ? upper : "_OTHER";
  }

  /** The event's transaction name: {@code "GET /api/users/{id}"}, or null without a route. */
  static @Nullable String transaction(HttpServerObservationContext http) {
    String route = http.getRoute();
    return route == null ? null : method(http.getMethod()) + " " + route;
  }

  /** The message of an event for a 5xx answered without an exception. */
  static String httpStatusMessage(HttpServerObservationContext http) {
    String route = http.getRoute();
    return "HTTP "
        + http.getStatus()
        + " "
        + method(http.getMethod())
        + (route == null ? "" : " " + route);
  }

  /** Whether a request header goes on the event. */
  static boolean sendHeader(String lowerCaseName, boolean sendDefaultPii) {
    return sendDefaultPii
        || ALLOWED_HEADERS.contains(lowerCaseName)
        || MASKED_HEADERS.contains(lowerCaseName);
  }

  /** The flood-control fingerprint of a message event. */
  static String fingerprint(String message) {
    return "message:"
        + (message.length() <= MAX_MESSAGE_FINGERPRINT
            ? message
            : message.substring(0, MAX_MESSAGE_FINGERPRINT));
  }

  /** Cuts {@code value} to {@link #MAX_VALUE_LENGTH}. */
  static String cut(String value) {
    return value.length() <= MAX_VALUE_LENGTH ? value : value.substring(0, MAX_VALUE_LENGTH);
  }
}
