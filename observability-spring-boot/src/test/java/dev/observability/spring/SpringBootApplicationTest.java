package dev.observability.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.Observability;
import dev.observability.health.HealthRegistry;
import dev.observability.internal.DirectObservation;
import dev.observability.internal.FacadeObservationRegistry;
import dev.observability.logging.BatchingAppender;
import dev.observability.scrub.Scrubber;
import dev.observability.servlet.ObservabilityFilter;
import dev.observability.spring.app.TestApplication;
import dev.observability.spring.internal.BatchedConsole;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationPredicate;
import io.micrometer.observation.ObservationRegistry;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.boot.web.servlet.context.ServletWebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.web.filter.ServerHttpObservationFilter;

/**
 * The starter in a real Spring Boot application (Spring MVC on embedded Tomcat, Actuator), started
 * once on a random port and asked over real HTTP. Standard output is captured from before the
 * application starts, so Spring Boot's own start-up lines are read too.
 */
class SpringBootApplicationTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private static final List<String> lines = new CopyOnWriteArrayList<>();
  private static PrintStream originalOut;
  private static ConfigurableApplicationContext context;
  private static int port;

  @BeforeAll
  static void startApplication() {
    originalOut = System.out;
    System.setOut(
        new PrintStream(new LineCapture(lines, originalOut), true, StandardCharsets.UTF_8));
    context =
        new SpringApplicationBuilder(TestApplication.class)
            .properties(
                "server.port=0",
                "server.address=127.0.0.1",
                "spring.application.name=spring-test",
                "management.endpoints.web.exposure.include=health,prometheus,metrics",
                "management.endpoint.health.show-details=always",
                "observability.service.environment=test")
            .run();
    port = ((WebServerApplicationContext) context).getWebServer().getPort();
  }

  @AfterAll
  static void stopApplication() {
    try {
      if (context != null) {
        context.close();
      }
    } finally {
      System.setOut(originalOut);
    }
  }

  private static HttpResponse<String> get(String path, String requestId) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("X-Request-ID", requestId)
            .timeout(Duration.ofSeconds(30))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static List<JsonNode> jsonLines() {
    List<JsonNode> result = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("{")) {
        try {
          result.add(JSON.readTree(line));
        } catch (IOException e) {
          throw new AssertionError("not JSON: " + line, e);
        }
      }
    }
    return result;
  }

  private static Optional<JsonNode> accessLine(String requestId) {
    return jsonLines().stream()
        .filter(l -> "request completed".equals(l.path("message").asText()))
        .filter(l -> requestId.equals(l.path("request_id").asText()))
        .findFirst();
  }

  @Test
  void beans_theInstanceAndWhatItProvides_areTheApplicationsBeans() {
    Observability obs = context.getBean(Observability.class);
    assertThat(obs.service().name()).isEqualTo("spring-test");
    assertThat(obs.service().environment()).isEqualTo("test");
    assertThat(context.getBean(Scrubber.class)).isSameAs(obs.scrubber());
    assertThat(context.getBean(HealthRegistry.class)).isSameAs(obs.require(HealthRegistry.class));
    assertThat(context.getBean(ObservationRegistry.class)).isSameAs(obs.observationRegistry());
    assertThat(context.getBean(MeterRegistry.class)).isInstanceOf(ObservabilityMeterRegistry.class);
    assertThat(context.getBeansOfType(MeterRegistry.class)).hasSize(1);
    assertThat(obs.config().sourceOf(dev.observability.CoreConfig.SERVICE_ENVIRONMENT))
        .startsWith("Spring property observability.service.environment");
  }

  /**
   * Spring Boot adds predicates, a filter and the starter's meter handler to the registry after the
   * instance started; the SDK's observations stay direct ones, with those applied.
   */
  @Test
  void observations_stayDirect_withWhatSpringBootAddedToTheRegistry() {
    Observability obs = context.getBean(Observability.class);
    FacadeObservationRegistry registry = (FacadeObservationRegistry) obs.observationRegistry();

    assertThat(registry.isDirect()).isTrue();
    assertThat(obs.observation("spring-boot-check", new Observation.Context()))
        .isInstanceOf(DirectObservation.class);
    assertThat(context.getBeansOfType(ObservationPredicate.class)).isNotEmpty();
  }

  @Test
  void request_routeIsSpringMvcsMatchedPattern_inMetricsAndAccessLine_andObservedOnce()
      throws Exception {
    assertThat(get("/api/users/2", "req-found").statusCode()).isEqualTo(200);
    assertThat(get("/api/users/42", "req-missing").statusCode()).isEqualTo(404);

    await().atMost(Duration.ofSeconds(30)).until(() -> accessLine("req-missing").isPresent());
    JsonNode access = accessLine("req-missing").orElseThrow();
    assertThat(access.path("route").asText()).isEqualTo("/api/users/{id}");
    assertThat(access.path("status").asInt()).isEqualTo(404);
    assertThat(access.path("path").asText()).isEqualTo("/api/users/42");
    assertThat(access.path("service").asText()).isEqualTo("spring-test");
    assertThat(access.path("trace_id").asText()).hasSize(32);

    String metrics = get("/metrics", "scrape-1").body();
    assertThat(metrics)
        .containsPattern(
            "http_requests_total\\{[^}]*endpoint=\"/api/users/\\{id}\"[^}]*status=\"404\"[^}]*} [1-9]");
    assertThat(metrics)
        .containsPattern(
            "http_requests_total\\{[^}]*endpoint=\"/api/users/\\{id}\"[^}]*status=\"200\"[^}]*} [1-9]");
    // Spring MVC's server observation filter is not registered with the servlet container.
    ServletContext servletContext =
        ((ServletWebServerApplicationContext) context).getServletContext();
    assertThat(servletContext.getFilterRegistrations().values())
        .extracting(FilterRegistration::getClassName)
        .contains(ObservabilityFilter.class.getName())
        .doesNotContain(ServerHttpObservationFilter.class.getName());
    // Spring MVC's own server observation is off: no second server timer, no raw paths; Actuator's
    // endpoints stay out of the golden signals like /metrics and /health.
    assertThat(metrics)
        .doesNotContain("http_server_requests")
        .doesNotContain("/api/users/42")
        .doesNotContain("endpoint=\"/actuator");
  }

  @Test
  void failingHandler_is500_withErrorRecordedOnTheRoute() throws Exception {
    HttpResponse<String> response = get("/api/fail", "req-fail");
    assertThat(response.statusCode()).isEqualTo(500);
    await().atMost(Duration.ofSeconds(30)).until(() -> accessLine("req-fail").isPresent());
    JsonNode access = accessLine("req-fail").orElseThrow();
    assertThat(access.path("route").asText()).isEqualTo("/api/fail");
    assertThat(access.path("status").asInt()).isEqualTo(500);
    // What left the servlet chain: Spring MVC wraps the handler's exception (docs/spring-boot.md).
    assertThat(access.path("error").asText()).isEqualTo("jakarta.servlet.ServletException");
    assertThat(get("/metrics", "scrape-2").body())
        .containsPattern(
            "http_requests_total\\{[^}]*endpoint=\"/api/fail\"[^}]*status=\"500\"[^}]*} [1-9]");
  }

  @Test
  void actuatorPrometheus_showsTheSameSeriesAsMetrics_includingTheApplicationsOwnMeters()
      throws Exception {
    get("/api/users/1", "req-series");
    Set<String> before = series(get("/metrics", "scrape-3").body());
    Set<String> actuator = series(get("/actuator/prometheus", "scrape-4").body());
    Set<String> after = series(get("/metrics", "scrape-4b").body());
    assertThat(before)
        .contains("http_requests_total", "test_user_lookups_total", "jvm_memory_used_bytes");
    // The same registry: every series of one scrape is in the other. Between scrapes a meter may
    // be registered (the GC pause timer appears with the first collection), hence two SDK scrapes.
    assertThat(actuator).containsAll(before);
    assertThat(after).containsAll(actuator);
  }

  @Test
  void instrumentedBean_isRecordedWithoutAnyInstrumentationCall() throws Exception {
    get("/api/users/3", "req-greet");
    assertThat(get("/metrics", "scrape-5").body())
        .containsPattern(
            "method_duration_seconds_count\\{class=\"[^\"]*TestApplication\\$Greeter\",[^}]*"
                + "method=\"greet\"} [1-9]");
  }

  @Test
  void observedTimedCountedAndWithSpanBeans_areRecordedWithoutAnyInstrumentationCall()
      throws Exception {
    HttpResponse<String> item = get("/api/catalog/7", "req-catalog");
    assertThat(item.statusCode()).isEqualTo(200);

    String metrics = get("/metrics", "scrape-catalog").body();
    assertThat(metrics)
        .containsPattern(
            "method_duration_seconds_count\\{class=\"[^\"]*TestApplication\\$Catalog\",[^}]*"
                + "method=\"lookup\"} 1")
        .containsPattern("catalog_price_seconds_count\\{[^}]*method=\"price\"[^}]*} 1")
        .containsPattern(
            "catalog_views_total\\{[^}]*method=\"view\"[^}]*result=\"success\"[^}]*} 1");
    // @WithSpan: a span of its own in the request's trace, current while the method runs, and
    // the span its log line names.
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(accessLine("req-catalog")).isPresent());
    JsonNode access = accessLine("req-catalog").orElseThrow();
    String stockSpanId = JSON.readTree(item.body()).path("stock").asText();
    assertThat(stockSpanId).hasSize(16).isNotEqualTo(access.path("span_id").asText());
    JsonNode stock =
        jsonLines().stream()
            .filter(l -> "stock checked for 7".equals(l.path("message").asText()))
            .filter(l -> "req-catalog".equals(l.path("request_id").asText()))
            .findFirst()
            .orElseThrow();
    assertThat(stock.path("trace_id").asText()).isEqualTo(access.path("trace_id").asText());
    assertThat(stock.path("span_id").asText()).isEqualTo(stockSpanId);
  }

  @Test
  void actuatorHealth_showsTheSdksChecks_scrubbed() throws Exception {
    HttpResponse<String> health = get("/actuator/health", "probe-1");
    assertThat(health.statusCode()).isEqualTo(200);
    JsonNode component = JSON.readTree(health.body()).path("components").path("observability");
    assertThat(component.path("status").asText()).isEqualTo("UP");
    assertThat(component.path("details").path("backend").path("status").asText()).isEqualTo("up");
    assertThat(get("/health", "probe-2").body()).contains("backend");
  }

  @Test
  void logging_springBootsStartUpLines_areTheSdksJson() {
    List<String> nonJson = lines.stream().filter(l -> !l.isBlank() && !l.startsWith("{")).toList();
    assertThat(nonJson).as("every line on standard output is JSON").isEmpty();
    JsonNode starting =
        jsonLines().stream()
            .filter(l -> l.path("message").asText().startsWith("Starting "))
            .filter(l -> l.path("message").asText().contains(" using Java "))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no start-up line in " + lines));
    assertThat(starting.path("service").asText()).isEqualTo("spring-test");
    assertThat(starting.path("environment").asText()).isEqualTo("test");
    // Written by the batching console, which took over from Spring Boot's before Tomcat started.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () ->
                assertThat(jsonLines())
                    .anySatisfy(
                        l ->
                            assertThat(l.path("message").asText())
                                .startsWith("Tomcat started on port")));
  }

  @Test
  void logging_linesWhileTheInstanceRuns_goThroughTheBatchingConsole() {
    Logger root =
        ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(Logger.ROOT_LOGGER_NAME);
    assertThat(root.getAppender(BatchedConsole.NAME)).isInstanceOf(BatchingAppender.class);
    assertThat(root.getAppender("CONSOLE")).as("Spring Boot's console appender").isNull();
  }

  private static final Pattern SERIES = Pattern.compile("^# TYPE (\\S+) ", Pattern.MULTILINE);

  private static Set<String> series(String exposition) {
    Set<String> names = new TreeSet<>();
    Matcher m = SERIES.matcher(exposition);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** Keeps every line written, and passes it on. */
  private static final class LineCapture extends OutputStream {
    private final List<String> lines;
    private final PrintStream next;
    private final ByteArrayOutputStream current = new ByteArrayOutputStream();

    LineCapture(List<String> lines, PrintStream next) {
      this.lines = lines;
      this.next = next;
    }

    @Override
    public synchronized void write(int b) {
      next.write(b);
      if (b == '\n') {
        lines.add(current.toString(StandardCharsets.UTF_8));
        current.reset();
      } else {
        current.write(b);
      }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }
  }
}
