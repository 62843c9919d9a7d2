package dev.observability.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.Observability;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class MetricsHelpersTest {

  @Test
  void counter_withTheSeedsName_rendersAsItIs() {
    try (Observability obs = Instances.start()) {
      Metrics metrics = Metrics.of(obs);
      metrics.counter("user_registrations_total", "source", "web").increment();
      metrics.counter("user_registrations_total", "source", "web").increment();
      metrics.counter("user.logins", "source", "mobile").increment();

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.value("user_registrations_total", Map.of("source", "web"))).isEqualTo(2.0);
      assertThat(e.value("user_logins_total", Map.of("source", "mobile"))).isEqualTo(1.0);
    }
  }

  @Test
  void counter_tagValuesPastTheCap_becomeOtherAndAreCounted() {
    try (Observability obs = Instances.builder().property("metrics.max-tag-values", "2").start()) {
      Metrics metrics = Metrics.of(obs);
      for (String source : new String[] {"web", "mobile", "partner-1", "partner-2", "web"}) {
        metrics.counter("user_registrations_total", "source", source).increment();
      }

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.labelValues("user_registrations_total", "source"))
          .containsExactlyInAnyOrder("web", "mobile", "OTHER");
      assertThat(e.value("user_registrations_total", Map.of("source", "OTHER"))).isEqualTo(2.0);
      assertThat(
              e.value(
                  "observability_cardinality_overflow_total",
                  Map.of("meter", "user_registrations_total")))
          .isEqualTo(2.0);
    }
  }

  @Test
  void gauge_readsItsSupplierAtScrape() {
    try (Observability obs = Instances.start()) {
      AtomicInteger activeUsers = new AtomicInteger(3);
      Metrics.of(obs).gauge("active_users", activeUsers::get);

      assertThat(Exposition.parse(Instances.scrape(obs)).value("active_users", Map.of()))
          .isEqualTo(3.0);
      activeUsers.set(7);
      assertThat(Exposition.parse(Instances.scrape(obs)).value("active_users", Map.of()))
          .isEqualTo(7.0);
    }
  }

  @Test
  void histogram_hasTheGivenBuckets() {
    try (Observability obs = Instances.start()) {
      Metrics.of(obs)
          .histogram("order_amount_euros", new double[] {10, 100, 1000}, "currency", "EUR")
          .record(42);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(
              e.named("order_amount_euros_bucket").stream().map(s -> s.labels().get("le")).toList())
          .containsExactly("10.0", "100.0", "1000.0", "+Inf");
      assertThat(e.value("order_amount_euros_bucket", Map.of("le", "100.0"))).isEqualTo(1.0);
      assertThat(e.value("order_amount_euros_bucket", Map.of("le", "10.0"))).isZero();
    }
  }

  @Test
  void timer_rendersInSecondsWithTheHttpBuckets() {
    try (Observability obs = Instances.start()) {
      Metrics.of(obs).timer("checkout").record(30, TimeUnit.MILLISECONDS);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.value("checkout_seconds_bucket", Map.of("le", "0.05"))).isEqualTo(1.0);
      assertThat(e.value("checkout_seconds_bucket", Map.of("le", "0.01"))).isZero();
    }
  }

  @Test
  void dbPool_exposesUsedAndMaxByPool() {
    try (Observability obs = Instances.start()) {
      AtomicInteger used = new AtomicInteger(4);
      Metrics.of(obs).dbPool("main", used::get, () -> 10);
      Metrics.of(obs).dbPool("replica", () -> 1, () -> 5);

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.value("db_connections_used", Map.of("pool", "main"))).isEqualTo(4.0);
      assertThat(e.value("db_connections_max", Map.of("pool", "main"))).isEqualTo(10.0);
      assertThat(e.value("db_connections_max", Map.of("pool", "replica"))).isEqualTo(5.0);
    }
  }

  @Test
  void timeQuery_recordsTheQueryWithTheDbBuckets() {
    try (Observability obs = Instances.start()) {
      String result = Metrics.of(obs).timeQuery("select_user", () -> "alice");

      assertThat(result).isEqualTo("alice");
      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(
              e.named("db_query_duration_seconds_bucket").stream()
                  .map(s -> s.labels().get("le"))
                  .toList())
          .containsExactly("0.001", "0.01", "0.05", "0.1", "0.5", "1.0", "+Inf");
      assertThat(e.value("db_query_duration_seconds_count", Map.of("query_type", "select_user")))
          .isEqualTo(1.0);
    }
  }

  @Test
  void timeQuery_whenTheQueryThrows_recordsItAndRethrowsTheSameException() {
    try (Observability obs = Instances.start()) {
      IllegalStateException thrown = new IllegalStateException("deadlock");

      assertThatThrownBy(
              () ->
                  Metrics.of(obs)
                      .timeQuery(
                          "update_order",
                          () -> {
                            throw thrown;
                          }))
          .isSameAs(thrown);
      assertThat(
              Exposition.parse(Instances.scrape(obs))
                  .value("db_query_duration_seconds_count", Map.of("query_type", "update_order")))
          .isEqualTo(1.0);
    }
  }

  @Test
  void dbQuery_typesPastTheCap_shareTheOverflowTimer() {
    try (Observability obs = Instances.builder().property("metrics.max-tag-values", "1").start()) {
      Metrics metrics = Metrics.of(obs);
      assertThat(metrics.dbQuery("a")).isSameAs(metrics.dbQuery("a"));
      assertThat(metrics.dbQuery("b")).isSameAs(metrics.dbQuery("c"));

      assertThat(
              Exposition.parse(Instances.scrape(obs))
                  .labelValues("db_query_duration_seconds_count", "query_type"))
          .containsExactlyInAnyOrder("a", "OTHER");
    }
  }

  @Test
  void bindExecutor_exposesExecutorMeters() throws Exception {
    try (Observability obs = Instances.start()) {
      ExecutorService executor =
          Metrics.of(obs).bindExecutor(Executors.newFixedThreadPool(1), "jobs");
      try {
        executor.submit(() -> "done").get(10, TimeUnit.SECONDS);

        Exposition e = Exposition.parse(Instances.scrape(obs));
        assertThat(e.value("executor_seconds_count", Map.of("name", "jobs"))).isEqualTo(1.0);
        assertThat(e.names())
            .contains(
                "executor_completed_tasks_total",
                "executor_queued_tasks",
                "executor_active_threads",
                "executor_pool_size_threads");
      } finally {
        executor.shutdownNow();
      }
    }
  }

  @Test
  void oddTags_areAProgrammingError() {
    try (Observability obs = Instances.start()) {
      assertThatThrownBy(() -> Metrics.of(obs).counter("orders_total", "source"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("odd");
      assertThatThrownBy(() -> Metrics.noop().counter("orders_total", "source"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void sameNameWithOtherTagKeys_exposesBothSeries() {
    try (Observability obs = Instances.start()) {
      Metrics metrics = Metrics.of(obs);
      metrics.counter("orders_total", "source", "web").increment();
      metrics.counter("orders_total", "region", "eu").increment();

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.value("orders_total", Map.of("source", "web"))).isEqualTo(1.0);
      assertThat(e.value("orders_total", Map.of("region", "eu"))).isEqualTo(1.0);
    }
  }

  @Test
  void sameNameAsAnotherType_neverThrowsIntoTheHostAndIsCounted() {
    try (Observability obs = Instances.start()) {
      Metrics metrics = Metrics.of(obs);
      metrics.counter("jobs", "queue", "a").increment();

      metrics.gauge("jobs", () -> 3, "queue", "b");

      Exposition e = Exposition.parse(Instances.scrape(obs));
      assertThat(e.value("jobs_total", Map.of("queue", "a"))).isEqualTo(1.0);
      assertThat(e.value("observability_metrics_registration_failures_total", Map.of()))
          .isEqualTo(1.0);
    }
  }

  @Test
  void withoutTheModule_ofReturnsNoop() {
    try (Observability obs =
        Observability.builder()
            .systemProperties(Map.of())
            .environmentVariables(Map.of())
            .property("shutdown.hook", "false")
            .discoverModules(false)
            .start()) {
      Metrics metrics = Metrics.of(obs);

      assertThat(metrics).isSameAs(Metrics.noop());
      metrics.counter("x", "a", "b").increment();
      assertThat(metrics.counter("x").count()).isZero();
      assertThat(metrics.timeQuery("q", () -> 5)).isEqualTo(5);
      ExecutorService executor = Executors.newSingleThreadExecutor();
      try {
        assertThat(metrics.bindExecutor(executor, "e")).isSameAs(executor);
      } finally {
        executor.shutdownNow();
      }
      assertThat(metrics.serverAddress()).isEmpty();
    }
  }
}
