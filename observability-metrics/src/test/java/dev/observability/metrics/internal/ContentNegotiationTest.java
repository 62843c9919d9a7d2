package dev.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.metrics.internal.ContentNegotiation.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

class ContentNegotiationTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // What Prometheus 2.x sends.
        "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1|OPENMETRICS",
        // What Prometheus 3.x sends.
        "application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1|OPENMETRICS",
        "application/openmetrics-text|OPENMETRICS",
        "Application/OpenMetrics-Text; Version=\"1.0.0\"|OPENMETRICS",
        "text/plain;version=0.0.4|PROMETHEUS_TEXT",
        "text/plain|PROMETHEUS_TEXT",
        "*/*|PROMETHEUS_TEXT",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8|PROMETHEUS_TEXT",
        "text/plain;q=0.9,application/openmetrics-text;q=0.8|PROMETHEUS_TEXT",
        "text/plain;q=0.5,application/openmetrics-text;q=0.8|OPENMETRICS",
        "application/openmetrics-text;q=0.5,*/*|PROMETHEUS_TEXT",
        "application/openmetrics-text,*/*|OPENMETRICS",
        "application/openmetrics-text,text/plain|PROMETHEUS_TEXT",
        "application/openmetrics-text;version=0.0.1|PROMETHEUS_TEXT",
        "application/openmetrics-text;q=0|PROMETHEUS_TEXT",
        "application/openmetrics-text;q=banana|PROMETHEUS_TEXT",
        "application/json|PROMETHEUS_TEXT",
        ";;;,,,=;q=|PROMETHEUS_TEXT",
      })
  void format_isChosenFromAccept(String accept, Format expected) {
    assertThat(ContentNegotiation.format(accept)).isEqualTo(expected);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void format_withoutAccept_isPrometheusText(String accept) {
    assertThat(ContentNegotiation.format(accept)).isEqualTo(Format.PROMETHEUS_TEXT);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "gzip|true",
        "gzip, deflate, br|true",
        "GZIP;q=0.5|true",
        "x-gzip|true",
        "*|true",
        "deflate, br|false",
        "gzip;q=0|false",
        "gzip;q=0, *|false",
        "identity|false",
        "*;q=0|false",
      })
  void gzip_isChosenFromAcceptEncoding(String acceptEncoding, boolean expected) {
    assertThat(ContentNegotiation.gzip(acceptEncoding)).isEqualTo(expected);
  }

  @Test
  void gzip_withoutHeader_isOff() {
    assertThat(ContentNegotiation.gzip(null)).isFalse();
    assertThat(ContentNegotiation.gzip(" ")).isFalse();
  }

  @Test
  void hugeHeaders_areReadInBoundedTime() {
    String accept = "text/plain;q=0.1,".repeat(100_000) + "application/openmetrics-text";
    assertThat(ContentNegotiation.format(accept)).isEqualTo(Format.PROMETHEUS_TEXT);
    assertThat(ContentNegotiation.gzip("br,".repeat(100_000) + "gzip")).isFalse();
  }
}
