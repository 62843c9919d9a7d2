package dev.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.internal.ConfigSources;
import dev.observability.spi.ObservabilityModule;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * One {@link ConfigurationException} with every problem, each saying what to change and where;
 * {@code modules.disabled} checked against the modules that exist; unknown names answered with the
 * nearest key. The test module on the class path is named {@code test}.
 */
class ConfigurationCheckTest {

  private static ObservabilityBuilder isolated() {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .property(CoreConfig.SHUTDOWN_HOOK, false);
  }

  private static ConfigurationException failure(ObservabilityBuilder builder) {
    try (Observability obs = builder.start()) {
      throw new AssertionError("start() succeeded with " + obs.modules());
    } catch (ConfigurationException e) {
      assertThat(Observability.current()).isEmpty();
      return e;
    }
  }

  @Test
  void start_keyProblemUnknownModuleAndModuleRule_areReportedInOneException() {
    ConfigurationException e =
        failure(
            isolated()
                .environmentVariables(
                    Map.of(
                        "OBSERVABILITY_SHUTDOWN_TIMEOUT", "soon",
                        "OBSERVABILITY_MODULES_DISABLED", "tset"))
                .property("test.level", "1")
                .property("test.cross", "x"));

    assertThat(e.problems()).hasSize(3);
    assertThat(e.problems().get(0))
        .isEqualTo(
            "shutdown.timeout (system property observability.shutdown.timeout, environment"
                + " OBSERVABILITY_SHUTDOWN_TIMEOUT) = 'soon' (from environment"
                + " OBSERVABILITY_SHUTDOWN_TIMEOUT): must be a duration such as 500ms, 5s, 2m or"
                + " PT5S, not 'soon'");
    assertThat(e.problems().get(1))
        .startsWith(
            "modules.disabled (system property observability.modules.disabled, environment"
                + " OBSERVABILITY_MODULES_DISABLED) = 'tset' (from environment"
                + " OBSERVABILITY_MODULES_DISABLED): must name modules")
        .contains("'tset' (did you mean 'test'?) is not one")
        .contains("Modules on the class path: test;")
        .contains("the SDK's modules: logging, metrics, tracing, errors, health, servlet");
    assertThat(e.problems().get(2)).isEqualTo("test: test.cross needs test.level of 2 or more");
    assertThat(e.getMessage()).startsWith("Invalid observability configuration (3 problems):");
  }

  @Test
  void start_misspeltModuleToDisable_failsRatherThanStartingIt() {
    TestModule.EVENTS.clear();
    ConfigurationException e =
        failure(
            isolated()
                .environmentVariables(Map.of("OBSERVABILITY_MODULES_DISABLED", "tracingg, tst")));

    assertThat(e.problems()).hasSize(1);
    assertThat(e.getMessage())
        .contains("'tracingg' (did you mean 'tracing'?), 'tst' (did you mean 'test'?) are not")
        .contains("Modules on the class path: test;");
    assertThat(TestModule.EVENTS).isEmpty();
  }

  @Test
  void start_sdkModuleNotOnTheClassPathDisabled_isAccepted() {
    try (Observability obs =
        isolated()
            .environmentVariables(Map.of("OBSERVABILITY_MODULES_DISABLED", "errors,tracing"))
            .start()) {
      assertThat(obs.modules()).containsExactly("test");
    }
  }

  @Test
  void start_moduleToDisableInAnyCase_isDisabled() {
    try (Observability obs = isolated().property("modules.disabled", " Test ").start()) {
      assertThat(obs.modules()).isEmpty();
    }
  }

  @Test
  void start_patternMatchingTheMask_isReportedWithTheKeyProblems() {
    ConfigurationException e =
        failure(isolated().property("scrub.extra-patterns", "RED").property("test.level", "0"));

    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0)).startsWith("test.level").contains("between 1 and 5");
    assertThat(e.problems().get(1))
        .startsWith(
            "scrub.extra-patterns (system property observability.scrub.extra-patterns,"
                + " environment OBSERVABILITY_SCRUB_EXTRA_PATTERNS) = 'RED' (from builder property"
                + " scrub.extra-patterns): pattern 'RED' matches the mask");
  }

  @Test
  void problem_secretKey_namesWhereButNeverTheValue() {
    ConfigKey<String> secret =
        ConfigKey.string("demo.dsn", null).withStandardEnvironmentVariables("DEMO_DSN").secret();
    ObservabilityConfig config =
        ObservabilityConfig.resolve(
            new ConfigSources(Map.of(), Map.of(), Map.of("DEMO_DSN", "https://k3y@h/1")),
            List.of(secret));

    String problem = config.problem(secret, "must be a DSN");

    assertThat(problem)
        .isEqualTo(
            "demo.dsn (system property observability.demo.dsn, environment OBSERVABILITY_DEMO_DSN"
                + " or DEMO_DSN) = (secret value not shown) (from environment DEMO_DSN): must be a"
                + " DSN")
        .doesNotContain("k3y");
  }

  @Test
  void resolve_invalidKey_isKeptAndReadingItThrowsItsProblem() {
    ConfigKey<Integer> level = ConfigKey.integer("demo.level", 3, 1, 5);
    ObservabilityConfig config =
        ObservabilityConfig.resolve(
            new ConfigSources(Map.of("demo.level", "9"), Map.of(), Map.of()), List.of(level));

    assertThat(config.problems()).hasSize(1);
    assertThatThrownBy(() -> config.get(level))
        .isInstanceOf(ConfigurationException.class)
        .satisfies(
            e -> assertThat(((ConfigurationException) e).problems()).isEqualTo(config.problems()));
  }

  @Test
  void unknownNames_suggestTheNearestKeyInTheSameForm() {
    List<ConfigKey<?>> keys =
        List.of(
            ConfigKey.ratio("tracing.sample-ratio", 0.1),
            ConfigKey.ratio("errors.sample-rate", 1.0),
            CoreConfig.SHUTDOWN_TIMEOUT);
    ConfigSources sources =
        new ConfigSources(
            Map.of("shutdown.timout", "1s"),
            Map.of("observability.tracing.sample-rate", "0.5"),
            Map.of(
                "OBSERVABILITY_TRACING_SAMPLE_RATE", "0.5",
                "OBSERVABILITY_COMPLETELY_DIFFERENT", "x",
                "PATH", "/bin"));

    List<String> warnings =
        ConfigurationCheck.unknownNameWarnings(sources, keys, modules("tracing"));

    assertThat(warnings)
        .containsExactly(
            "observability configuration builder property shutdown.timout is not read by core or"
                + " by any module on the class path; did you mean shutdown.timeout?",
            "observability configuration system property observability.tracing.sample-rate is not"
                + " read by core or by any module on the class path; did you mean"
                + " observability.tracing.sample-ratio?",
            "observability configuration environment OBSERVABILITY_COMPLETELY_DIFFERENT is not"
                + " read by core or by any module on the class path",
            "observability configuration environment OBSERVABILITY_TRACING_SAMPLE_RATE is not read"
                + " by core or by any module on the class path; did you mean"
                + " OBSERVABILITY_TRACING_SAMPLE_RATIO?");
  }

  @Test
  void unknownNames_ofAnSdkModuleNotOnTheClassPath_sayWhichModuleToAdd() {
    ConfigSources sources =
        new ConfigSources(Map.of(), Map.of(), Map.of("OBSERVABILITY_ERRORS_DSN", "https://k@h/1"));

    List<String> warnings =
        ConfigurationCheck.unknownNameWarnings(sources, List.of(), modules("tracing"));

    assertThat(warnings)
        .containsExactly(
            "observability configuration environment OBSERVABILITY_ERRORS_DSN is not read: it"
                + " belongs to the errors module, which is not on the class path (add"
                + " observability-errors to read it)");
  }

  private static List<ObservabilityModule> modules(String... names) {
    return java.util.Arrays.stream(names)
        .map(
            name ->
                (ObservabilityModule)
                    new ObservabilityModule() {
                      @Override
                      public String name() {
                        return name;
                      }

                      @Override
                      public int order() {
                        return 0;
                      }

                      @Override
                      public void start(dev.observability.spi.ModuleContext context) {}
                    })
        .toList();
  }
}
