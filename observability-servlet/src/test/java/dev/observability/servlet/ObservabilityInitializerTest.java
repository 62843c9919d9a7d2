package dev.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.Observability;
import java.net.http.HttpResponse;
import java.util.Map;
import org.eclipse.jetty.ee10.servlet.ServletContainerInitializerHolder;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The initializer as the container runs it for a web application. */
class ObservabilityInitializerTest {

  private final RecordingModule recording = new RecordingModule(true);
  private @Nullable TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    Observability.current().ifPresent(Observability::close);
  }

  private void startInstance(Map<String, String> properties) {
    var builder =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property("shutdown.hook", "false")
            .discoverModules(false)
            .module(recording)
            .module(new ServletModule());
    properties.forEach(builder::property);
    builder.start();
  }

  private TestServer deploy(Map<String, String> contextParameters) throws Exception {
    server =
        TestServer.start(
            "/app",
            context -> {
              contextParameters.forEach(context::setInitParameter);
              context.addServletContainerInitializer(
                  new ServletContainerInitializerHolder(new ObservabilityInitializer()));
              context.addServlet(
                  new ServletHolder(new ObservabilityFilterTest.TextServlet("hi")), "/hello");
            });
    return server;
  }

  @Test
  void initializer_withARunningInstance_registersFilterAndEndpoints() throws Exception {
    startInstance(Map.of());
    deploy(Map.of());

    HttpResponse<String> hello = server.get("/app/hello");
    HttpResponse<String> metrics = server.get("/app/metrics");

    assertThat(hello.headers().firstValue("X-Request-ID")).isPresent();
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(recording.stopped)
        .singleElement()
        .satisfies(
            s -> {
              assertThat(s.route()).isEqualTo("/app/hello");
              assertThat(s.status()).isEqualTo(200);
            });
  }

  @Test
  void initializer_switchedOffByContextParameter_registersNothing() throws Exception {
    startInstance(Map.of());
    deploy(Map.of(ObservabilityInitializer.AUTO_REGISTER_PARAMETER, "false"));

    HttpResponse<String> hello = server.get("/app/hello");

    assertThat(hello.headers().firstValue("X-Request-ID")).isEmpty();
    assertThat(server.get("/app/metrics").statusCode()).isEqualTo(404);
  }

  @Test
  void initializer_switchedOffByConfiguration_registersNothing() throws Exception {
    startInstance(Map.of("servlet.auto-register", "false"));
    deploy(Map.of());

    assertThat(server.get("/app/hello").headers().firstValue("X-Request-ID")).isEmpty();
  }

  @Test
  void initializer_withNoInstance_startsOneAndClosesItWithTheApplication() throws Exception {
    deploy(Map.of());

    Observability started = Observability.current().orElseThrow();
    assertThat(started.modules()).contains("servlet");
    assertThat(server.get("/app/hello").headers().firstValue("X-Request-ID")).isPresent();

    server.close();
    server = null;

    assertThat(started.isClosed()).isTrue();
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void initializer_toldNotToStart_leavesItToTheApplication() throws Exception {
    deploy(Map.of(ObservabilityInitializer.START_PARAMETER, "false"));

    assertThat(Observability.current()).isEmpty();
    assertThat(server.get("/app/hello").headers().firstValue("X-Request-ID")).isEmpty();

    startInstance(Map.of());

    assertThat(server.get("/app/hello").headers().firstValue("X-Request-ID")).isPresent();
  }

  @Test
  void servletModule_badServletConfiguration_failsStartWithTheKey() {
    assertThatThrownBy(() -> startInstance(Map.of("servlet.excluded-paths", "metrics")))
        .hasMessageContaining("servlet.excluded-paths");
  }
}
