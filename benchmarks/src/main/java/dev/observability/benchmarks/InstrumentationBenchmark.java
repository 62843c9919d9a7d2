package dev.observability.benchmarks;

import dev.observability.Observability;
import dev.observability.instrument.Attribute;
import dev.observability.instrument.Instrumentation;
import dev.observability.instrument.Instrumented;
import dev.observability.instrument.MethodObservationContext;
import dev.observability.servlet.RouteTemplates;
import io.micrometer.observation.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
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
 * The cost of the agent-free instrumentation, with one no-op handler on the spine so that only the
 * instrumentation is measured:
 *
 * <ul>
 *   <li>an {@code @Instrumented} method with an {@code @Attribute} called through the interface
 *       proxy, against the same observation written by hand with Micrometer's API (what an aspect
 *       does per call), a plain call, and a proxy call of a method without annotations;
 *   <li>the servlet filter's route lookup: {@link RouteTemplates} against the usual peer, a list of
 *       compiled regular expressions tried in order, on the same 40 templates.
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class InstrumentationBenchmark {

  /** The instrumented contract. */
  public interface Orders {
    /** Recorded: one observation per call. */
    @Instrumented(
        name = "orders.fetch",
        tags = {"tier=data"})
    String fetch(@Attribute("order.id") String orderId);

    /** Not annotated: the proxy passes it through. */
    String plain(String orderId);
  }

  /** The target. */
  static final class OrdersImpl implements Orders {
    @Override
    public String fetch(String orderId) {
      return orderId;
    }

    @Override
    public String plain(String orderId) {
      return orderId;
    }
  }

  /** The facade with the no-op handler, the target and its proxy. */
  @State(Scope.Benchmark)
  public static class Methods {
    Observability observability;
    Orders target;
    Orders proxy;
    String orderId = "A-1042";

    @Setup(Level.Trial)
    public void setUp() {
      observability =
          Observability.builder()
              .systemProperties(Map.of())
              .environmentVariables(Map.of())
              .discoverModules(false)
              .property("shutdown.hook", "false")
              .module(new NoopModule())
              .start();
      target = new OrdersImpl();
      proxy = Instrumentation.of(observability).instrument(Orders.class, target);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
      observability.close();
    }
  }

  @Benchmark
  public String plainCall(Methods m) {
    return m.target.fetch(m.orderId);
  }

  @Benchmark
  public String proxyWithoutAnnotations(Methods m) {
    return m.proxy.plain(m.orderId);
  }

  @Benchmark
  public String proxyInstrumented(Methods m) {
    return m.proxy.fetch(m.orderId);
  }

  @Benchmark
  public String handWrittenObservation(Methods m) {
    String orderId = m.orderId;
    return Observation.createNotStarted(
            "orders.fetch",
            () -> new MethodObservationContext(Orders.class, "fetch"),
            m.observability.observationRegistry())
        .lowCardinalityKeyValue("tier", "data")
        .highCardinalityKeyValue("order.id", orderId)
        .observe(() -> m.target.fetch(orderId));
  }

  /** 40 templates of a typical API, and paths that hit early, late and not at all. */
  @State(Scope.Benchmark)
  public static class Routes {
    RouteTemplates templates;
    List<Pattern> patterns;
    List<String> names;
    String early = "/api/users/42";
    String late = "/api/v2/tenants/acme/projects/7/builds/981/logs";
    String miss = "/static/css/site.min.css";

    @Setup(Level.Trial)
    public void setUp() {
      List<String> all = new ArrayList<>();
      all.add("/api/users/{id}");
      all.add("/api/users/{id}/orders");
      all.add("/api/users/{id}/orders/{orderId}");
      for (int i = 0; i < 36; i++) {
        all.add("/api/v1/resource" + i + "/{id}");
      }
      all.add("/api/v2/tenants/{tenant}/projects/{project}/builds/{build}/logs");
      templates = RouteTemplates.of(all);
      patterns = new ArrayList<>();
      names = new ArrayList<>();
      for (String t : all) {
        patterns.add(Pattern.compile(t.replaceAll("\\{[^/]+}", "[^/]+")));
        names.add(t);
      }
    }

    String regex(String path) {
      for (int i = 0; i < patterns.size(); i++) {
        if (patterns.get(i).matcher(path).matches()) {
          return names.get(i);
        }
      }
      return null;
    }
  }

  @Benchmark
  public Object routeTemplatesEarly(Routes r) {
    return r.templates.match(r.early);
  }

  @Benchmark
  public Object regexRoutesEarly(Routes r) {
    return r.regex(r.early);
  }

  @Benchmark
  public Object routeTemplatesLate(Routes r) {
    return r.templates.match(r.late);
  }

  @Benchmark
  public Object regexRoutesLate(Routes r) {
    return r.regex(r.late);
  }

  @Benchmark
  public Object routeTemplatesMiss(Routes r) {
    return r.templates.match(r.miss);
  }

  @Benchmark
  public Object regexRoutesMiss(Routes r) {
    return r.regex(r.miss);
  }
}
