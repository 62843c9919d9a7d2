package dev.observability.health;

import static dev.observability.health.HealthTestSupport.JSON;
import static dev.observability.health.HealthTestSupport.get;
import static dev.observability.health.HealthTestSupport.isolated;
import static dev.observability.health.HealthTestSupport.nonCritical;
import static dev.observability.health.HealthTestSupport.registry;
import static dev.observability.health.HealthTestSupport.send;
import static dev.observability.health.HealthTestSupport.withServer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.Observability;
import dev.observability.health.HealthTestSupport.Answer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The standalone JDK server, over real HTTP on a loopback port. */
class HealthServerTest {

  @AfterEach
  void closeRunning() {
    Observability.current().ifPresent(Observability::close);
  }

  @Test
  void server_answersEachPathWithItsGroupAndStatus() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs).register("database", () -> HealthCheck.Result.down("refused"));
      registry(obs).register("cache", () -> HealthCheck.Result.down("no PONG"), nonCritical());

      Answer all = get(obs, "/health");
      Answer live = get(obs, "/health/live");
      Answer ready = get(obs, "/health/ready/");

      assertThat(all.status()).isEqualTo(503);
      assertThat(all.contentType()).isEqualTo("application/json");
      assertThat(all.json().path("status").asText()).isEqualTo("unhealthy");
      assertThat(live.status()).isEqualTo(200);
      assertThat(live.json().path("status").asText()).isEqualTo("healthy");
      assertThat(ready.status()).isEqualTo(503);
      assertThat(ready.check("cache").path("status").asText()).isEqualTo("down");

      registry(obs).unregister("database");
      Answer degraded = get(obs, "/health/ready");
      assertThat(degraded.status()).isEqualTo(200);
      assertThat(degraded.json().path("status").asText()).isEqualTo("degraded");
    }
  }

  @Test
  void server_sendsNoStore() throws Exception {
    try (Observability obs = withServer().start()) {
      HttpResponse<String> response = send(obs, "GET", "/health");

      assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-store");
      assertThat(JSON.readTree(response.body()).path("status").asText()).isEqualTo("healthy");
    }
  }

  @Test
  void server_unknownPath_is404_otherMethod_is405() throws Exception {
    try (Observability obs = withServer().start()) {
      HttpResponse<String> unknown = send(obs, "GET", "/health/other");
      HttpResponse<String> post = send(obs, "POST", "/health");

      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
      assertThat(JSON.readTree(send(obs, "GET", "/health/live").body()).path("status").asText())
          .isEqualTo("healthy");
    }
  }

  @Test
  void server_head_answersTheStatusWithoutBody() throws Exception {
    try (Observability obs = withServer().start()) {
      registry(obs).register("database", () -> HealthCheck.Result.down("refused"));

      HttpResponse<String> head = send(obs, "HEAD", "/health/ready");

      assertThat(head.statusCode()).isEqualTo(503);
      assertThat(head.body()).isEmpty();
      assertThat(get(obs, "/health/ready").json().path("status").asText()).isEqualTo("unhealthy");
    }
  }

  @Test
  void server_listensOnLoopbackByDefault_andStopsOnClose() throws Exception {
    Observability obs = withServer().start();
    InetSocketAddress address = obs.require(HealthServer.class).address();
    assertThat(address.getAddress().isLoopbackAddress()).isTrue();
    assertThat(get(obs, "/health").status()).isEqualTo(200);

    obs.close();

    assertThatThrownBy(
            () -> {
              try (Socket socket = new Socket()) {
                socket.connect(
                    new InetSocketAddress(address.getAddress(), address.getPort()), 2_000);
              }
            })
        .isInstanceOf(IOException.class);
  }

  @Test
  void server_portTaken_failsStartNamingTheAddress() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(
              () ->
                  isolated()
                      .property("health.server.port", String.valueOf(taken.getLocalPort()))
                      .start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("health")
          .hasMessageContaining("127.0.0.1:" + taken.getLocalPort());
    }
    assertThat(Observability.current()).isEmpty();
  }

  @Test
  void server_off_byDefault() {
    try (Observability obs = isolated().start()) {
      assertThat(obs.find(HealthServer.class)).isEmpty();
    }
  }
}
