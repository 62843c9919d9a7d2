package dev.observability.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Naming of spans and attributes, after the OpenTelemetry HTTP semantic conventions (stable since
 * 1.23): attribute keys, method normalisation and span names. Kept apart from the code that records
 * them.
 *
 * <p>Thread-safe. Its only state is what it caches: boxed status codes and ports, and the names of
 * the server spans of up to {@value #MAX_NAMED_ROUTES} routes.
 */
public final class HttpSemconv {

  /** Routes whose server span names are kept; route templates are few, so this bound is a guard. */
  static final int MAX_NAMED_ROUTES = 1024;

  /** The methods whose server span names are kept, by their index. */
  private static final List<String> NAMED_METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private static final ServerSpanNames SERVER_NAMES = new ServerSpanNames(MAX_NAMED_ROUTES);

  /** {@code http.request.method}. */
  public static final AttributeKey<String> HTTP_REQUEST_METHOD =
      AttributeKey.stringKey("http.request.method");

  /** {@code http.request.method_original}, set when the method was normalised to {@code _OTHER}. */
  public static final AttributeKey<String> HTTP_REQUEST_METHOD_ORIGINAL =
      AttributeKey.stringKey("http.request.method_original");

  /** {@code http.route}. */
  public static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");

  /** {@code http.response.status_code}. */
  public static final AttributeKey<Long> HTTP_RESPONSE_STATUS_CODE =
      AttributeKey.longKey("http.response.status_code");

  /** {@code url.path}. */
  public static final AttributeKey<String> URL_PATH = AttributeKey.stringKey("url.path");

  /** {@code url.query} (scrubbed at export). */
  public static final AttributeKey<String> URL_QUERY = AttributeKey.stringKey("url.query");

  /** {@code url.scheme}. */
  public static final AttributeKey<String> URL_SCHEME = AttributeKey.stringKey("url.scheme");

  /** {@code url.full} of outbound calls, without user info (query scrubbed at export). */
  public static final AttributeKey<String> URL_FULL = AttributeKey.stringKey("url.full");

  /** {@code url.template} of outbound calls, when the caller names the target route. */
  public static final AttributeKey<String> URL_TEMPLATE = AttributeKey.stringKey("url.template");

  /** {@code server.address}. */
  public static final AttributeKey<String> SERVER_ADDRESS =
      AttributeKey.stringKey("server.address");

  /** {@code server.port}. */
  public static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");

  /** {@code client.address}. */
  public static final AttributeKey<String> CLIENT_ADDRESS =
      AttributeKey.stringKey("client.address");

  /** {@code user_agent.original}. */
  public static final AttributeKey<String> USER_AGENT_ORIGINAL =
      AttributeKey.stringKey("user_agent.original");

  /** {@code network.protocol.version}. */
  public static final AttributeKey<String> NETWORK_PROTOCOL_VERSION =
      AttributeKey.stringKey("network.protocol.version");

  /** {@code error.type}: the exception class, or the status code for an error response. */
  public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

  /**
   * {@code error.fingerprint}: the {@code ErrorFingerprint} of the exception the operation ended
   * with (not a semantic convention: the SDK's id that joins a failure's signals).
   */
  public static final AttributeKey<String> ERROR_FINGERPRINT =
      AttributeKey.stringKey("error.fingerprint");

  /** {@code code.function.name} of instrumented methods: {@code fully.qualified.Class.method}. */
  public static final AttributeKey<String> CODE_FUNCTION_NAME =
      AttributeKey.stringKey("code.function.name");

  /** The value that replaces a method outside the known set. */
  public static final String OTHER_METHOD = "_OTHER";

  private static final Set<String> KNOWN_METHODS =
      Set.of("CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "TRACE");

  /** Boxed values of 0 to 1023 (status codes, well-known ports), filled as they are used. */
  private static final Long[] BOXED = new Long[1024];

  private static @Nullable Long lastLarge;

  private HttpSemconv() {}

  /**
   * {@code value} as a {@code Long} attribute value, shared for 0 to 1023 (status codes: the SDK's
   * {@code setAttribute} takes a boxed value, and {@code Long.valueOf} caches only up to 127), and
   * for the last larger value asked for (a server's port).
   */
  public static Long boxed(int value) {
    if (value < 0 || value >= BOXED.length) {
      // Above 1023, mostly the port a server listens on: the last such value is kept, with the
      // same benign race.
      Long last = lastLarge;
      if (last == null || last != value) {
        last = (long) value;
        lastLarge = last;
      }
      return last;
    }
    Long cached = BOXED[value];
    if (cached == null) {
      // A benign race: two threads may box the same value, and either instance will do (Long is
      // immutable, its final field safely published).
      cached = (long) value;
      BOXED[value] = cached;
    }
    return cached;
  }

  /** The method as the attribute carries it: itself when known (case-sensitive), else _OTHER. */
  public static String method(String method) {
    return KNOWN_METHODS.contains(method) ? method : OTHER_METHOD;
  }

  /**
   * The HTTP span name: {@code "{method} {target}"}, or {@code "{method}"} without a target, where
   * {@code _OTHER} is written {@code HTTP}.
   */
  public static String spanName(String normalisedMethod, @Nullable String target) {
    String method = OTHER_METHOD.equals(normalisedMethod) ? "HTTP" : normalisedMethod;
    return target == null || target.isEmpty() ? method : method + ' ' + target;
  }

  /**
   * {@link #spanName} of a SERVER span, whose target is a route template: the name of a known
   * method and route is built once and then reused, for at most {@value #MAX_NAMED_ROUTES} routes.
   */
  public static String serverSpanName(String normalisedMethod, @Nullable String route) {
    return SERVER_NAMES.name(normalisedMethod, route);
  }

  /** Server span names by route and method, for a bounded number of routes. */
  static final class ServerSpanNames {
    private final int maxRoutes;
    private final ConcurrentHashMap<String, String[]> names = new ConcurrentHashMap<>();

    ServerSpanNames(int maxRoutes) {
      this.maxRoutes = maxRoutes;
    }

    String name(String normalisedMethod, @Nullable String route) {
      int method = NAMED_METHODS.indexOf(normalisedMethod);
      if (method < 0 || route == null || route.isEmpty()) {
        return spanName(normalisedMethod, route);
      }
      String[] byMethod = names.get(route);
      if (byMethod == null) {
        if (names.size() >= maxRoutes) {
          return spanName(normalisedMethod, route);
        }
        byMethod = names.computeIfAbsent(route, r -> new String[NAMED_METHODS.size()]);
      }
      String name = byMethod[method];
      if (name == null) {
        // A benign race, as in boxed(): either thread's string will do.
        name = spanName(normalisedMethod, route);
        byMethod[method] = name;
      }
      return name;
    }

    int routes() {
      return names.size();
    }
  }

  /** The URI without user info and fragment, for {@code url.full}. */
  public static String urlFull(URI uri) {
    if (uri.getRawUserInfo() == null && uri.getRawFragment() == null) {
      return uri.toString();
    }
    StringBuilder sb = new StringBuilder();
    if (uri.getScheme() != null) {
      sb.append(uri.getScheme()).append("://");
    }
    if (uri.getHost() != null) {
      sb.append(uri.getHost());
    }
    if (uri.getPort() >= 0) {
      sb.append(':').append(uri.getPort());
    }
    if (uri.getRawPath() != null) {
      sb.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      sb.append('?').append(uri.getRawQuery());
    }
    return sb.toString();
  }

  /** The port of {@code uri}, or the scheme's default; -1 when unknown. */
  public static int port(URI uri) {
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    String scheme = uri.getScheme();
    if ("http".equalsIgnoreCase(scheme)) {
      return 80;
    }
    if ("https".equalsIgnoreCase(scheme)) {
      return 443;
    }
    return -1;
  }
}
