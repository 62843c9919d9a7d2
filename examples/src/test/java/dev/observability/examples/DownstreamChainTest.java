package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.observability.examples.LoopbackCollector.ExportedSpan;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The downstream keep across services: three {@link ChainService}s, each in a JVM of its own (a JVM
 * runs one SDK instance), {@code front → middle → back} on loopback, exporting to one OTLP
 * receiver, with a sample ratio of 0 so that only failures and what they keep reach it. {@code
 * back} fails with 503, {@code middle} falls back and answers 200, and so does {@code front}: all
 * three fragments are exported and join into one trace.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DownstreamChainTest {

  private static final Pattern LISTENING =
      Pattern.compile("chain service listening on http://127.0.0.1:(\\d+)/");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<Service> services = new ArrayList<>();
  private LoopbackCollector collector;
  private Service front;
  private Service middle;
  private Service back;

  /** One service's JVM and what it printed. */
  private static final class Service implements AutoCloseable {
    final String name;
    final Process process;
    final List<String> lines = new CopyOnWriteArrayList<>();

    Service(String name, Process process) {
      this.name = name;
      this.process = process;
      Thread reader =
          new Thread(
              () -> {
                try (BufferedReader in =
                    new BufferedReader(
                        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                  for (String line = in.readLine(); line != null; line = in.readLine()) {
                    lines.add(line);
                  }
                } catch (IOException e) {
                  lines.add("(reading the output failed: " + e + ")");
                }
              },
              name + "-output");
      reader.setDaemon(true);
      reader.start();
    }

    int port() {
      await()
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  lines.stream().anyMatch(l -> LISTENING.matcher(l).find()) || !process.isAlive());
      for (String line : lines) {
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      throw new AssertionError(name + " did not start:\n" + String.join("\n", lines));
    }

    String url() {
      return "http://127.0.0.1:" + port() + "/hop";
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private Service start(String name) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Three JVMs on a shared two-core machine: small heaps, quick start-up.
    command.addAll(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"));
    Map<String, String> properties =
        Map.of(
            "service.name", name,
            "tracing.otlp.endpoint", collector.otlpEndpoint(),
            "tracing.sample-ratio", "0",
            "tracing.export.schedule-delay", "100ms",
            "logging.access-log", "false");
    properties.forEach((k, v) -> command.add("-Dobservability." + k + "=" + v));
    command.addAll(List.of("-cp", System.getProperty("java.class.path")));
    command.add(ChainService.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder
        .environment()
        .keySet()
        .removeIf(
            k ->
                k.startsWith("OTEL_") || k.startsWith("SENTRY_") || k.startsWith("OBSERVABILITY_"));
    Service service = new Service(name, builder.start());
    services.add(service);
    return service;
  }

  @BeforeAll
  void startServices() throws IOException {
    collector = new LoopbackCollector();
    front = start("front");
    middle = start("middle");
    back = start("back");
  }

  @AfterAll
  void stopServices() {
    services.forEach(Service::close);
    if (collector != null) {
      collector.close();
    }
  }

  private HttpResponse<String> call(String traceId, boolean fail) throws Exception {
    String chain = middle.url() + "," + back.url();
    URI uri =
        URI.create(
            front.url()
                + "?chain="
                + URLEncoder.encode(chain, StandardCharsets.UTF_8)
                + (fail ? "&fail=1" : ""));
    return http.send(
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(30))
            // An unsampled caller: nothing is kept because of the caller's flag.
            .header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-00")
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private static ExportedSpan span(List<ExportedSpan> trace, String service, SpanKind kind) {
    return trace.stream()
        .filter(s -> service.equals(s.serviceName()) && s.span().getKind() == kind)
        .findFirst()
        .orElseThrow(
            () -> new AssertionError("no " + kind + " span of " + service + " in " + trace));
  }

  private double decided(Service service, String decision, String policy) throws Exception {
    String body =
        http.send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + service.port() + "/metrics"))
                    .build(),
                HttpResponse.BodyHandlers.ofString())
            .body();
    Matcher m =
        Pattern.compile(
                "observability_traces_decided_total\\{decision=\""
                    + decision
                    + "\",policy=\""
                    + policy
                    + "\"} ([0-9.]+)")
            .matcher(body);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }

  @Test
  void failureHandledInTheMiddle_everyServicesFragmentIsExported_andTheyJoinIntoOneTrace()
      throws Exception {
    String healthy = "5f3c0a1b2c3d4e5f60718293a4b5c6d7";
    String failing = "4bf92f3577b34da6a3ce929d0e0e4736";

    HttpResponse<String> ok = call(healthy, false);
    HttpResponse<String> handled = call(failing, true);

    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("traceresponse")).isEmpty();
    assertThat(handled.statusCode()).isEqualTo(200);
    // middle fell back, so front's own call succeeded.
    assertThat(handled.body()).isEqualTo("{\"served\":true}");
    await().atMost(Duration.ofSeconds(60)).until(() -> collector.trace(failing).size() >= 5);
    List<ExportedSpan> trace = collector.trace(failing);

    ExportedSpan frontServer = span(trace, "front", SpanKind.SPAN_KIND_SERVER);
    ExportedSpan frontClient = span(trace, "front", SpanKind.SPAN_KIND_CLIENT);
    ExportedSpan middleServer = span(trace, "middle", SpanKind.SPAN_KIND_SERVER);
    ExportedSpan middleClient = span(trace, "middle", SpanKind.SPAN_KIND_CLIENT);
    ExportedSpan backServer = span(trace, "back", SpanKind.SPAN_KIND_SERVER);
    // Joined: each server span is the child of its caller's client span.
    assertThat(frontServer.parentSpanId()).isEqualTo("00f067aa0ba902b7");
    assertThat(frontClient.parentSpanId()).isEqualTo(frontServer.spanId());
    assertThat(middleServer.parentSpanId()).isEqualTo(frontClient.spanId());
    assertThat(middleClient.parentSpanId()).isEqualTo(middleServer.spanId());
    assertThat(backServer.parentSpanId()).isEqualTo(middleClient.spanId());
    // Why each fragment was kept: back failed; middle and front heard of it from their callee
    // (middle's call failed with back's failure, which back's fragment holds).
    assertThat(backServer.attribute("sampling.policy")).isEqualTo("error");
    assertThat(backServer.attribute("http.response.status_code")).isEqualTo("503");
    assertThat(middleClient.attribute("http.response.status_code")).isEqualTo("503");
    assertThat(middleServer.attribute("sampling.policy")).isEqualTo("downstream");
    assertThat(middleServer.attribute("http.response.status_code")).isEqualTo("200");
    assertThat(frontServer.attribute("sampling.policy")).isEqualTo("downstream");
    assertThat(frontServer.attribute("http.response.status_code")).isEqualTo("200");
    // And front tells its own caller, which could keep its part too.
    assertThat(handled.headers().firstValue("traceresponse"))
        .contains("00-" + failing + "-" + frontServer.spanId() + "-01");

    // The healthy trace was dropped by all three (only the failing one was kept anywhere).
    assertThat(collector.trace(healthy)).isEmpty();
    assertThat(decided(front, "kept", "downstream")).isEqualTo(1);
    assertThat(decided(middle, "kept", "downstream")).isEqualTo(1);
    assertThat(decided(back, "kept", "error")).isEqualTo(1);
    for (Service service : List.of(front, middle, back)) {
      assertThat(decided(service, "dropped", "ratio")).as(service.name).isEqualTo(1);
    }
  }
}
