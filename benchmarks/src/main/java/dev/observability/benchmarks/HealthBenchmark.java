package dev.observability.benchmarks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.EndpointResponse;
import dev.observability.HealthEndpoint;
import dev.observability.Observability;
import dev.observability.health.HealthCheck;
import dev.observability.health.HealthCheckOptions;
import dev.observability.health.HealthGroup;
import dev.observability.health.HealthRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one health request with three trivial checks, as a probe sees it: our endpoint with
 * cached results (checks not run), our endpoint running the checks (each on the check pool, with
 * its deadline), and the seed's way as the peer: the checks run one after the other on the caller's
 * thread and the map written by Jackson, with no deadline and no scrubbing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class HealthBenchmark {

  private static final List<String> NAMES = List.of("database", "cache", "gateway");

  private Observability observability;
  private HealthEndpoint endpoint;
  private HealthCheck check;
  private ObjectMapper jackson;

  @Setup(Level.Trial)
  public void setUp() {
    observability =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .discoverModules(false)
            .property("shutdown.hook", "false")
            .property("health.deadlock-check", "false")
            .version("1.0.0")
            .module(new dev.observability.health.HealthModule())
            .start();
    HealthRegistry registry = HealthRegistry.of(observability);
    check = () -> HealthCheck.Result.up(Map.of("connections", 3));
    HealthCheckOptions cached =
        HealthCheckOptions.builder()
            .cacheTtl(Duration.ofHours(1))
            .groups(HealthGroup.READINESS)
            .build();
    HealthCheckOptions everyTime =
        HealthCheckOptions.builder().groups(HealthGroup.LIVENESS).build();
    for (String name : NAMES) {
      registry.register(name + "-cached", check, cached);
      registry.register(name, check, everyTime);
    }
    endpoint = observability.require(HealthEndpoint.class);
    jackson = new ObjectMapper();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    observability.close();
  }

  /** Our endpoint, results from the cache: what a probe costs between refreshes. */
  @Benchmark
  public EndpointResponse cachedResults() {
    return endpoint.check(HealthEndpoint.Group.READINESS);
  }

  /** Our endpoint running the three checks in parallel on the pool, each with its deadline. */
  @Benchmark
  public EndpointResponse runChecks() {
    return endpoint.check(HealthEndpoint.Group.LIVENESS);
  }

  /** The seed's way: the checks in sequence on the caller's thread, the map written by Jackson. */
  @Benchmark
  public byte[] serialJacksonPeer() throws Exception {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", "healthy");
    body.put("timestamp", Instant.now().toString());
    body.put("version", "1.0.0");
    Map<String, Object> checks = new LinkedHashMap<>();
    for (String name : NAMES) {
      long start = System.nanoTime();
      HealthCheck.Result result;
      try {
        result = check.check();
      } catch (Exception e) {
        result = HealthCheck.Result.down(e);
      }
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("status", result.isUp() ? "up" : "down");
      one.put("duration_ms", (System.nanoTime() - start) / 1_000_000L);
      one.put("details", result.details());
      checks.put(name, one);
    }
    body.put("checks", checks);
    return jackson.writeValueAsBytes(body);
  }
}
