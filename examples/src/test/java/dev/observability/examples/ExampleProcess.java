package dev.observability.examples;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
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

/**
 * The packaged example jar running in its own JVM, with its standard output read line by line as it
 * comes. The environment is the test's without any {@code OTEL_*}, {@code SENTRY_*} or {@code
 * OBSERVABILITY_*} variable, plus those given.
 */
final class ExampleProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("listening on http://127.0.0.1:(\\d+)/");
  private static final ObjectMapper JSON = new ObjectMapper();

  final Process process;
  final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private ExampleProcess(Process process) {
    this.process = process;
    this.reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(reading the output failed: " + e + ")");
              }
            },
            "example-output");
    reader.setDaemon(true);
    reader.start();
  }

  static Path jar() {
    return Path.of(System.getProperty("example.jar", "target/observability-example.jar"));
  }

  static ExampleProcess start(Map<String, String> environment, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx256m");
    command.add("-jar");
    command.add(jar().toString());
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("OTEL_") || k.startsWith("SENTRY_") || k.startsWith("OBSERVABILITY_"));
    builder.environment().putAll(environment);
    return new ExampleProcess(builder.start());
  }

  /** The port the service listens on, once it says so. */
  int port() {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> findPort().isPresent() || !process.isAlive());
    return findPort().orElseThrow(() -> new AssertionError("no port in:\n" + output()));
  }

  private Optional<Integer> findPort() {
    for (String line : lines) {
      Matcher m = LISTENING.matcher(line);
      if (m.find()) {
        return Optional.of(Integer.parseInt(m.group(1)));
      }
    }
    return Optional.empty();
  }

  /** Everything printed so far. */
  String output() {
    return String.join("\n", lines);
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
    return jsonLines().stream()
        .filter(l -> message.equals(l.path("message").asText()))
        .filter(l -> requestId.equals(l.path("request_id").asText()))
        .findFirst();
  }

  /** Waits for the process to end by itself. */
  boolean waitFor(Duration timeout) throws InterruptedException {
    boolean exited = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (exited) {
      reader.join(TimeUnit.SECONDS.toMillis(10));
    }
    return exited;
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
      reader.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
