package dev.observability.examples.war;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The example WAR in a real Tomcat 10.1 (Servlet 6.0), the distribution from Maven Central that the
 * build unpacks. The same WAR is deployed twice ({@code /one} and {@code /two}): two web
 * applications in one Tomcat, each with its own class loader and so its own SDK instance. Tomcat
 * runs in its own JVM with a fresh {@code CATALINA_BASE}; its console output (Tomcat's own log and
 * the applications' JSON lines) is read line by line. Kept traces go to a loopback OTLP receiver.
 * Started once for the class; the undeploy test runs last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TomcatIT {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static final List<String> lines = new CopyOnWriteArrayList<>();
  private static final List<Span> spans = new CopyOnWriteArrayList<>();
  private static HttpServer collector;
  private static Path base;
  private static Process tomcat;
  private static int port;

  @BeforeAll
  static void startTomcat() throws Exception {
    collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/traces", TomcatIT::receiveTraces);
    collector.start();

    Path home = Path.of(System.getProperty("tomcat.home", "target/tomcat/apache-tomcat"));
    Path war = Path.of(System.getProperty("example.war", "target/observability-example.war"));
    base = Files.createTempDirectory(Path.of("target"), "catalina-base-");
    port = freePort();
    for (String dir : List.of("conf", "logs", "temp", "webapps", "work")) {
      Files.createDirectories(base.resolve(dir));
    }
    try (Stream<Path> conf = Files.list(home.resolve("conf"))) {
      for (Path file : conf.toList()) {
        if (Files.isRegularFile(file)) {
          Files.copy(file, base.resolve("conf").resolve(file.getFileName()));
        }
      }
    }
    Path serverXml = base.resolve("conf/server.xml");
    String server =
        Files.readString(serverXml)
            .replace("port=\"8005\"", "port=\"-1\"")
            .replace("port=\"8080\"", "port=\"" + port + "\" address=\"127.0.0.1\"");
    Files.writeString(serverXml, server);
    Files.copy(war, base.resolve("webapps/one.war"));
    Files.copy(war, base.resolve("webapps/two.war"));

    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx384m");
    // What catalina.sh adds, so that Tomcat's leak detection (ThreadLocals, caches) is fully on.
    command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.lang.reflect=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.io=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.util=ALL-UNNAMED");
    command.add("--add-opens=java.base/java.util.concurrent=ALL-UNNAMED");
    command.add("--add-opens=java.rmi/sun.rmi.transport=ALL-UNNAMED");
    command.add("-Dcatalina.home=" + home.toAbsolutePath());
    command.add("-Dcatalina.base=" + base.toAbsolutePath());
    command.add("-Djava.io.tmpdir=" + base.resolve("temp").toAbsolutePath());
    command.add(
        "-Djava.util.logging.config.file="
            + base.resolve("conf/logging.properties").toAbsolutePath());
    command.add("-Djava.util.logging.manager=org.apache.juli.ClassLoaderLogManager");
    command.add("-cp");
    command.add(
        home.resolve("bin/bootstrap.jar").toAbsolutePath()
            + java.io.File.pathSeparator
            + home.resolve("bin/tomcat-juli.jar").toAbsolutePath());
    command.add("org.apache.catalina.startup.Bootstrap");
    command.add("start");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("OTEL_") || k.startsWith("SENTRY_") || k.startsWith("OBSERVABILITY_"));
    builder.environment().put("OTEL_SERVICE_NAME", "example-war");
    builder
        .environment()
        .put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort());
    tomcat = builder.start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader in =
                  new BufferedReader(
                      new InputStreamReader(tomcat.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                  lines.add(line);
                }
              } catch (IOException e) {
                lines.add("(reading the output failed: " + e + ")");
              }
            },
            "tomcat-output");
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> output().contains("Server startup in") || !tomcat.isAlive());
    assertThat(output()).as("Tomcat started").contains("Server startup in");
  }

  @AfterAll
  static void stopTomcat() throws Exception {
    try {
      if (tomcat != null && tomcat.isAlive()) {
        tomcat.destroy();
        if (!tomcat.waitFor(30, TimeUnit.SECONDS)) {
          tomcat.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      }
    } finally {
      if (collector != null) {
        collector.stop(0);
      }
      if (base != null) {
        try (Stream<Path> files = Files.walk(base)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static void receiveTraces(HttpExchange exchange) throws IOException {
    try (exchange) {
      InputStream in = exchange.getRequestBody();
      String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
      if (encoding != null && encoding.equalsIgnoreCase("gzip")) {
        in = new GZIPInputStream(in);
      }
      ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(in.readAllBytes());
      for (ResourceSpans resource : request.getResourceSpansList()) {
        for (ScopeSpans scope : resource.getScopeSpansList()) {
          spans.addAll(scope.getSpansList());
        }
      }
      byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
      exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
      exchange.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
      if (reply.length > 0) {
        exchange.getResponseBody().write(reply);
      }
    }
  }

  private static String output() {
    return String.join("\n", lines);
  }

  private static HttpResponse<String> get(String path, String requestId) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-Request-ID", requestId)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static Optional<String> accessLine(String requestId) {
    return lines.stream()
        .filter(l -> l.startsWith("{") && l.contains("\"message\":\"request completed\""))
        .filter(l -> l.contains("\"request_id\":\"" + requestId + "\""))
        .findFirst();
  }

  private static String attribute(Span span, String key) {
    for (KeyValue kv : span.getAttributesList()) {
      if (kv.getKey().equals(key)) {
        return kv.getValue().hasIntValue()
            ? String.valueOf(kv.getValue().getIntValue())
            : kv.getValue().getStringValue();
      }
    }
    return "";
  }

  @Test
  @Order(1)
  void requests_routeIsTheServletMappingsPattern_inTheJsonAccessLineWithIds() throws Exception {
    assertThat(get("/one/api/users/1", "war-user").statusCode()).isEqualTo(200);
    assertThat(get("/one/api/users/999", "war-missing").statusCode()).isEqualTo(404);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> accessLine("war-user").isPresent() && accessLine("war-missing").isPresent());
    assertThat(accessLine("war-user").orElseThrow())
        .contains("\"route\":\"/one/api/users/*\"")
        .contains("\"path\":\"/one/api/users/1\"")
        .contains("\"status\":200")
        .contains("\"service\":\"example-war\"")
        .containsPattern("\"trace_id\":\"[0-9a-f]{32}\",\"span_id\":\"[0-9a-f]{16}\"");
    assertThat(accessLine("war-missing").orElseThrow()).contains("\"status\":404");

    String metrics = get("/one/metrics", "war-scrape").body();
    assertThat(metrics)
        .contains(
            "http_requests_total{endpoint=\"/one/api/users/*\",method=\"GET\",status=\"200\"}")
        .contains(
            "http_requests_total{endpoint=\"/one/api/users/*\",method=\"GET\",status=\"404\"}")
        .doesNotContain("/one/api/users/999");
  }

  @Test
  @Order(2)
  void health_allThreeEndpoints_answerWithTheDatabaseCheck() throws Exception {
    for (String path : List.of("/one/health", "/one/health/live", "/one/health/ready")) {
      HttpResponse<String> health = get(path, "war-probe");
      assertThat(health.statusCode()).as(path).isEqualTo(200);
      assertThat(health.body()).as(path).contains("\"status\":\"healthy\"");
    }
    assertThat(get("/one/health", "war-probe").body()).contains("database");
  }

  @Test
  @Order(3)
  void failingRequest_is500_andItsErrorTraceIsKeptAndExported() throws Exception {
    HttpResponse<String> failed = get("/one/api/fail?card=4111111111111111", "war-fail");
    assertThat(failed.statusCode()).isEqualTo(500);
    String traceparent = failed.headers().firstValue("traceparent").orElseThrow();
    String traceId = traceparent.split("-")[1];
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                spans.stream()
                    .anyMatch(
                        s ->
                            HexFormat.of()
                                .formatHex(s.getTraceId().toByteArray())
                                .equals(traceId)));
    Span server =
        spans.stream()
            .filter(s -> HexFormat.of().formatHex(s.getTraceId().toByteArray()).equals(traceId))
            .filter(s -> s.getKind() == Span.SpanKind.SPAN_KIND_SERVER)
            .findFirst()
            .orElseThrow();
    assertThat(server.getName()).isEqualTo("GET /one/api/fail");
    assertThat(server.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(attribute(server, "http.route")).isEqualTo("/one/api/fail");
    assertThat(attribute(server, "http.response.status_code")).isEqualTo("500");
    assertThat(accessLine("war-fail")).isPresent();
    assertThat(output()).doesNotContain("4111111111111111");
  }

  @Test
  @Order(4)
  void twoWebApplications_eachHaveTheirOwnInstance_andBothDeployed() throws Exception {
    assertThat(output())
        .doesNotContain("Observability is already running")
        .doesNotContain("SEVERE");
    get("/two/api/users/2", "war-two");
    String one = get("/one/metrics", "war-scrape-1").body();
    String two = get("/two/metrics", "war-scrape-2").body();
    assertThat(two)
        .contains(
            "http_requests_total{endpoint=\"/two/api/users/*\",method=\"GET\",status=\"200\"}")
        .doesNotContain("endpoint=\"/one/");
    assertThat(one).doesNotContain("endpoint=\"/two/");
  }

  @Test
  @Order(5)
  void undeploy_stopsTheSdkWithTheApplication_withoutAnyLeakWarningFromTomcat() throws Exception {
    int before = lines.size();
    Files.delete(base.resolve("webapps/one.war"));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> output().contains("Undeploying context [/one]"));
    // Tomcat checks for leaks while it stops the context; give its log a moment to be written.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get("/one/health", "gone").statusCode() == 404);
    await().pollDelay(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> true);
    List<String> undeploy = lines.subList(before, lines.size());
    // No thread left running (the SDK's export, sweeper, health and flush threads, the example's
    // scheduler, the exporter's HTTP client), no ThreadLocal holding the application's classes on
    // Tomcat's threads, no JDBC driver left registered: nothing Tomcat reports.
    assertThat(String.join("\n", undeploy))
        .contains("Undeploying context [/one]")
        .doesNotContain("appears to have started a thread")
        .doesNotContain("failed to stop it")
        .doesNotContain("created a ThreadLocal")
        .doesNotContain("JDBC driver")
        .doesNotContain("memory leak")
        .doesNotContain("SEVERE")
        .doesNotContain("You need to add \"--add-opens");
    // The other application and its instance go on.
    assertThat(get("/two/api/users/3", "war-two-after").statusCode()).isEqualTo(200);
    assertThat(get("/two/health", "war-two-probe").statusCode()).isEqualTo(200);
  }
}
