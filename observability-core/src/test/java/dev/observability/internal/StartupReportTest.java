package dev.observability.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.ObservabilityConfig;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupReportTest {

  @Test
  void version_ofAnSdkArtifact_isReadFromTheMavenPropertiesInItsJar() {
    assertThat(StartupReport.version(StartupReportTest.class, "observability-versioned"))
        .isEqualTo("9.8.7");
  }

  @Test
  void version_withoutPomPropertiesOrManifest_isUnknown() {
    assertThat(StartupReport.version(StartupReportTest.class, "observability-absent"))
        .isEqualTo("unknown");
    assertThat(StartupReport.version(StartupReportTest.class, null)).isEqualTo("unknown");
  }

  @Test
  void version_ofAJarWithAManifest_isItsImplementationVersion() {
    // The JDK's own classes carry no Implementation-Version; a library jar on the test class path
    // does (JUnit's API), as a third-party module's jar would.
    assertThat(StartupReport.version(Test.class, null))
        .isEqualTo(Test.class.getPackage().getImplementationVersion())
        .isNotEqualTo("unknown");
  }

  @Test
  void unregistered_withNoSdkModuleOnTheClassPath_isEmpty() {
    ObservabilityConfig config = ObservabilityConfig.beforeStart(Map.of(), Map.of());

    assertThat(
            StartupReport.unregistered(List.of(), config, StartupReportTest.class.getClassLoader()))
        .isEmpty();
  }

  @Test
  void unregistered_aModuleWhoseServiceFileWasLost_isNamed_unlessStartedOrDisabled() {
    // A loader that finds three SDK module class files (this test's stand-in's) but no service
    // file, as in a fat jar whose service files were not merged.
    ClassLoader withoutServiceFiles =
        new ClassLoader(StartupReportTest.class.getClassLoader()) {
          @Override
          public URL getResource(String name) {
            for (String module : List.of("metrics", "health", "errors")) {
              if (name.equals(StartupReport.SDK_MODULES.get(module).replace('.', '/') + ".class")) {
                return super.getResource(StandIn.class.getName().replace('.', '/') + ".class");
              }
            }
            return super.getResource(name);
          }

          @Override
          public Enumeration<URL> getResources(String name) throws IOException {
            return name.startsWith("META-INF/services/")
                ? Collections.emptyEnumeration()
                : super.getResources(name);
          }
        };
    ObservabilityConfig config =
        ObservabilityConfig.beforeStart(
            Map.of(), Map.of("OBSERVABILITY_MODULES_DISABLED", "health"));

    assertThat(StartupReport.unregistered(List.of(new StandIn()), config, withoutServiceFiles))
        .containsExactly("metrics");
  }

  /** Stands for an SDK module class; named {@code errors} when it runs. */
  static final class StandIn implements ObservabilityModule {
    @Override
    public String name() {
      return "errors";
    }

    @Override
    public int order() {
      return 0;
    }

    @Override
    public void start(ModuleContext context) {}
  }
}
