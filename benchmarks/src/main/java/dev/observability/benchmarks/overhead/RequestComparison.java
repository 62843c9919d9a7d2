package dev.observability.benchmarks.overhead;

import dev.observability.benchmarks.ProcessCpuProfiler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs {@link RequestBenchmark} for each set-up in turn, one fork each, for several rounds, and
 * prints what each set-up adds to the bare request: on the request thread (ns), on every thread of
 * the process (cpu.ns) and in bytes, as medians over the rounds, with the SDK's additions as a
 * ratio of the agent's and of the hand-assembled peer's. Alternating the set-ups round by round
 * lets a slow period of the host hit all of them alike.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar \
 *   dev.observability.benchmarks.overhead.RequestComparison \
 *   --agent benchmarks/overhead/work/agent/opentelemetry-javaagent-&lt;version&gt;.jar [--rounds 3]
 *   [--setups bare,sdk,agent,peer] [--warmup 10] [--iterations 8] [--seconds 3]
 * </pre>
 *
 * <p>The {@code agent} set-up's fork gets the agent as set-up (c) of {@code run.sh} has it: traces
 * only, sent over OTLP/HTTP to the benchmark's sink.
 */
public final class RequestComparison {

  private static final List<String> SETUPS = List.of("bare", "sdk", "agent", "peer");
  private static final List<String> OPTIONS =
      List.of("agent", "rounds", "warmup", "iterations", "seconds", "setups");

  private RequestComparison() {}

  /** The command; see the class description. */
  public static void main(String[] args) throws RunnerException, IOException {
    Map<String, String> options = options(args);
    int rounds = positive(options, "rounds", 3);
    int warmup = positive(options, "warmup", 10);
    int iterations = positive(options, "iterations", 8);
    int seconds = positive(options, "seconds", 3);
    List<String> setups =
        Arrays.asList(options.getOrDefault("setups", "bare,sdk,agent,peer").split(","));
    for (String setup : setups) {
      if (!SETUPS.contains(setup)) {
        throw new IllegalArgumentException("unknown set-up '" + setup + "'; known: " + SETUPS);
      }
    }
    if (!setups.contains("bare")) {
      throw new IllegalArgumentException("--setups needs bare: the others are measured against it");
    }
    Path agent = null;
    if (setups.contains("agent")) {
      String jar = options.get("agent");
      if (jar == null || !Files.isRegularFile(Path.of(jar))) {
        throw new IllegalArgumentException(
            "set-up agent needs --agent <opentelemetry-javaagent.jar> (an existing file), not "
                + jar);
      }
      agent = Path.of(jar).toAbsolutePath();
    }

    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int round = 1; round <= rounds; round++) {
      for (String setup : setups) {
        ChainedOptionsBuilder builder =
            new OptionsBuilder()
                .include(RequestBenchmark.class.getName() + ".request")
                .param("setup", setup)
                .forks(1)
                .warmupIterations(warmup)
                .warmupTime(TimeValue.seconds(seconds))
                .measurementIterations(iterations)
                .measurementTime(TimeValue.seconds(seconds))
                .addProfiler(GCProfiler.class)
                .addProfiler(ProcessCpuProfiler.class)
                .verbosity(VerboseMode.SILENT);
        List<String> jvm = new ArrayList<>(List.of(RequestBenchmark.JVM_ARGS));
        if (setup.equals("agent")) {
          jvm.addAll(agentArguments(agent, RequestBenchmark.freePort()));
        }
        builder.jvmArgsAppend(jvm.toArray(String[]::new));
        RunResult run = new Runner(builder.build()).runSingle();
        double[] figures = {
          run.getPrimaryResult().getScore(),
          secondary(run, "cpu.ns/op"),
          secondary(run, "gc.alloc.rate.norm")
        };
        results.computeIfAbsent(setup, s -> new ArrayList<>()).add(figures);
        System.out.printf(
            Locale.ROOT,
            "round %d %-5s %,9.0f ns/op %,9.0f cpu.ns/op %,7.0f B/op%n",
            round,
            setup,
            figures[0],
            figures[1],
            figures[2]);
      }
    }
    System.out.print(report(results));
  }

  /** The agent's JVM arguments, as set-up (c) of {@code run.sh} configures it. */
  static List<String> agentArguments(Path agent, int sinkPort) {
    return List.of(
        "-javaagent:" + agent,
        "-Dotel.service.name=overhead-agent",
        "-Dotel.exporter.otlp.endpoint=http://127.0.0.1:" + sinkPort,
        "-Dotel.exporter.otlp.protocol=http/protobuf",
        "-Dotel.metrics.exporter=none",
        "-Dotel.logs.exporter=none");
  }

  /** The medians table, in Markdown. */
  static String report(Map<String, List<double[]>> results) {
    Map<String, double[]> medians = new LinkedHashMap<>();
    results.forEach((setup, rounds) -> medians.put(setup, medians(rounds)));
    double[] bare = medians.get("bare");
    StringBuilder out = new StringBuilder();
    out.append("\nMedians of ").append(results.get("bare").size()).append(" rounds:\n\n");
    out.append("| set-up | ns/op | cpu.ns/op | B/op | added ns | added cpu.ns | added B |\n");
    out.append("|---|---:|---:|---:|---:|---:|---:|\n");
    medians.forEach(
        (setup, m) -> {
          out.append(
              String.format(
                  Locale.ROOT, "| `%s` | %,.0f | %,.0f | %,.0f |", setup, m[0], m[1], m[2]));
          if (setup.equals("bare")) {
            out.append(" | | |\n");
          } else {
            out.append(
                String.format(
                    Locale.ROOT,
                    " %,.0f | %,.0f | %,.0f |%n",
                    m[0] - bare[0],
                    m[1] - bare[1],
                    m[2] - bare[2]));
          }
        });
    double[] sdk = medians.get("sdk");
    if (sdk != null) {
      for (String peer : List.of("agent", "peer")) {
        double[] other = medians.get(peer);
        if (other == null) {
          continue;
        }
        out.append(
            String.format(
                Locale.ROOT,
                "%nsdk's additions against %s's: ns %.2f x, cpu.ns %.2f x, bytes %.2f x",
                peer,
                (sdk[0] - bare[0]) / (other[0] - bare[0]),
                (sdk[1] - bare[1]) / (other[1] - bare[1]),
                (sdk[2] - bare[2]) / (other[2] - bare[2])));
      }
      out.append('\n');
    }
    return out.toString();
  }

  private static double[] medians(List<double[]> rounds) {
    double[] medians = new double[rounds.get(0).length];
    for (int i = 0; i < medians.length; i++) {
      int column = i;
      double[] values = rounds.stream().mapToDouble(r -> r[column]).sorted().toArray();
      int mid = values.length / 2;
      medians[i] = values.length % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }
    return medians;
  }

  private static double secondary(RunResult run, String label) {
    @SuppressWarnings("rawtypes") // JMH's own signature
    Result result = run.getSecondaryResults().get(label);
    if (result == null) {
      throw new IllegalStateException("the run reported no " + label);
    }
    return result.getScore();
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "arguments come as --name value pairs: " + String.join(" ", args));
      }
      String name = args[i].substring(2);
      if (!OPTIONS.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name + "; known: " + OPTIONS);
      }
      options.put(name, args[i + 1]);
    }
    return options;
  }

  private static int positive(Map<String, String> options, String name, int otherwise) {
    String value = options.get(name);
    if (value == null) {
      return otherwise;
    }
    int parsed = Integer.parseInt(value);
    if (parsed < 1) {
      throw new IllegalArgumentException("--" + name + " must be at least 1, not " + value);
    }
    return parsed;
  }
}
