package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservabilityBuilder;
import dev.observability.ObservationNames;
import dev.observability.ScrapeEndpoint;
import dev.observability.metrics.internal.ExemplarRegistry;
import dev.observability.metrics.internal.HttpExemplars;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Exemplars of the HTTP meters in the OpenMetrics exposition. The tracing module's side of the
 * contract (the span under {@link ObservationNames#SPAN}, and {@link
 * ObservationNames#SAMPLING_POLICY} when the trace was kept) is played by a module of this test
 * whose handler runs where tracing's does; the examples module checks it with the real tracing
 * module and a real Prometheus server.
 */
class ExemplarsTest {

  private static final String OPENMETRICS = "application/openmetrics-text; version=1.0.0";
  private static final Pattern SAMPLE = Pattern.compile("^([a-z_]+)\\{(.*)} \\S+$");
  private static final Pattern EXEMPLAR_LABELS =
      Pattern.compile(
          "^\\{(?:span_id=\"([0-9a-f]{16})\",trace_id=\"([0-9a-f]{32})\""
              + "|trace_id=\"([0-9a-f]{32})\",span_id=\"([0-9a-f]{16})\")} (\\S+)(?: \\S+)?$");

  /** Plays the tracing module: a span per request, and the policy when the test keeps it. */
  private static final class TraceModule implements ObservabilityModule {
    @Override
    public String name() {
      return "fake-tracing";
    }

    @Override
    public int order() {
      return ORDER_TRACING;
    }

    @Override
    public void start(ModuleContext context) {
      context.addObservationHandler(
          new ObservationHandler<HttpServerObservationContext>() {
            @Override
            public void onStart(HttpServerObservationContext c) {
              String traceId = c.getRequestHeader("trace");
              if (traceId != null) {
                c.put(
                    ObservationNames.SPAN,
                    Span.wrap(
                        SpanContext.create(
                            traceId,
                            c.getRequestHeader("span"),
                            TraceFlags.getDefault(),
                            TraceState.getDefault())));
              }
            }

            @Override
            public void onStop(HttpServerObservationContext c) {
              String policy = c.getRequestHeader("kept");
              if (policy != null) {
                c.put(ObservationNames.SAMPLING_POLICY, policy);
              }
            }

            @Override
            public boolean supportsContext(Observation.Context c) {
              return c instanceof HttpServerObservationContext;
            }
          });
    }
  }

  /** One exemplar line of the exposition. */
  record Line(String sample, String labels, String traceId, String spanId, double value) {}

  private static Observability start(String... properties) {
    ObservabilityBuilder builder = Instances.builder().module(new TraceModule());
    for (int i = 0; i < properties.length; i += 2) {
      builder.property(properties[i], properties[i + 1]);
    }
    return builder.start();
  }

  private static void request(
      Observability obs, int status, @Nullable String kept, String traceId, String spanId) {
    Map<String, String> headers = new HashMap<>();
    headers.put("trace", traceId);
    headers.put("span", spanId);
    if (kept != null) {
      headers.put("kept", kept);
    }
    HttpServerObservationContext context =
        new HttpServerObservationContext("GET", "/api/orders/7", null, headers::get);
    Observation observation =
        Observation.createNotStarted(
                ObservationNames.HTTP_SERVER, () -> context, obs.observationRegistry())
            .start();
    context.setRoute("/api/orders/{id}");
    context.setStatus(status);
    observation.stop();
  }

  private static String openMetrics(Observability obs) {
    return new String(
        obs.require(ScrapeEndpoint.class).scrape(OPENMETRICS, null).body(), StandardCharsets.UTF_8);
  }

  private static List<Line> exemplars(String exposition) {
    List<Line> lines = new ArrayList<>();
    for (String line : exposition.split("\n")) {
      int mark = line.indexOf(" # {");
      if (mark < 0) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line.substring(0, mark));
      Matcher exemplar = EXEMPLAR_LABELS.matcher(line.substring(mark + 3));
      assertThat(sample.matches() && exemplar.matches()).as(line).isTrue();
      boolean spanFirst = exemplar.group(1) != null;
      lines.add(
          new Line(
              sample.group(1),
              sample.group(2),
              spanFirst ? exemplar.group(2) : exemplar.group(3),
              spanFirst ? exemplar.group(1) : exemplar.group(4),
              Double.parseDouble(exemplar.group(5))));
    }
    return lines;
  }

  private static String hex(int length, long seed) {
    String digits = Long.toHexString(seed | (1L << 60));
    StringBuilder text = new StringBuilder();
    while (text.length() < length) {
      text.append(digits);
    }
    return text.substring(text.length() - length);
  }

  @Test
  void keptRequests_areExemplarsOfTheirBucketAndStatusCounter_droppedOnesNever() {
    try (Observability obs = start()) {
      String kept = hex(32, 1);
      String dropped = hex(32, 2);
      request(obs, 200, "ratio", kept, hex(16, 3));
      request(obs, 200, null, dropped, hex(16, 4));

      String exposition = openMetrics(obs);
      List<Line> lines = exemplars(exposition);

      assertThat(lines).isNotEmpty();
      assertThat(lines).allSatisfy(l -> assertThat(l.traceId()).isEqualTo(kept));
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.sample()).isEqualTo("http_request_duration_seconds_bucket");
                assertThat(l.labels()).contains("endpoint=\"/api/orders/{id}\"", "le=\"0.01\"");
                assertThat(l.spanId()).isEqualTo(hex(16, 3));
              });
      assertThat(lines)
          .anySatisfy(
              l -> {
                assertThat(l.sample()).isEqualTo("http_requests_total");
                assertThat(l.labels()).contains("status=\"200\"");
              });
      assertThat(exposition).doesNotContain(dropped);
      // Only where OpenMetrics 1.0 allows them: Prometheus 2 rejects a scrape with one on _count.
      assertThat(lines)
          .extracting(Line::sample)
          .containsOnly("http_request_duration_seconds_bucket", "http_requests_total");
      // The 0.0.4 text format has no exemplars.
      assertThat(Instances.scrape(obs)).doesNotContain(kept);
    }
  }

  @Test
  void aBucketPrefersTheFailingRequest_overNewerOnesKeptByTheRatio() {
    try (Observability obs = start()) {
      String failing = hex(32, 11);
      request(obs, 503, "error", failing, hex(16, 12));
      for (int i = 0; i < 20; i++) {
        request(obs, 200, "ratio", hex(32, 100 + i), hex(16, 200 + i));
      }

      List<Line> buckets =
          exemplars(openMetrics(obs)).stream()
              .filter(l -> l.sample().equals("http_request_duration_seconds_bucket"))
              .toList();
      assertThat(buckets).hasSize(1);
      assertThat(buckets.get(0).traceId()).isEqualTo(failing);
      List<Line> counters =
          exemplars(openMetrics(obs)).stream()
              .filter(l -> l.sample().equals("http_requests_total"))
              .toList();
      assertThat(counters)
          .anySatisfy(
              l -> {
                assertThat(l.labels()).contains("status=\"503\"");
                assertThat(l.traceId()).isEqualTo(failing);
              })
          .anySatisfy(l -> assertThat(l.labels()).contains("status=\"200\""));
    }
  }

  @Test
  void exemplarsOff_noExemplarsAndNoDecoratingRegistry() {
    try (Observability obs = start("metrics.exemplars", "false")) {
      request(obs, 200, "ratio", hex(32, 1), hex(16, 3));

      assertThat(exemplars(openMetrics(obs))).isEmpty();
      assertThat(obs.require(PrometheusMeterRegistry.class).getPrometheusRegistry().getClass())
          .isEqualTo(PrometheusRegistry.class);
    }
  }

  @Test
  void prometheusMeterRegistryScrape_andEveryScrapePath_carryTheExemplars() {
    try (Observability obs = start()) {
      String kept = hex(32, 21);
      request(obs, 200, "latency", kept, hex(16, 22));

      PrometheusMeterRegistry registry = obs.require(PrometheusMeterRegistry.class);
      assertThat(registry.scrape(OPENMETRICS)).contains(kept);
      assertThat(registry.scrape(OPENMETRICS, Set.of("http_requests", "http_requests_total")))
          .contains(kept);
      assertThat(registry.getPrometheusRegistry().scrape(n -> true).size()).isPositive();
    }
  }

  @Test
  void clock_equalPriorityRefreshesEverySecond_lowerWaitsUntilTheHigherIsStale() {
    AtomicLong now = new AtomicLong(1_000_000);
    HttpExemplars store =
        new HttpExemplars(now::get, "http_request_duration_seconds", "http_requests");
    var series = store.series("GET", "/a", new double[] {0.1, 1});
    series.offer(100, 5_000_000, hex(32, 1), hex(16, 1), 2);
    series.offer(100, 5_000_000, hex(32, 2), hex(16, 2), 2);
    now.addAndGet(999);
    series.offer(100, 5_000_000, hex(32, 3), hex(16, 3), 2);
    assertThat(exemplarTraces(store)).containsExactly(hex(32, 1));
    now.addAndGet(1);
    series.offer(100, 5_000_000, hex(32, 4), hex(16, 4), 2);
    assertThat(exemplarTraces(store)).containsExactly(hex(32, 4));
    now.addAndGet(59_999);
    series.offer(100, 5_000_000, hex(32, 5), hex(16, 5), 0);
    assertThat(exemplarTraces(store)).containsExactly(hex(32, 4));
    now.addAndGet(1);
    series.offer(100, 5_000_000, hex(32, 6), hex(16, 6), 0);
    assertThat(exemplarTraces(store)).containsExactly(hex(32, 6));
  }

  /** The trace ids on the buckets of {@code store}, through a real registry's exposition. */
  private static List<String> exemplarTraces(HttpExemplars store) {
    var registry = new ExemplarRegistry(store);
    PrometheusMeterRegistry meters =
        new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, registry, Clock.SYSTEM);
    Timer.builder("http.request.duration")
        .tag("method", "GET")
        .tag("endpoint", "/a")
        .serviceLevelObjectives(Duration.ofMillis(100), Duration.ofSeconds(1))
        .register(meters)
        .record(Duration.ofMillis(5));
    return exemplars(meters.scrape(OPENMETRICS)).stream()
        .filter(l -> l.sample().endsWith("_bucket"))
        .map(Line::traceId)
        .toList();
  }
}
