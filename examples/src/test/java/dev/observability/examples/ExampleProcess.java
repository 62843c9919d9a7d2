package dev.observability.examples;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The packaged example jar running in its own JVM, with its standard output read line by line as it
 * comes: with standard error merged in ({@link #start}), or apart ({@link #startApart}). The
 * environment is the test's without any {@code OTEL_*}, {@code SENTRY_*} or {@code OBSERVABILITY_*}
 * variable, plus those given.
 */
final class ExampleProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http://127.0.0.1:(\\d+)/");
  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;

  /** Standard output, with standard error merged in unless started apart. */
  final List<String> lines = new CopyOnWriteArrayList<>();

  /** Standard error, when started apart; else empty. */
  final List<String> errorLines = new CopyOnWriteArrayList<>();

  private final Thread reader;
  private final @Nullable Thread errorReader;

  private ExampleProcess(Process process, boolean apart) {
    this.process = process;
    this.reader = read(process.getInputStream(), lines, "example-output");
    this.errorReader = apart ? read(process.getErrorStream(), errorLines, "example-errors") : null;
  }

  private static Thread read(InputStream stream, List<String> into, String name) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  into.add(line);
                }
              } catch (IOException e) {
                into.add("(reading the output failed: " + e + ")");
              }
            },
            name);
    thread.setDaemon(true);
    thread.start();
    return thread;
  }

  static Path jar() {
    return Path.of(System.getProperty("example.jar", "target/observability-example.jar"));
  }

  static ExampleProcess start(Map<String, String> environment, String... args) throws IOException {
    return start(environment, false, jar(), args);
  }

  /** Starts the jar with its standard error apart from its standard output. */
  static ExampleProcess startApart(Map<String, String> environment, String... args)
      throws IOException {
    return start(environment, true, jar(), args);
  }

  /** Starts {@code jar} (a variant of the example jar) with its standard error apart. */
  static ExampleProcess startApart(Path jar, Map<String, String> environment, String... args)
      throws IOException {
    return start(environment, true, jar, args);
  }

  private static ExampleProcess start(
      Map<String, String> environment, boolean apart, Path jar, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar.toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(!apart);
    builder
        .environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("OTEL_") || k.startsWith("SENTRY_") || k.startsWith("OBSERVABILITY_"));
    builder.environment().putAll(environment);
    return new ExampleProcess(builder.start(), apart);
  }

  /** The port the service listens on, once it says so. */
  int port() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> findPort().isPresent() || !process.isAlive());
    return findPort().orElseThrow(() -> new AssertionError("no port in:\n" + output()));
  }

  private Optional<Integer> findPort() {
    List<String> all = new ArrayList<>(lines);
    all.addAll(errorLines);
    for (String line : all) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Optional.of(Integer.parseInt(m.group(1)));
      }
    }
    return Optional.empty();
  }

  /** Everything printed so far (standard output, then standard error when apart). */
  String output() {
    List<String> all = new ArrayList<>(lines);
    all.addAll(errorLines);
    return String.join("\n", all);
  }

  /** The lines printed so far that are JSON objects (the log lines). */
  List<JsonNode> jsonLines() {
    List<JsonNode> result = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("{")) {
        try {
          result.add(JSON.readTree(line));
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException("not JSON: " + line, e);
        }
      }
    }
    return result;
  }

  /** The access-log line of the request with {@code requestId}, once it is written. */
  JsonNode accessLine(String requestId) {
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> findLine("request completed", requestId).isPresent());
    return findLine("request completed", requestId).orElseThrow();
  }

  /** The first log line with {@code message} written for {@code requestId}, if any. */
  Optional<JsonNode> findLine(String message, String requestId) {
    for (String line : lines) {
      // Parsed only when it may be the one: the output may hold thousands of lines.
      if (line.startsWith("{") && line.contains(requestId)) {
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
          throw new UncheckedIOException("not JSON: " + line, e);
        }
        if (message.equals(node.path("message").asText())
            && requestId.equals(node.path("request_id").asText())) {
          return Optional.of(node);
        }
      }
    }
    return Optional.empty();
  }

  /** Waits for the process to end by itself. */
  boolean waitFor(Duration timeout) throws InterruptedException {
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (exited) {
      joinReaders();
    }
    return exited;
  }

  private void joinReaders() throws InterruptedException {
    reader.join(TimeUnit.SECONDS.toMillis(10));
    if (errorReader != null) {
      errorReader.join(TimeUnit.SECONDS.toMillis(10));
    }
  }

  @Override
  public void close() {
    try {
      if (process.isAlive()) {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
      joinReaders();
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
