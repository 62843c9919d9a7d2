package dev.observability.logging.internal;

import java.util.Set;

/** Field names of the log-line contract ({@code docs/signals.md}). */
public final class Fields {

  /** MDC key (and JSON field) of the trace id, set by the logging observation handler. */
  public static final String TRACE_ID = "trace_id";

  /** MDC key (and JSON field) of the span id, set by the logging observation handler. */
  public static final String SPAN_ID = "span_id";

  /** MDC key (and JSON field) of the request id, set by the logging observation handler. */
  public static final String REQUEST_ID = "request_id";

  /** Access line (and ECS label): fingerprint of the exception the request ended with. */
  public static final String ERROR_FINGERPRINT = "error_fingerprint";

  /** Prefix of a key-value whose key collides with a reserved or already written field. */
  public static final String KEY_VALUE_PREFIX = "kv_";

  /** Prefix of an MDC entry whose key collides with a reserved or already written field. */
  public static final String MDC_PREFIX = "mdc_";

  /**
   * Names that key-values and MDC entries never take: they belong to the encoder. ({@code
   * trace_id}, {@code span_id} and {@code request_id} in the MDC are read as the correlation fields
   * themselves.)
   */
  public static final Set<String> RESERVED =
      Set.of(
          "timestamp",
          "level",
          "message",
          "logger",
          "thread",
          "service",
          "environment",
          "version",
          TRACE_ID,
          SPAN_ID,
          REQUEST_ID,
          "exception",
          "module",
          "function",
          "line",
          "truncated");

  private Fields() {}

  /** Whether {@code name} is reserved for the encoder. */
  public static boolean isReserved(String name) {
    return RESERVED.contains(name);
  }
}
