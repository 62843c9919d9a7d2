package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.observability.Observability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The alert rules, runbooks and dashboard in docs/ agree with each other and with the code. */
class DocsTest {

  private static final String RUNBOOK_BASE =
      "https://github.com/observability-sdk/observability-java/blob/main/docs/runbooks/";

  @Test
  void alerts_containTheSeedsRulesAndBurnRateAlerts() {
    assertThat(Docs.alerts().stream().map(Docs.Alert::name))
        .contains(
            "HighErrorRate",
            "ServiceDown",
            "HighLatency",
            "DatabaseConnectionPoolHigh",
            "DiskSpaceLow",
            "AvailabilityBudgetBurnFast",
            "AvailabilityBudgetBurnSlow",
            "LatencyBudgetBurnFast",
            "LatencyBudgetBurnSlow");
  }

  @Test
  void everyAlert_linksARunbookThatExists() {
    for (Docs.Alert alert : Docs.alerts()) {
      assertThat(alert.annotations().get("runbook_url"))
          .as(alert.name())
          .isEqualTo(RUNBOOK_BASE + alert.name() + ".md");
      Path runbook = Docs.RUNBOOKS.resolve(alert.name() + ".md");
      assertThat(runbook).as(alert.name()).exists();
      assertThat(Docs.read(runbook)).startsWith("# " + alert.name() + "\n");
    }
  }

  @Test
  void everyAlert_isTestedInBothDirections() {
    String tests = Docs.read(Docs.ALERT_TESTS);
    for (Docs.Alert alert : Docs.alerts()) {
      JsonNode cases = Docs.yaml(Docs.ALERT_TESTS).get("tests");
      boolean fires = false;
      boolean silent = false;
      for (JsonNode testCase : cases) {
        for (JsonNode check : testCase.path("alert_rule_test")) {
          if (check.get("alertname").asText().equals(alert.name())) {
            if (check.path("exp_alerts").isEmpty()) {
              silent = true;
            } else {
              fires = true;
            }
          }
        }
      }
      assertThat(fires).as(alert.name() + " has a firing case").isTrue();
      assertThat(silent).as(alert.name() + " has a silent case").isTrue();
    }
    assertThat(tests).contains("rule_files:");
  }

  @Test
  void dashboard_hasTheSeedsPanelsAndADatasourceVariable() {
    JsonNode dashboard = Docs.dashboard();
    assertThat(dashboard.at("/templating/list/0/type").asText()).isEqualTo("datasource");
    assertThat(dashboard.at("/templating/list/0/query").asText()).isEqualTo("prometheus");
    List<Docs.PanelQuery> queries = Docs.dashboardQueries();
    assertThat(queries.stream().map(Docs.PanelQuery::panel))
        .contains(
            "Request rate by endpoint",
            "Error rate",
            "Latency p50 / p95 / p99",
            "Requests in flight",
            "JVM heap",
            "GC pause",
            "Threads",
            "CPU");
    assertThat(queries)
        .filteredOn(q -> q.panel().equals("Latency p50 / p95 / p99"))
        .extracting(Docs.PanelQuery::expr)
        .anySatisfy(e -> assertThat(e).contains("histogram_quantile(0.5,"))
        .anySatisfy(e -> assertThat(e).contains("histogram_quantile(0.95,"))
        .anySatisfy(e -> assertThat(e).contains("histogram_quantile(0.99,"));
    for (JsonNode panel : dashboard.get("panels")) {
      if (!panel.get("type").asText().equals("row")) {
        assertThat(panel.at("/datasource/uid").asText()).isEqualTo("${datasource}");
      }
    }
  }

  /**
   * Every SDK metric name the rules and the dashboard query appears in a real exposition of a
   * registry fed by real observations (the names that exist only after a failure are listed).
   */
  @Test
  void queriedMetricNames_existInARealExposition() {
    Set<String> queried = new TreeSet<>();
    Docs.ruleExpressions().forEach(e -> queried.addAll(Docs.ourMetricNames(e)));
    Docs.dashboardQueries().forEach(q -> queried.addAll(Docs.ourMetricNames(q.expr())));
    // Registered by core on the first failure caught inside the SDK.
    queried.remove("observability_internal_errors_total");

    try (Observability obs = Instances.builder().property("metrics.max-endpoints", "1").start()) {
      Feeds.everything(obs);
      // GC pause meters appear with the first collection the JVM reports.
      System.gc();
      Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> Instances.scrape(obs).contains("jvm_gc_pause_seconds_max"));
      Set<String> exposed = Exposition.parse(Instances.scrape(obs)).names();

      assertThat(queried).isNotEmpty().allSatisfy(name -> assertThat(exposed).contains(name));
    }
  }

  @Test
  void docsDirectory_isFoundFromTheModule() {
    assertThat(Files.isDirectory(Docs.DIR.resolve("alerts"))).isTrue();
  }
}
