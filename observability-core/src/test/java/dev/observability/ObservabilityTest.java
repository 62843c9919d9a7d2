package dev.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ObservabilityTest {

  @BeforeEach
  void clearEvents() {
    TestModule.EVENTS.clear();
  }

  @AfterEach
  void closeRunning() {
    Observability.current().ifPresent(Observability::close);
  }

  private static ObservabilityBuilder isolated() {
    return Observability.builder()
        .systemProperties(Map.of())
        .environmentVariables(Map.of())
        .property(CoreConfig.SHUTDOWN_HOOK, false);
  }

  @Test
  void precedence_builderOverSystemPropertyOverEnvironmentOverDefault() {
    Map<String, String> env =
        Map.of(
            "OBSERVABILITY_SERVICE_NAME", "from-env",
            "OBSERVABILITY_SERVICE_VERSION", "1.0-env",
            "OBSERVABILITY_SERVICE_ENVIRONMENT", "staging-env");
    Map<String, String> props =
        Map.of(
            "observability.service.name", "from-prop", "observability.service.version", "2.0-prop");
    try (Observability obs =
        isolated()
            .environmentVariables(env)
            .systemProperties(props)
            .serviceName("from-builder")
            .start()) {
      assertThat(obs.service().name()).isEqualTo("from-builder");
      assertThat(obs.service().version()).isEqualTo("2.0-prop");
      assertThat(obs.service().environment()).isEqualTo("staging-env");
      assertThat(obs.config().sourceOf(CoreConfig.SERVICE_VERSION))
          .isEqualTo("system property observability.service.version");
    }
    try (Observability obs = isolated().start()) {
      assertThat(obs.service().name()).isEqualTo("unknown_service:java");
      assertThat(obs.service().environment()).isEqualTo("production");
      assertThat(obs.service().version()).isEqualTo("unknown");
    }
  }

  @Test
  void precedence_observabilityVariableOverStandardOverResourceAttributes() {
    Map<String, String> env =
        Map.of(
            "OTEL_SERVICE_NAME", "otel-name",
            "OTEL_RESOURCE_ATTRIBUTES",
                "service.name=attr-name,service.version=3.1,deployment.environment.name=qa,team=payments");
    try (Observability obs = isolated().environmentVariables(env).start()) {
      assertThat(obs.service().name()).isEqualTo("otel-name");
      assertThat(obs.service().version()).isEqualTo("3.1");
      assertThat(obs.service().environment()).isEqualTo("qa");
      assertThat(obs.service().resourceAttributes()).containsExactly(Map.entry("team", "payments"));
    }
    Map<String, String> both =
        Map.of("OTEL_SERVICE_NAME", "otel-name", "OBSERVABILITY_SERVICE_NAME", "ours");
    try (Observability obs = isolated().environmentVariables(both).start()) {
      assertThat(obs.service().name()).isEqualTo("ours");
    }
  }

  @Test
  void validation_listsEveryProblemWithTheKeyToChange() {
    assertThatThrownBy(
            () ->
                isolated()
                    .property("shutdown.timeout", "soon")
                    .property("test.level", "9")
                    .environmentVariables(Map.of("OBSERVABILITY_TEST_THROWING_HANDLER", "maybe"))
                    .serviceName("bad\nname")
                    .start())
        .isInstanceOfSatisfying(
            ConfigurationException.class,
            e -> {
              assertThat(e.problems()).hasSize(4);
              assertThat(e.getMessage())
                  .contains("4 problems")
                  .contains(
                      "shutdown.timeout (system property observability.shutdown.timeout,"
                          + " environment OBSERVABILITY_SHUTDOWN_TIMEOUT)")
                  .contains("must be a duration")
                  .contains("test.level")
                  .contains("must be between 1 and 5")
                  .contains("OBSERVABILITY_TEST_THROWING_HANDLER")
                  .contains("must be true or false")
                  .contains("OTEL_SERVICE_NAME");
            });
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void validation_propertyWithOrigin_namesTheOriginInTheProblemAndInSourceOf() {
    assertThatThrownBy(
            () ->
                isolated()
                    .property("shutdown.timeout", "soon", "Spring property in application.yml")
                    .start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("shutdown.timeout (system property observability.shutdown.timeout")
        .hasMessageContaining("= 'soon' (from Spring property in application.yml): ")
        .hasMessageNotContaining("builder property");
    try (Observability obs =
        isolated()
            .property("service.version", "7", "Spring property in application.yml")
            .property("service.name", "plain")
            .start()) {
      assertThat(obs.config().sourceOf(CoreConfig.SERVICE_VERSION))
          .isEqualTo("Spring property in application.yml");
      assertThat(obs.config().sourceOf(CoreConfig.SERVICE_NAME))
          .isEqualTo("builder property service.name");
    }
  }

  @Test
  void validation_moduleCrossKeyRules_areReportedWithTheModuleName() {
    assertThatThrownBy(
            () -> isolated().property("test.level", "1").property("test.cross", "x").start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("test: test.cross needs test.level of 2 or more");
  }

  @Test
  void spi_discoversTestModule_andExposesItsFeatureTyped() {
    try (Observability obs = isolated().serviceName("checkout").start()) {
      assertThat(obs.modules()).containsExactly("test");
      TestModule.Greeting greeting = obs.require(TestModule.Greeting.class);
      assertThat(greeting.text()).isEqualTo("hello from checkout");
      assertThat(obs.find(String.class)).isEmpty();
      assertThatThrownBy(() -> obs.require(String.class))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("java.lang.String is not available");
    }
  }

  @Test
  void spi_disabledModule_doesNotStart() {
    try (Observability obs = isolated().property("modules.disabled", "test").start()) {
      assertThat(obs.modules()).isEmpty();
      assertThat(obs.observe("work", () -> 42)).isEqualTo(42);
      assertThat(obs.errors().capture(new RuntimeException("x"))).isEmpty();
      assertThat(obs.tracer().spanBuilder("s").startSpan().getSpanContext().isValid()).isFalse();
    }
    assertThat(TestModule.EVENTS).isEmpty();
  }

  @Test
  void spi_moduleThatFailsToStart_failsStartWithItsName() {
    assertThatThrownBy(() -> isolated().property("test.fail-start", "true").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("observability module 'test' failed to start")
        .hasMessageContaining("cannot reach the test backend")
        .hasCauseInstanceOf(IllegalArgumentException.class);
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void spine_throwingHandler_neverReachesTheCaller_andIsCounted() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    try (Observability obs =
        isolated().meterRegistry(registry).property("test.throwing-handler", "true").start()) {
      String result = obs.observe("checkout", () -> "done");

      assertThat(result).isEqualTo("done");
      assertThat(TestModule.EVENTS).containsExactly("start:checkout", "stop:checkout");
      assertThat(
              registry
                  .get("observability.internal.errors")
                  .tag("component", "test")
                  .counter()
                  .count())
          .isEqualTo(2.0);
      assertThat(obs.internalErrorCount("test")).isEqualTo(2.0);
    }
  }

  @Test
  void spine_hostException_passesThroughUnchanged_andIsSeenByHandlers() {
    IllegalArgumentException thrown = new IllegalArgumentException("bad cart");
    try (Observability obs = isolated().start()) {
      assertThatThrownBy(
              () ->
                  obs.observe(
                      "checkout",
                      (Runnable)
                          () -> {
                            throw thrown;
                          }))
          .isSameAs(thrown);
      assertThatThrownBy(
              () ->
                  obs.observeChecked(
                      "io",
                      () -> {
                        throw new java.io.IOException("disk");
                      }))
          .isInstanceOf(java.io.IOException.class)
          .hasMessage("disk");
    }
    assertThat(TestModule.EVENTS)
        .containsExactly(
            "start:checkout",
            "error:checkout",
            "stop:checkout",
            "start:io",
            "error:io",
            "stop:io",
            "closed");
  }

  @Test
  void close_twice_isIdempotent_andClosesModulesOnce() {
    Observability obs = isolated().start();
    obs.close();
    obs.close();
    assertThat(obs.isClosed()).isTrue();
    assertThat(TestModule.EVENTS).containsExactly("closed");
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void secondStart_whileRunning_isRejected_andWorksAfterClose() {
    Observability first = isolated().serviceName("first").start();
    assertThatThrownBy(() -> isolated().serviceName("second").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already running")
        .hasMessageContaining("'first'")
        .hasMessageContaining("Observability.current()");
    assertThat(Observability.current()).containsSame(first);
    first.close();
    try (Observability second = isolated().serviceName("second").start()) {
      assertThat(second.service().name()).isEqualTo("second");
    }
  }

  @Test
  void close_isBounded_whenAModuleHangs() {
    Observability obs =
        isolated()
            .property("shutdown.timeout", "200ms")
            .module(
                new dev.observability.spi.ObservabilityModule() {
                  @Override
                  public String name() {
                    return "hanging";
                  }

                  @Override
                  public int order() {
                    return 1;
                  }

                  @Override
                  public void start(dev.observability.spi.ModuleContext context) {
                    context.onClose(
                        () -> {
                          new java.util.concurrent.CountDownLatch(1).await();
                        });
                  }
                })
            .start();
    long startNanos = System.nanoTime();
    obs.close();
    long tookMillis = (System.nanoTime() - startNanos) / 1_000_000;
    assertThat(obs.isClosed()).isTrue();
    // Not a timing assertion on our speed: the hang is infinite, so returning at all proves the
    // bound.
    assertThat(tookMillis).isLessThan(60_000);
  }

  @Test
  void setUserId_outsideARequest_doesNothing() {
    try (Observability obs = isolated().start()) {
      obs.setUserId("u-1");
      HttpServerObservationContext ctx =
          new HttpServerObservationContext("GET", "/", null, h -> null);
      obs.observationRegistry();
      io.micrometer.observation.Observation.createNotStarted(
              ObservationNames.HTTP_SERVER, () -> ctx, obs.observationRegistry())
          .observe(() -> obs.observe("inner", () -> obs.setUserId("u-2")));
      assertThat(ctx.getUserId()).isEqualTo("u-2");
    }
  }

  @Test
  void validation_secretKey_neverEchoesItsValue() {
    ConfigKey<Integer> secret = ConfigKey.integer("test.secret-number", 1, 1, 5).secret();
    assertThatThrownBy(
            () ->
                isolated()
                    .module(
                        new dev.observability.spi.ObservabilityModule() {
                          @Override
                          public String name() {
                            return "secretive";
                          }

                          @Override
                          public int order() {
                            return 1;
                          }

                          @Override
                          public java.util.List<ConfigKey<?>> configKeys() {
                            return java.util.List.of(secret);
                          }

                          @Override
                          public void start(dev.observability.spi.ModuleContext context) {}
                        })
                    .property("test.secret-number", "sk_live_hunter2")
                    .start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("test.secret-number")
        .hasMessageContaining("secret value not shown")
        .hasMessageNotContaining("hunter2");
  }
}
