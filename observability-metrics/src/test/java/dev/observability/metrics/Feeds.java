package dev.observability.metrics;

import dev.observability.Observability;
import dev.observability.instrument.MethodObservationContext;
import io.micrometer.observation.Observation;

/** Feeds an instance with every kind of signal the module records. */
final class Feeds {

  private Feeds() {}

  static void everything(Observability obs) {
    Instances.request(obs, "GET", "/api/users/1", "/api/users/{id}", 200);
    Instances.request(obs, "POST", "/api/users", "/api/users", 201);
    Instances.request(obs, "GET", "/api/users/2", "/api/users/{id}", 503);
    Instances.request(obs, "BREW", "/coffee/42", null, 418);
    obs.observe("nightly-import", () -> {});
    MethodObservationContext method = new MethodObservationContext(Feeds.class, "everything");
    Observation.createNotStarted("Feeds.everything", () -> method, obs.observationRegistry())
        .observe(() -> {});
    Metrics metrics = Metrics.of(obs);
    metrics.counter("user_registrations_total", "source", "web").increment();
    metrics.gauge("active_users", () -> 12);
    metrics.histogram("order_amount_euros", new double[] {10, 100}).record(25);
    metrics.dbPool("main", () -> 3, () -> 10);
    metrics.timeQuery("select_user", () -> "alice");
  }
}
