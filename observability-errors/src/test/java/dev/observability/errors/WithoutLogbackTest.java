package dev.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.Observability;
import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The module runs, and captures, where Logback is not on the class path at all. */
class WithoutLogbackTest {

  @Test
  void start_withoutLogbackOnTheClassPath_capturesThroughTheApi() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        URLClassLoader loader =
            new URLClassLoader(classPathWithoutLogback(), ClassLoader.getPlatformClassLoader())) {
      assertThat(loader.getResource("ch/qos/logback/classic/LoggerContext.class")).isNull();
      Class<?> run = loader.loadClass(Run.class.getName());

      String id = (String) run.getMethod("capture", String.class).invoke(null, sentry.dsn());

      assertThat(id).hasSize(32);
      sentry.awaitEvent(e -> e.getEventId().toString().equals(id));
    }
  }

  private static URL[] classPathWithoutLogback() throws MalformedURLException {
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<URL> urls = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isBlank() && !entry.contains("logback")) {
        urls.add(Path.of(entry).toUri().toURL());
      }
    }
    return urls.toArray(new URL[0]);
  }

  /** Loaded by the Logback-free class loader. */
  public static final class Run {
    private Run() {}

    /** Starts an instance with the errors module, captures one exception, closes. */
    public static String capture(String dsn) {
      try (Observability obs =
          Observability.builder()
              .systemProperties(Map.of())
              .environmentVariables(Map.of())
              .discoverModules(false)
              .property("shutdown.hook", "false")
              .property("errors.dsn", dsn)
              .property("errors.server-name", "no-logback")
              .module(new ErrorsModule())
              .start()) {
        return obs.errors().capture(new IllegalStateException("no logback here"));
      }
    }
  }
}
