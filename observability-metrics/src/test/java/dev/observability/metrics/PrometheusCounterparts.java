package dev.observability.metrics;

import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Prometheus series an OTLP metric stands for, by the rule {@code docs/metrics.md} gives: dots
 * become underscores, the unit is appended when the name does not end with it already, a monotonic
 * sum gets {@code _total}, and the {@code .max} gauge of a timer (a histogram) is {@code
 * <name>_<unit>_max}. Series are written {@code family{key="value",...}} with sorted labels, {@code
 * le} left out.
 */
final class PrometheusCounterparts {

  private PrometheusCounterparts() {}

  /**
   * The Prometheus family name of an OTLP metric; {@code histograms} are the names of the
   * histograms of the same request, whose {@code .max} gauges are named apart.
   */
  static String family(Metric metric, Set<String> histograms) {
    String name = metric.getName();
    String unit = metric.getUnit();
    boolean max =
        metric.hasGauge()
            && name.endsWith(".max")
            && histograms.contains(name.substring(0, name.length() - 4));
    String base = (max ? name.substring(0, name.length() - 4) : name).replace('.', '_');
    if (!unit.isEmpty() && !base.endsWith("_" + unit)) {
      base = base + "_" + unit;
    }
    if (max) {
      return base + "_max";
    }
    if (metric.hasSum() && metric.getSum().getIsMonotonic() && !base.endsWith("_total")) {
      return base + "_total";
    }
    return base;
  }

  /** Every series of the OTLP metrics, as Prometheus families and labels. */
  static Set<String> ofOtlp(List<Metric> metrics) {
    Set<String> histograms = new TreeSet<>();
    metrics.stream().filter(Metric::hasHistogram).forEach(m -> histograms.add(m.getName()));
    Set<String> series = new TreeSet<>();
    for (Metric metric : metrics) {
      String family = family(metric, histograms);
      if (metric.hasSum()) {
        for (NumberDataPoint point : metric.getSum().getDataPointsList()) {
          series.add(series(family, OtlpMetricsReceiver.attributes(point.getAttributesList())));
        }
      } else if (metric.hasGauge()) {
        for (NumberDataPoint point : metric.getGauge().getDataPointsList()) {
          series.add(series(family, OtlpMetricsReceiver.attributes(point.getAttributesList())));
        }
      } else if (metric.hasHistogram()) {
        for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
          series.add(series(family, OtlpMetricsReceiver.attributes(point.getAttributesList())));
        }
      }
    }
    return series;
  }

  /**
   * Every series of a Prometheus text exposition, by family ({@code _bucket}, {@code _count} and
   * {@code _sum} of histograms and summaries belong to theirs).
   */
  static Set<String> ofExposition(String text) {
    Map<String, String> types = new HashMap<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        types.put(parts[2], parts[3]);
      }
    }
    Set<String> series = new TreeSet<>();
    for (Exposition.Sample sample : Exposition.parse(text).samples()) {
      String family = sample.name();
      for (String suffix : List.of("_bucket", "_count", "_sum")) {
        String candidate =
            family.endsWith(suffix) ? family.substring(0, family.length() - suffix.length()) : null;
        if (candidate != null
            && ("histogram".equals(types.get(candidate))
                || "summary".equals(types.get(candidate)))) {
          family = candidate;
          break;
        }
      }
      Map<String, String> labels = new LinkedHashMap<>(sample.labels());
      labels.remove("le");
      series.add(series(family, labels));
    }
    return series;
  }

  static String series(String family, Map<String, String> labels) {
    StringBuilder sb = new StringBuilder(family).append('{');
    new java.util.TreeMap<>(labels)
        .forEach((k, v) -> sb.append(k).append("=\"").append(v).append("\","));
    return sb.append('}').toString();
  }
}
