package dev.observability.internal;

import dev.observability.ConfigKey;
import dev.observability.ObservabilityConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What every module that exports over OTLP reads the same way, as the OpenTelemetry SDK environment
 * specification has it: the keys of an endpoint, a protocol and a compression, the endpoint of one
 * signal, and the headers sent with every request.
 */
public final class OtlpConfig {

  private static final String HEADERS_EXPECTED =
      "must be comma-separated name=value pairs with percent-encoded values; ";

  private static final Predicate<String> HTTP_URL = OtlpConfig::isHttpUrl;
  private static final Predicate<String> PROTOCOL =
      p -> p.equals("http/protobuf") || p.equals("grpc");
  private static final Predicate<String> COMPRESSION = c -> c.equals("gzip") || c.equals("none");

  private OtlpConfig() {}

  /**
   * An endpoint key: unset by default, also read from {@code standardVariable}, and valid only as
   * an absolute {@code http://} or {@code https://} URL with a host.
   *
   * @param name the key's name, such as {@code tracing.otlp.endpoint}
   * @param standardVariable the standard variable, such as {@code OTEL_EXPORTER_OTLP_ENDPOINT}
   * @return the key, to be described by its module
   */
  public static ConfigKey<String> endpointKey(String name, String standardVariable) {
    return ConfigKey.string(name, null)
        .withStandardEnvironmentVariables(standardVariable)
        .validate(HTTP_URL, "must be an http:// or https:// URL");
  }

  /**
   * A protocol key: {@code http/protobuf} (the default) or {@code grpc}, also read from the
   * signal's standard variable and then from {@code OTEL_EXPORTER_OTLP_PROTOCOL}.
   *
   * @param name the key's name, such as {@code tracing.otlp.protocol}
   * @param signalVariable the signal's variable, such as {@code OTEL_EXPORTER_OTLP_TRACES_PROTOCOL}
   * @return the key, to be described by its module
   */
  public static ConfigKey<String> protocolKey(String name, String signalVariable) {
    return ConfigKey.string(name, "http/protobuf")
        .withStandardEnvironmentVariables(signalVariable, "OTEL_EXPORTER_OTLP_PROTOCOL")
        .validate(PROTOCOL, "must be http/protobuf or grpc");
  }

  /**
   * A compression key: {@code gzip} or {@code none} (the default), also read from the signal's
   * standard variable and then from {@code OTEL_EXPORTER_OTLP_COMPRESSION}.
   *
   * @param name the key's name, such as {@code tracing.otlp.compression}
   * @param signalVariable the signal's variable, such as {@code
   *     OTEL_EXPORTER_OTLP_TRACES_COMPRESSION}
   * @return the key, to be described by its module
   */
  public static ConfigKey<String> compressionKey(String name, String signalVariable) {
    return ConfigKey.string(name, "none")
        .withStandardEnvironmentVariables(signalVariable, "OTEL_EXPORTER_OTLP_COMPRESSION")
        .validate(COMPRESSION, "must be gzip or none");
  }

  /** Whether {@code value} is an absolute http:// or https:// URL with a host. */
  private static boolean isHttpUrl(String value) {
    try {
      URI uri = new URI(value.trim());
      String scheme = uri.getScheme();
      return scheme != null
          && (scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  /**
   * The endpoint of one signal: its own key as given; else the base key with {@code signalPath}
   * appended (for http/protobuf; for gRPC the base as given); else {@code defaultEndpoint}.
   *
   * @param config the validated configuration
   * @param signalEndpoint the signal's own endpoint key ({@code ..._TRACES_ENDPOINT})
   * @param baseEndpoint the shared endpoint key ({@code OTEL_EXPORTER_OTLP_ENDPOINT})
   * @param grpc whether the protocol is gRPC
   * @param signalPath the path appended to the base for http/protobuf, such as {@code v1/traces}
   * @param defaultEndpoint the endpoint when neither key is set
   * @return the endpoint
   */
  public static String endpoint(
      ObservabilityConfig config,
      ConfigKey<String> signalEndpoint,
      ConfigKey<String> baseEndpoint,
      boolean grpc,
      String signalPath,
      String defaultEndpoint) {
    String own = config.find(signalEndpoint).orElse(null);
    if (own != null) {
      return own.trim();
    }
    String base = config.find(baseEndpoint).orElse(null);
    if (base == null) {
      return defaultEndpoint;
    }
    base = base.trim();
    return grpc ? base : (base.endsWith("/") ? base : base + "/") + signalPath;
  }

  /**
   * Parses the headers of {@code key}, {@code name=value,name=value} with percent-decoded values.
   * An entry that is not a pair with a valid header name, or whose value is badly encoded, is left
   * out and, when {@code problems} is given, reported there without its value.
   *
   * @param config the configuration
   * @param key the headers key (a secret key: its value is never echoed)
   * @param problems where problems are added, or null to skip bad entries silently
   * @return the headers, in order
   */
  public static Map<String, String> headers(
      ObservabilityConfig config, ConfigKey<String> key, @Nullable List<String> problems) {
    Map<String, String> headers = new LinkedHashMap<>();
    String raw = config.find(key).orElse(null);
    if (raw == null || raw.isBlank()) {
      return headers;
    }
    String[] entries = raw.split(",");
    for (int i = 0; i < entries.length; i++) {
      String entry = entries[i].trim();
      if (entry.isEmpty()) {
        continue;
      }
      int eq = entry.indexOf('=');
      String name = eq < 0 ? "" : entry.substring(0, eq).trim();
      if (eq <= 0 || name.isEmpty() || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        if (problems != null) {
          problems.add(
              config.problem(
                  key,
                  HEADERS_EXPECTED
                      + "entry "
                      + (i + 1)
                      + " is not a name=value pair with a valid header name"));
        }
        continue;
      }
      try {
        headers.put(
            name, URLDecoder.decode(entry.substring(eq + 1).trim(), StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        if (problems != null) {
          problems.add(
              config.problem(
                  key,
                  HEADERS_EXPECTED
                      + "the value of header '"
                      + name
                      + "' is badly percent-encoded"));
        }
      }
    }
    return headers;
  }
}
