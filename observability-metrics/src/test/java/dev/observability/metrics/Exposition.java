package dev.observability.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The samples of a Prometheus text exposition, parsed line by line. */
record Exposition(List<Exposition.Sample> samples) {

  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern LINE =
      Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  static Exposition parse(String text) {
    List<Sample> samples = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      if (!m.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
    }
    return new Exposition(List.copyOf(samples));
  }

  List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name().equals(name)).toList();
  }

  /** The value of the one sample named {@code name} whose labels include {@code labels}. */
  double value(String name, Map<String, String> labels) {
    List<Sample> matching =
        named(name).stream()
            .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
            .toList();
    if (matching.size() != 1) {
      throw new AssertionError(
          "expected one sample "
              + name
              + labels
              + " but found "
              + matching.size()
              + ": "
              + matching);
    }
    return matching.get(0).value();
  }

  Set<String> labelValues(String name, String label) {
    Set<String> values = new TreeSet<>();
    for (Sample s : named(name)) {
      if (s.labels().containsKey(label)) {
        values.add(s.labels().get(label));
      }
    }
    return values;
  }

  Set<String> names() {
    Set<String> names = new TreeSet<>();
    samples.forEach(s -> names.add(s.name()));
    return names;
  }
}
