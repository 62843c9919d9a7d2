package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.ConfigurationException;
import dev.observability.Observability;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MetricsModuleTest {

  @Test
  void prometheusConfiguration_passesMicrometersValidation() {
    // The registry is built without re-checking these constants (start-up); Micrometer's own
    // validation of them must still pass.
    assertThat(MetricsModule.PROMETHEUS_CONFIG.validate().isValid()).isTrue();
    assertThat(MetricsModule.PROMETHEUS_CONFIG.step()).isPositive();
  }

  @Test
  void jvmAndProcessMeters_areBoundByDefault() {
    try (Observability obs = Instances.start()) {
      Exposition e = Exposition.parse(Instances.scrape(obs));

      assertThat(e.names())
          .contains(
              "jvm_memory_used_bytes",
              "jvm_memory_max_bytes",
              "jvm_threads_live_threads",
              "jvm_threads_states_threads",
              "jvm_classes_loaded_classes",
              "jvm_gc_memory_allocated_bytes_total",
              "process_cpu_usage",
              "system_cpu_usage",
              "process_files_open_files",
              "process_uptime_seconds",
              "system_cpus",
              "http_requests_in_flight");
      // Renamed or dropped so that promtool check metrics passes.
      assertThat(e.names()).doesNotContain("system_cpu_count", "process_cpu_time_ns_total");
      assertThat(e.named("jvm_memory_used_bytes"))
          .anySatisfy(sample -> assertThat(sample.labels()).containsEntry("area", "heap"));
    }
  }

  @Test
  void jvmMeters_areBoundOnTheFirstScrape_notAtStart() {
    try (Observability obs = Instances.start()) {
      List<String> added = new CopyOnWriteArrayList<>();
      obs.meterRegistry().config().onMeterAdded(meter -> added.add(meter.getId().getName()));

      String first = Instances.scrape(obs);

      // Added by the scrape itself, so not bound at start; and in the scrape that bound them.
      assertThat(added).contains("jvm.memory.used", "jvm.threads.live", "process.uptime");
      assertThat(Exposition.parse(first).names())
          .contains("jvm_memory_used_bytes", "jvm_gc_memory_allocated_bytes_total");
      added.clear();
      Instances.scrape(obs);
      assertThat(added).isEmpty();
    }
  }

  @Test
  void jvmMeters_areBoundOnTheFirstListingOfTheFacadeRegistry() {
    try (Observability obs = Instances.start()) {
      assertThat(obs.meterRegistry().find("jvm.memory.used").gauge()).isNotNull();
      assertThat(obs.meterRegistry().getMeters())
          .extracting(meter -> meter.getId().getName())
          .contains("jvm.threads.live", "process.cpu.usage");
      assertThat(Exposition.parse(Instances.scrape(obs)).names()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void jvmMeters_areBoundAtStart_whenTheHostAddsARegistryOfItsOwn() {
    SimpleMeterRegistry host = new SimpleMeterRegistry();
    try (Observability obs = Instances.builder().meterRegistry(host).start()) {
      // A host registry may publish on its own schedule without any read of the facade's.
      assertThat(host.getMeters())
          .extracting(meter -> meter.getId().getName())
          .contains("jvm.memory.used", "jvm.gc.memory.allocated", "process.uptime");
      assertThat(Exposition.parse(Instances.scrape(obs)).names()).contains("jvm_memory_used_bytes");
    }
  }

  @Test
  void jvmMeters_canBeTurnedOff() {
    try (Observability obs = Instances.builder().property("metrics.jvm", "off").start()) {
      Exposition e = Exposition.parse(Instances.scrape(obs));

      assertThat(e.names()).noneMatch(n -> n.startsWith("jvm_") || n.startsWith("process_"));
      assertThat(e.names()).contains("http_requests_in_flight");
    }
  }

  @Test
  void badValues_failStartListingEveryProblem() {
    assertThatThrownBy(
            () ->
                Instances.builder()
                    .property("metrics.http.buckets", "1,0.5")
                    .property("metrics.db.buckets", "")
                    .property("metrics.max-endpoints", "0")
                    .property("metrics.server.port", "70000")
                    .property("metrics.common-tags", "bad-name=x")
                    .start())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("metrics.http.buckets")
        .hasMessageContaining("ascending")
        .hasMessageContaining("metrics.max-endpoints")
        .hasMessageContaining("metrics.server.port")
        .hasMessageContaining("metrics.common-tags");
  }

  @Test
  void keys_areReadFromSystemPropertiesAndEnvironment() {
    try (Observability obs =
        Observability.builder()
            .systemProperties(Map.of("observability.metrics.common-tags", "zone=a"))
            .environmentVariables(Map.of("OBSERVABILITY_METRICS_JVM", "false"))
            .property("shutdown.hook", "false")
            .discoverModules(false)
            .module(new MetricsModule())
            .start()) {
      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.names()).noneMatch(n -> n.startsWith("jvm_"));
      assertThat(e.value("http_requests_in_flight", Map.of("zone", "a"))).isZero();
    }
  }

  @Test
  void module_isFoundOnTheClassPath() {
    try (Observability obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property("shutdown.hook", "false")
            .start()) {
      assertThat(obs.modules()).contains("metrics");
    }
  }

  @Test
  void instances_startedOneAfterAnother_doNotShareMeters() {
    try (Observability first = Instances.start()) {
      Instances.request(first, "GET", "/a", "/a", 200);
    }
    try (Observability second = Instances.start()) {
      assertThat(Exposition.parse(Instances.scrape(second)).named("http_requests_total")).isEmpty();
    }
  }
}
