package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.ConfigKey;
import dev.observability.CoreConfig;
import dev.observability.scrub.ScrubberConfig;
import dev.observability.spi.ObservabilityModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} true to the code: every key that core, the scrubber and every
 * module on the class path declares is documented with its environment variables.
 */
class ConfigurationDocTest {

  @Test
  void configurationDoc_listsEveryDeclaredKey_withItsEnvironmentVariables() throws IOException {
    String doc =
        Files.readString(Path.of("..", "docs", "configuration.md"), StandardCharsets.UTF_8);
    List<ConfigKey<?>> keys = new ArrayList<>(CoreConfig.keys());
    keys.addAll(ScrubberConfig.KEYS);
    List<String> modules = new ArrayList<>();
    for (ObservabilityModule module : ServiceLoader.load(ObservabilityModule.class)) {
      modules.add(module.name());
      keys.addAll(module.configKeys());
    }
    assertThat(modules)
        .containsExactlyInAnyOrder("logging", "metrics", "tracing", "errors", "health", "servlet");

    List<String> missing = new ArrayList<>();
    for (ConfigKey<?> key : keys) {
      if (!doc.contains("`" + key.name() + "`")) {
        missing.add(key.name());
      }
      if (!doc.contains("`" + key.environmentVariable() + "`")) {
        missing.add(key.environmentVariable());
      }
      for (String standard : key.standardEnvironmentVariables()) {
        if (!doc.contains(standard)) {
          missing.add(standard + " (of " + key.name() + ")");
        }
      }
    }
    assertThat(missing).as("undocumented in docs/configuration.md").isEmpty();
  }
}
