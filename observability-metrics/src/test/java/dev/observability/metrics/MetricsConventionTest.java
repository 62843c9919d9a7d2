package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MetricsConventionTest {

  @Test
  void unroutedEndpoint_notFoundWinsOverEverythingElse() {
    assertThat(MetricsConvention.unroutedEndpoint(404, "/wp-1/login")).isEqualTo("NOT_FOUND");
    assertThat(MetricsConvention.unroutedEndpoint(404, "/")).isEqualTo("NOT_FOUND");
  }

  @Test
  void unroutedEndpoint_everyThreeHundredIsARedirection() {
    assertThat(MetricsConvention.unroutedEndpoint(300, "/a")).isEqualTo("REDIRECTION");
    assertThat(MetricsConvention.unroutedEndpoint(308, "/")).isEqualTo("REDIRECTION");
    assertThat(MetricsConvention.unroutedEndpoint(399, "/a")).isEqualTo("REDIRECTION");
    assertThat(MetricsConvention.unroutedEndpoint(299, "/a")).isNull();
    assertThat(MetricsConvention.unroutedEndpoint(400, "/a")).isNull();
  }

  @Test
  void unroutedEndpoint_rootPathIsSlash_otherPathsHaveNoFixedValue() {
    assertThat(MetricsConvention.unroutedEndpoint(200, "/")).isEqualTo("/");
    assertThat(MetricsConvention.unroutedEndpoint(0, "")).isEqualTo("/");
    assertThat(MetricsConvention.unroutedEndpoint(500, "/")).isEqualTo("/");
    assertThat(MetricsConvention.unroutedEndpoint(200, "//")).isNull();
    assertThat(MetricsConvention.unroutedEndpoint(405, "/static/app.css")).isNull();
  }
}
