package dev.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.Observability;
import java.net.http.HttpResponse;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EndpointServletsTest {

  private @Nullable Observability obs;
  private @Nullable TestServer server;

  @AfterEach
  void tearDown() {
    if (server != null) {
      server.close();
    }
    if (obs != null) {
      obs.close();
    }
  }

  private Observability start(boolean endpoints, Map<String, String> properties) {
    var builder =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property("shutdown.hook", "false")
            .discoverModules(false)
            .module(new RecordingModule(endpoints))
            .module(new ServletModule());
    properties.forEach(builder::property);
    obs = builder.start();
    return obs;
  }

  private TestServer serve(Observability o) throws Exception {
    server =
        TestServer.start(
            "", context -> ObservabilityServlets.register(context.getServletContext(), o));
    return server;
  }

  @Test
  void metrics_writesTheScrapeEndpointsStatusTypeHeadersAndBody() throws Exception {
    serve(start(true, Map.of()));

    HttpResponse<String> response =
        server.get("/metrics", "Accept", "application/openmetrics-text; version=1.0.0");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.headers().firstValue("Vary")).contains("Accept");
    assertThat(response.body())
        .isEqualTo("# accept=application/openmetrics-text; version=1.0.0\nup 1\n");
  }

  @Test
  void health_eachPathAsksForItsGroup() throws Exception {
    serve(start(true, Map.of()));

    HttpResponse<String> all = server.get("/health");
    HttpResponse<String> live = server.get("/health/live");
    HttpResponse<String> ready = server.get("/health/ready");

    assertThat(all.body()).isEqualTo("{\"group\":\"ALL\"}");
    assertThat(live.body()).isEqualTo("{\"group\":\"LIVENESS\"}");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).isEqualTo("{\"group\":\"READINESS\"}");
    assertThat(ready.headers().firstValue("Content-Type")).contains("application/json");
  }

  @Test
  void endpoints_withoutTheirModules_answer404WithTheReason() throws Exception {
    serve(start(false, Map.of()));

    HttpResponse<String> metrics = server.get("/metrics");
    HttpResponse<String> health = server.get("/health");

    assertThat(metrics.statusCode()).isEqualTo(404);
    assertThat(metrics.body()).contains("metrics module is not running");
    assertThat(health.statusCode()).isEqualTo(404);
    assertThat(health.body()).contains("health module is not running");
  }

  @Test
  void endpoints_withNoInstanceRunning_answer503() throws Exception {
    server =
        TestServer.start(
            "",
            context -> {
              context.addServlet(
                  new org.eclipse.jetty.ee10.servlet.ServletHolder(new MetricsServlet()),
                  "/metrics");
            });

    HttpResponse<String> response = server.get("/metrics");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(response.body()).contains("not running");
  }

  @Test
  void healthServlet_fromWebXml_takesItsGroupFromTheInitParameter() throws Exception {
    start(true, Map.of());
    server =
        TestServer.start(
            "",
            context -> {
              org.eclipse.jetty.ee10.servlet.ServletHolder holder =
                  new org.eclipse.jetty.ee10.servlet.ServletHolder(HealthServlet.class);
              holder.setInitParameter(HealthServlet.GROUP_PARAMETER, "liveness");
              context.addServlet(holder, "/live");
              context.addServlet(
                  new org.eclipse.jetty.ee10.servlet.ServletHolder(HealthServlet.class), "/all");
            });

    assertThat(server.get("/live").body()).isEqualTo("{\"group\":\"LIVENESS\"}");
    assertThat(server.get("/all").body()).isEqualTo("{\"group\":\"ALL\"}");
  }

  @Test
  void endpoints_switchedOff_areNotRegistered() throws Exception {
    serve(start(true, Map.of("servlet.endpoints", "false")));

    assertThat(server.get("/metrics").statusCode()).isEqualTo(404);
    assertThat(server.get("/health").statusCode()).isEqualTo(404);
  }
}
