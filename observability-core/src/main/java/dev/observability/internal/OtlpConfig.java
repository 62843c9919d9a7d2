package dev.observability.internal;

import dev.observability.ConfigKey;
import dev.observability.ObservabilityConfig;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What every module that exports over OTLP reads the same way, as the OpenTelemetry SDK environment
 * specification has it: the endpoint of one signal, and the headers sent with every request.
 */
public final class OtlpConfig {

  private static final String HEADERS_EXPECTED =
      "must be comma-separated name=value pairs with percent-encoded values; ";

  private OtlpConfig() {}

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
