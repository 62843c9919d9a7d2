package dev.observability.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.observability.ConfigKey;
import dev.observability.ObservabilityConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpConfigTest {

  private static final ConfigKey<String> SIGNAL =
      ConfigKey.string("test.otlp.traces-endpoint", null)
          .withStandardEnvironmentVariables("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
  private static final ConfigKey<String> BASE =
      ConfigKey.string("test.otlp.endpoint", null)
          .withStandardEnvironmentVariables("OTEL_EXPORTER_OTLP_ENDPOINT");
  private static final ConfigKey<String> HEADERS =
      ConfigKey.string("test.otlp.headers", null)
          .withStandardEnvironmentVariables("OTEL_EXPORTER_OTLP_HEADERS")
          .secret();

  private static ObservabilityConfig env(Map<String, String> environment) {
    return ObservabilityConfig.beforeStart(Map.of(), environment);
  }

  private static String endpoint(Map<String, String> environment, boolean grpc) {
    return OtlpConfig.endpoint(env(environment), SIGNAL, BASE, grpc, "v1/traces", "default");
  }

  @Test
  void endpoint_signalKeyAsGiven_elseBaseWithThePath_elseTheDefault() {
    assertThat(
            endpoint(
                Map.of(
                    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", " http://a:1/x ",
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:2"),
                false))
        .isEqualTo("http://a:1/x");
    assertThat(endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:2"), false))
        .isEqualTo("http://b:2/v1/traces");
    assertThat(endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:2/p/"), false))
        .isEqualTo("http://b:2/p/v1/traces");
    assertThat(endpoint(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:2"), true))
        .isEqualTo("http://b:2");
    assertThat(endpoint(Map.of(), false)).isEqualTo("default");
  }

  @Test
  void headers_decodedInOrder_badEntriesReportedWithoutTheirValues() {
    ObservabilityConfig config =
        env(
            Map.of(
                "OTEL_EXPORTER_OTLP_HEADERS",
                "api-key=s3cr%3Dt, x-tenant = acme ,,noEquals-hunter2,bad name=v,x-bad=%zzSECRET"));
    List<String> problems = new ArrayList<>();

    Map<String, String> headers = OtlpConfig.headers(config, HEADERS, problems);

    assertThat(headers)
        .containsExactly(Map.entry("api-key", "s3cr=t"), Map.entry("x-tenant", "acme"));
    assertThat(problems).hasSize(3);
    assertThat(problems.get(0)).contains("test.otlp.headers", "entry 4");
    assertThat(problems.get(1)).contains("entry 5");
    assertThat(problems.get(2)).contains("'x-bad'", "badly percent-encoded");
    assertThat(String.join(" ", problems)).doesNotContain("hunter2", "SECRET", "s3cr");
    assertThat(OtlpConfig.headers(config, HEADERS, null)).hasSize(2);
  }

  @Test
  void endpointKey_acceptsOnlyAbsoluteHttpUrlsWithAHost() {
    ConfigKey<String> key =
        OtlpConfig.endpointKey("test.otlp.endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT");

    assertThat(key.defaultValue()).isNull();
    assertThat(key.standardEnvironmentVariables()).containsExactly("OTEL_EXPORTER_OTLP_ENDPOINT");
    assertThat(key.parse(" http://collector:4318 ")).isEqualTo("http://collector:4318");
    assertThat(key.parse("HTTPS://collector/otlp")).isEqualTo("HTTPS://collector/otlp");
    for (String bad :
        List.of("collector:4318", "ftp://collector", "http://", "http:///v1", "h t")) {
      assertThatIllegalArgumentException()
          .as(bad)
          .isThrownBy(() -> key.parse(bad))
          .withMessage("must be an http:// or https:// URL");
    }
    assertThat(env(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://b:2")).find(key))
        .contains("http://b:2");
  }

  @Test
  void protocolAndCompressionKeys_readTheSignalsVariableFirst_andRefuseOtherValues() {
    ConfigKey<String> protocol =
        OtlpConfig.protocolKey("test.otlp.protocol", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL");
    ConfigKey<String> compression =
        OtlpConfig.compressionKey("test.otlp.compression", "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION");

    assertThat(protocol.defaultValue()).isEqualTo("http/protobuf");
    assertThat(protocol.standardEnvironmentVariables())
        .containsExactly("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "OTEL_EXPORTER_OTLP_PROTOCOL");
    assertThat(protocol.parse("grpc")).isEqualTo("grpc");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> protocol.parse("http/json"))
        .withMessage("must be http/protobuf or grpc");

    assertThat(compression.defaultValue()).isEqualTo("none");
    assertThat(compression.standardEnvironmentVariables())
        .containsExactly("OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "OTEL_EXPORTER_OTLP_COMPRESSION");
    assertThat(compression.parse("gzip")).isEqualTo("gzip");
    assertThatIllegalArgumentException()
        .isThrownBy(() -> compression.parse("zstd"))
        .withMessage("must be gzip or none");

    ObservabilityConfig config =
        env(
            Map.of(
                "OTEL_EXPORTER_OTLP_COMPRESSION", "none",
                "OTEL_EXPORTER_OTLP_TRACES_COMPRESSION", "gzip",
                "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"));
    assertThat(config.find(compression)).contains("gzip");
    assertThat(config.find(protocol)).contains("grpc");
  }
}
