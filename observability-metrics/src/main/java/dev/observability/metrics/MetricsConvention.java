package dev.observability.metrics;

import org.jspecify.annotations.Nullable;

/**
 * Every meter name, tag key and fixed tag value the metrics module registers, in one place.
 *
 * <p>Names are Micrometer's dot style; the Prometheus registry renders them as the signal contract
 * in {@code docs/signals.md} says: a counter {@code http.requests} becomes {@code
 * http_requests_total}, a timer {@code http.request.duration} becomes {@code
 * http_request_duration_seconds} (with {@code _bucket}, {@code _count}, {@code _sum}, and a {@code
 * _max} gauge). A rename here is a breaking change for the alert rules and the dashboard in {@code
 * docs/}.
 *
 * <p>Stateless and thread-safe.
 */
public final class MetricsConvention {

  /** Counter of HTTP server requests: {@code http_requests_total{method,endpoint,status}}. */
  public static final String HTTP_REQUESTS = "http.requests";

  /** Timer of HTTP server requests: {@code http_request_duration_seconds{method,endpoint}}. */
  public static final String HTTP_REQUEST_DURATION = "http.request.duration";

  /** Gauge of HTTP server requests being served: {@code http_requests_in_flight}. */
  public static final String HTTP_REQUESTS_IN_FLIGHT = "http.requests.in.flight";

  /** Timer of instrumented methods: {@code method_duration_seconds{class,method,exception}}. */
  public static final String METHOD_DURATION = "method.duration";

  /** Timer of other observations: {@code operation_duration_seconds{operation,exception}}. */
  public static final String OPERATION_DURATION = "operation.duration";

  /** Gauge of connections in use: {@code db_connections_used{pool}}. */
  public static final String DB_CONNECTIONS_USED = "db.connections.used";

  /** Gauge of the connection pool's size limit: {@code db_connections_max{pool}}. */
  public static final String DB_CONNECTIONS_MAX = "db.connections.max";

  /** Timer of database queries: {@code db_query_duration_seconds{query_type}}. */
  public static final String DB_QUERY_DURATION = "db.query.duration";

  /**
   * Counter of values a guard replaced by {@link #OVERFLOW}: {@code
   * observability_cardinality_overflow_total{meter}}.
   */
  public static final String CARDINALITY_OVERFLOW = "observability.cardinality.overflow";

  /**
   * Counter of meters the Prometheus registry refused: {@code
   * observability_metrics_registration_failures_total}.
   */
  public static final String REGISTRATION_FAILURES = "observability.metrics.registration.failures";

  /** Tag: the HTTP request method, or {@link #OTHER_METHOD}. */
  public static final String TAG_METHOD = "method";

  /**
   * Tag: the route template; for a request that matched no route, {@link #NOT_FOUND}, {@link
   * #REDIRECTION}, {@link #ROOT} or the normalised path; past a cap, {@link #OVERFLOW}.
   */
  public static final String TAG_ENDPOINT = "endpoint";

  /** Tag: the numeric HTTP status code. */
  public static final String TAG_STATUS = "status";

  /** Tag: the class that declares an instrumented method. */
  public static final String TAG_CLASS = "class";

  /** Tag: the simple class name of the exception an operation ended with, or {@code none}. */
  public static final String TAG_EXCEPTION = "exception";

  /** Tag: the observation's name. */
  public static final String TAG_OPERATION = "operation";

  /** Tag: the connection pool's name. */
  public static final String TAG_POOL = "pool";

  /** Tag: the kind of database query. */
  public static final String TAG_QUERY_TYPE = "query_type";

  /** Tag of {@link #CARDINALITY_OVERFLOW}: the Prometheus name of the guarded meter. */
  public static final String TAG_METER = "meter";

  /** The value that replaces a tag value past the guard's cap. */
  public static final String OVERFLOW = "OTHER";

  /** The endpoint value of a request that matched no route and was answered 404. */
  public static final String NOT_FOUND = "NOT_FOUND";

  /** The endpoint value of a request that matched no route and was answered with a 3xx redirect. */
  public static final String REDIRECTION = "REDIRECTION";

  /**
   * The endpoint value of a request for the root path that matched no route (and was answered
   * neither 404 nor 3xx): {@code /}, the value a route template for the root has too.
   */
  public static final String ROOT = "/";

  /** The method value for any method outside the standard set. */
  public static final String OTHER_METHOD = "_OTHER";

  /** The status value when the response status is unknown (no status, no exception). */
  public static final String UNKNOWN_STATUS = "UNKNOWN";

  /** The exception value when the operation ended normally. */
  public static final String NO_EXCEPTION = "none";

  /** The {@code meter} value that {@link #CARDINALITY_OVERFLOW} uses for the endpoint guard. */
  public static final String HTTP_METER = "http_requests_total";

  /** The standard HTTP methods, in the order of {@link #methodIndex(String)}. */
  private static final String[] METHODS = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH", OTHER_METHOD
  };

  /** Number of distinct method values, {@link #OTHER_METHOD} included. */
  public static final int METHOD_COUNT = METHODS.length;

  private static final String[] STATUS = new String[500];

  static {
    for (int i = 0; i < STATUS.length; i++) {
      STATUS[i] = Integer.toString(100 + i);
    }
  }

  private MetricsConvention() {}

  /**
   * The index of {@code method} in the standard set (GET, HEAD, POST, PUT, DELETE, CONNECT,
   * OPTIONS, TRACE, PATCH), or that of {@link #OTHER_METHOD}. Case-sensitive, as HTTP methods are.
   * Does not allocate.
   *
   * @param method the request method
   * @return the index
   */
  public static int methodIndex(String method) {
    return switch (method) {
      case "GET" -> 0;
      case "HEAD" -> 1;
      case "POST" -> 2;
      case "PUT" -> 3;
      case "DELETE" -> 4;
      case "CONNECT" -> 5;
      case "OPTIONS" -> 6;
      case "TRACE" -> 7;
      case "PATCH" -> 8;
      default -> 9;
    };
  }

  /**
   * The {@code method} tag value of the method at {@code index}.
   *
   * @param index an index from {@link #methodIndex(String)}
   * @return the tag value
   */
  public static String methodValue(int index) {
    return METHODS[index];
  }

  /**
   * The {@code method} tag value of {@code method}: itself when standard, else {@code _OTHER}.
   *
   * @param method the request method
   * @return the tag value
   */
  public static String method(String method) {
    return METHODS[methodIndex(method)];
  }

  /**
   * The {@code status} tag value: the code when it is a valid HTTP status (100 to 599); else {@code
   * 500} when the request ended with an exception, {@link #UNKNOWN_STATUS} otherwise. Does not
   * allocate.
   *
   * @param status the response status, or 0 when none was set
   * @param error the exception the request ended with, or null
   * @return the tag value
   */
  public static String status(int status, @Nullable Throwable error) {
    if (status >= 100 && status <= 599) {
      return STATUS[status - 100];
    }
    return error != null ? STATUS[400] : UNKNOWN_STATUS;
  }

  /**
   * The fixed {@code endpoint} value of a request that matched no route: {@link #NOT_FOUND} when it
   * was answered 404, {@link #REDIRECTION} for 300 to 399, {@link #ROOT} for the path {@code /} (or
   * an empty one); otherwise null, and the request's normalised path is used, within a cap of its
   * own. The same choice Spring makes for requests without a handler, so that a scanner's random
   * paths become one series instead of taking the route templates' room. Does not allocate.
   *
   * @param status the response status (0 when unknown)
   * @param path the request path without query string
   * @return the fixed value, or null when the normalised path is used
   */
  public static @Nullable String unroutedEndpoint(int status, String path) {
    if (status == 404) {
      return NOT_FOUND;
    }
    if (status >= 300 && status <= 399) {
      return REDIRECTION;
    }
    if (path.isEmpty() || (path.length() == 1 && path.charAt(0) == '/')) {
      return ROOT;
    }
    return null;
  }

  /**
   * The {@code exception} tag value: {@link #NO_EXCEPTION}, or the exception's simple class name
   * (its full name for anonymous classes). Does not allocate after the first call per class.
   *
   * @param error the exception the request ended with, or null
   * @return the tag value
   */
  public static String exception(@Nullable Throwable error) {
    if (error == null) {
      return NO_EXCEPTION;
    }
    String simple = error.getClass().getSimpleName();
    return simple.isEmpty() ? error.getClass().getName() : simple;
  }
}
