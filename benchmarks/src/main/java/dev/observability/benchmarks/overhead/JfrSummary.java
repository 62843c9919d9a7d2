package dev.observability.benchmarks.overhead;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;
import org.jspecify.annotations.Nullable;

/**
 * Summarises a JFR recording of the overhead app: where allocation ({@code
 * jdk.ObjectAllocationSample}, by sampled weight) and CPU ({@code jdk.ExecutionSample}, by sample
 * count) go, by library.
 *
 * <p>Two views per event type: <em>self</em> charges each sample to the library of its innermost
 * frame outside the JDK ({@code java.*}, {@code jdk.*}, {@code sun.*}), so JDK work counts for the
 * library that asked for it; <em>inclusive</em> counts a sample for every library that has a frame
 * anywhere in its stack. Then the top innermost non-JDK methods.
 *
 * <p>Usage: {@code JfrSummary <recording.jfr> [top N]}. Prints Markdown.
 */
public final class JfrSummary {

  private JfrSummary() {}

  /**
   * Prints the summary of a recording.
   *
   * @param args the recording's path, then optionally how many methods to list (default 15)
   */
  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      System.err.println("usage: JfrSummary <recording.jfr> [top N]");
      System.exit(2);
      return;
    }
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    Tally allocation = new Tally();
    Tally cpu = new Tally();
    try (RecordingFile file = new RecordingFile(Path.of(args[0]))) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        String type = event.getEventType().getName();
        if (type.equals("jdk.ObjectAllocationSample")) {
          allocation.add(event.getStackTrace(), event.getLong("weight"));
        } else if (type.equals("jdk.ExecutionSample")) {
          cpu.add(event.getStackTrace(), 1);
        }
      }
    }
    System.out.println("### Allocation (jdk.ObjectAllocationSample, sampled weight)");
    allocation.print(top);
    System.out.println();
    System.out.println("### CPU (jdk.ExecutionSample, samples)");
    cpu.print(top);
  }

  /** Sums of one event type by library and by method. */
  static final class Tally {
    private final Map<String, Long> selfByLibrary = new HashMap<>();
    private final Map<String, Long> inclusiveByLibrary = new HashMap<>();
    private final Map<String, Long> byMethod = new HashMap<>();
    private long total;

    void add(@Nullable RecordedStackTrace stack, long weight) {
      total += weight;
      if (stack == null) {
        selfByLibrary.merge("(no stack)", weight, Long::sum);
        return;
      }
      List<RecordedFrame> frames = stack.getFrames();
      String self = null;
      String selfMethod = null;
      Set<String> seen = new HashSet<>();
      for (RecordedFrame frame : frames) {
        if (frame.getMethod() == null) {
          continue;
        }
        String className = frame.getMethod().getType().getName();
        String library = library(className);
        if (self == null && !library.equals("jdk")) {
          self = library;
          selfMethod = className + "." + frame.getMethod().getName();
        }
        if (seen.add(library)) {
          inclusiveByLibrary.merge(library, weight, Long::sum);
        }
      }
      selfByLibrary.merge(self != null ? self : "jdk", weight, Long::sum);
      if (selfMethod != null) {
        byMethod.merge(selfMethod, weight, Long::sum);
      }
    }

    void print(int top) {
      long sdk = 0;
      for (Map.Entry<String, Long> e : selfByLibrary.entrySet()) {
        if (isSdk(e.getKey())) {
          sdk += e.getValue();
        }
      }
      System.out.println();
      System.out.printf(
          "SDK and its libraries (dev.observability.* but the app, io.micrometer, io.opentelemetry,"
              + " io.prometheus, io.sentry), self: %.1f %%%n",
          percent(sdk));
      System.out.println();
      System.out.println("| library | self % | inclusive % |");
      System.out.println("|---|---:|---:|");
      selfByLibrary.keySet().stream()
          .sorted(Comparator.comparing((String k) -> -selfByLibrary.get(k)))
          .limit(top)
          .forEach(
              k ->
                  System.out.printf(
                      "| %s | %.1f | %.1f |%n",
                      k,
                      percent(selfByLibrary.get(k)),
                      percent(inclusiveByLibrary.getOrDefault(k, 0L))));
      System.out.println();
      System.out.println("| innermost non-JDK method | % |");
      System.out.println("|---|---:|");
      byMethod.entrySet().stream()
          .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .limit(top)
          .forEach(e -> System.out.printf("| `%s` | %.1f |%n", e.getKey(), percent(e.getValue())));
    }

    private double percent(long value) {
      return total == 0 ? 0 : 100.0 * value / total;
    }
  }

  /** Whether a library of {@link #library} belongs to the SDK or the libraries it brings. */
  static boolean isSdk(String library) {
    return (library.startsWith("dev.observability") && !library.startsWith("app "))
        || library.startsWith("io.micrometer")
        || library.startsWith("io.opentelemetry")
        || library.startsWith("io.prometheus")
        || library.startsWith("io.sentry");
  }

  /** The library a class belongs to, by package prefix. */
  static String library(String className) {
    if (className.startsWith("java.")
        || className.startsWith("jdk.")
        || className.startsWith("sun.")
        || className.startsWith("com.sun.")) {
      return "jdk";
    }
    String[] parts = className.split("\\.");
    int depth;
    if (className.startsWith("dev.observability.benchmarks.")) {
      return "app (dev.observability.benchmarks)";
    } else if (className.startsWith("dev.observability.")
        || className.startsWith("io.opentelemetry.")) {
      depth = 3;
    } else {
      depth = 2;
    }
    StringBuilder prefix = new StringBuilder();
    for (int i = 0; i < Math.min(depth, parts.length - 1); i++) {
      if (i > 0) {
        prefix.append('.');
      }
      prefix.append(parts[i]);
    }
    return prefix.length() == 0 ? className : prefix.toString();
  }
}
