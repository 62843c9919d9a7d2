package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Runs the packaged jar the way the README does, and reads what it prints. */
class ExampleServiceIT {

  @Test
  void jar_withTrafficAndDuration_servesAndStopsByItself() throws Exception {
    Path jar = Path.of(System.getProperty("example.jar", "target/observability-example.jar"));
    assertThat(jar).exists();
    Path out = Files.createTempFile("example", ".out");
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    jar.toString(),
                    "--port",
                    "0",
                    "--traffic",
                    "--duration-seconds",
                    "2"))
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    boolean exited = process.waitFor(60, TimeUnit.SECONDS);
    if (!exited) {
      process.destroyForcibly();
    }
    String output = read(out);
    assertThat(exited).as(output).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output)
        .contains("listening on http://127.0.0.1:")
        .contains("traffic summary: requests by status {200=15, 404=5}")
        .contains("example service stopped");
  }

  @Test
  void jar_withBadFlag_exitsWithUsage() throws Exception {
    Path jar = Path.of(System.getProperty("example.jar", "target/observability-example.jar"));
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar",
                jar.toString(),
                "--port",
                "http")
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(output).contains("--port must be a whole number").contains("usage:");
  }

  private static String read(Path path) throws IOException {
    return Files.readString(path, StandardCharsets.UTF_8);
  }
}
