package dev.observability.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The alert rules and the dashboard in {@code docs/}, read with real parsers. */
final class Docs {

  /** {@code docs/} seen from the module directory, where tests run. */
  static final Path DIR = Path.of("..", "docs").toAbsolutePath().normalize();

  static final Path ALERTS = DIR.resolve("alerts/alerts.yml");
  static final Path ALERT_TESTS = DIR.resolve("alerts/alerts.test.yml");
  static final Path DASHBOARD = DIR.resolve("dashboards/service-overview.json");
  static final Path RUNBOOKS = DIR.resolve("runbooks");

  /** Names of metrics the SDK exposes (other names come from node_exporter or Prometheus). */
  private static final Pattern OUR_METRIC =
      Pattern.compile("\\b((?:http|db|jvm|process|system|observability)_[a-z0-9_]+)\\b");

  /** One dashboard query. */
  record PanelQuery(String panel, String refId, String expr) {}

  /** One alerting rule. */
  record Alert(String name, String expr, Map<String, String> annotations) {}

  private Docs() {}

  static JsonNode yaml(Path path) {
    try {
      return new ObjectMapper(new YAMLFactory()).readTree(path.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    for (JsonNode group : yaml(ALERTS).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        if (rule.has("alert")) {
          Map<String, String> annotations = new java.util.LinkedHashMap<>();
          rule.path("annotations")
              .properties()
              .forEach(f -> annotations.put(f.getKey(), f.getValue().asText()));
          alerts.add(new Alert(rule.get("alert").asText(), rule.get("expr").asText(), annotations));
        }
      }
    }
    return alerts;
  }

  static List<String> ruleExpressions() {
    List<String> exprs = new ArrayList<>();
    for (JsonNode group : yaml(ALERTS).get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        exprs.add(rule.get("expr").asText());
      }
    }
    return exprs;
  }

  static JsonNode dashboard() {
    try {
      return new ObjectMapper().readTree(DASHBOARD.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<PanelQuery> dashboardQueries() {
    List<PanelQuery> queries = new ArrayList<>();
    collect(dashboard().get("panels"), queries);
    return queries;
  }

  private static void collect(JsonNode panels, List<PanelQuery> queries) {
    for (JsonNode panel : panels) {
      for (JsonNode target : panel.path("targets")) {
        queries.add(
            new PanelQuery(
                panel.get("title").asText(),
                target.get("refId").asText(),
                target.get("expr").asText()));
      }
      if (panel.has("panels")) {
        collect(panel.get("panels"), queries);
      }
    }
  }

  /** A dashboard query with its template variables replaced by what Grafana would send. */
  static String resolveVariables(String expr) {
    return expr.replace("$__rate_interval", "5m").replace("$job", ".+").replace("$instance", ".+");
  }

  /** The SDK's metric names an expression reads. */
  static Set<String> ourMetricNames(String expr) {
    Set<String> names = new TreeSet<>();
    Matcher m = OUR_METRIC.matcher(expr);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
