package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.Observability;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  static Observability startWithServer() {
    return Instances.builder()
        .property("metrics.server.port", "0")
        .property("metrics.server.host", "127.0.0.1")
        .start();
  }

  static URI uri(Observability obs, String path) {
    InetSocketAddress address = Metrics.of(obs).serverAddress().orElseThrow();
    return URI.create("http://127.0.0.1:" + address.getPort() + path);
  }

  private HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return client.send(
        request.timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void get_metrics_answersTheExposition() throws Exception {
    try (Observability obs = startWithServer()) {
      Instances.request(obs, "GET", "/a", "/a", 200);

      HttpResponse<byte[]> response = send(HttpRequest.newBuilder(uri(obs, "/metrics")));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("text/plain; version=0.0.4; charset=utf-8");
      assertThat(new String(response.body(), StandardCharsets.UTF_8))
          .contains("http_requests_total{endpoint=\"/a\",method=\"GET\",status=\"200\"} 1.0");
    }
  }

  @Test
  void get_withAcceptHeaders_negotiatesOpenMetricsAndGzip() throws Exception {
    try (Observability obs = startWithServer()) {
      HttpResponse<byte[]> response =
          send(
              HttpRequest.newBuilder(uri(obs, "/metrics"))
                  .header("Accept", "application/openmetrics-text; version=1.0.0")
                  .header("Accept-Encoding", "gzip"));

      assertThat(response.headers().firstValue("Content-Type"))
          .hasValue("application/openmetrics-text; version=1.0.0; charset=utf-8");
      assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
      assertThat(response.headers().firstValue("Vary")).hasValue("Accept, Accept-Encoding");
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(response.body()))) {
        assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).endsWith("# EOF\n");
      }
    }
  }

  @Test
  void head_answersHeadersWithoutBody() throws Exception {
    try (Observability obs = startWithServer()) {
      HttpResponse<byte[]> response =
          send(
              HttpRequest.newBuilder(uri(obs, "/metrics"))
                  .method("HEAD", HttpRequest.BodyPublishers.noBody()));

      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEmpty();
    }
  }

  @Test
  void otherPathsAndMethods_areRefused() throws Exception {
    try (Observability obs = startWithServer()) {
      assertThat(send(HttpRequest.newBuilder(uri(obs, "/"))).statusCode()).isEqualTo(404);
      assertThat(send(HttpRequest.newBuilder(uri(obs, "/metrics/x"))).statusCode()).isEqualTo(404);
      HttpResponse<byte[]> post =
          send(
              HttpRequest.newBuilder(uri(obs, "/metrics"))
                  .POST(HttpRequest.BodyPublishers.ofString("x")));
      assertThat(post.statusCode()).isEqualTo(405);
      assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }
  }

  @Test
  void close_releasesThePort() throws Exception {
    URI metrics;
    try (Observability obs = startWithServer()) {
      metrics = uri(obs, "/metrics");
      assertThat(send(HttpRequest.newBuilder(metrics)).statusCode()).isEqualTo(200);
    }

    assertThatThrownBy(() -> send(HttpRequest.newBuilder(metrics)))
        .isInstanceOf(ConnectException.class);
    try (ServerSocket again =
        new ServerSocket(metrics.getPort(), 1, InetAddress.getLoopbackAddress())) {
      assertThat(again.getLocalPort()).isEqualTo(metrics.getPort());
    }
  }

  @Test
  void portInUse_failsStartWithAMessageThatSaysWhatToChange() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      assertThatThrownBy(
              () ->
                  Instances.builder()
                      .property("metrics.server.port", Integer.toString(taken.getLocalPort()))
                      .property("metrics.server.host", "127.0.0.1")
                      .start())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("metrics")
          .hasMessageContaining("metrics.server.port");
    }
    // The failed start left no instance behind.
    try (Observability obs = Instances.start()) {
      assertThat(Metrics.of(obs).serverAddress()).isEmpty();
    }
  }

  @Test
  void hostWithoutPort_failsStartSayingWhatToSet() {
    assertThatThrownBy(() -> Instances.builder().property("metrics.server.host", "0.0.0.0").start())
        .isInstanceOf(dev.observability.ConfigurationException.class)
        .hasMessageContaining("metrics.server.port");
  }

  @Test
  void defaultHost_isLoopback() {
    try (Observability obs = Instances.builder().property("metrics.server.port", "0").start()) {
      assertThat(Metrics.of(obs).serverAddress().orElseThrow().getAddress().isLoopbackAddress())
          .isTrue();
    }
  }

  @Test
  void serverIsOffByDefault() {
    try (Observability obs = Instances.start()) {
      assertThat(Metrics.of(obs).serverAddress()).isEmpty();
    }
  }
}
