package dev.observability.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The facade's composite registry: a listing of its meters ({@link #getMeters}, {@link
 * #forEachMeter}, and so {@code find} and {@code get}, which list through {@code getMeters}) first
 * runs the {@link FirstMeterRead} actions, so that meters bound on first read are there for whoever
 * reads them.
 *
 * <p>The composite lists its own meters while it adds or removes a registry, holding a lock that a
 * meter registration needs too; those listings run nothing. Thread-safe.
 */
public final class FacadeMeterRegistry extends CompositeMeterRegistry {

  private static final ThreadLocal<Boolean> CHANGING = new ThreadLocal<>();

  private final FirstMeterRead firstRead;

  /** Registries added and removed so far; bumped after each change has taken effect. */
  private final AtomicInteger changes = new AtomicInteger();

  /** Creates an empty composite that runs {@code firstRead} on the first listing. */
  public FacadeMeterRegistry(FirstMeterRead firstRead) {
    this.firstRead = firstRead;
  }

  private void beforeRead() {
    if (!firstRead.done() && CHANGING.get() == null && !isClosed()) {
      firstRead.run();
    }
  }

  @Override
  public List<Meter> getMeters() {
    beforeRead();
    return super.getMeters();
  }

  @Override
  public void forEachMeter(Consumer<? super Meter> consumer) {
    beforeRead();
    super.forEachMeter(consumer);
  }

  @Override
  public CompositeMeterRegistry add(MeterRegistry registry) {
    return changing(() -> super.add(registry));
  }

  @Override
  public CompositeMeterRegistry remove(MeterRegistry registry) {
    return changing(() -> super.remove(registry));
  }

  /**
   * How many times a registry was added or removed (a call that changed nothing may count too):
   * when it differs from an earlier reading, the children may have changed since, even if their
   * number has not (one removed, another added). Counted once the change has taken effect.
   */
  public int changes() {
    return changes.get();
  }

  /** Runs {@code change} with listings on this thread running nothing, then counts it. */
  private CompositeMeterRegistry changing(Supplier<CompositeMeterRegistry> change) {
    CHANGING.set(Boolean.TRUE);
    try {
      return change.get();
    } finally {
      CHANGING.remove();
      changes.incrementAndGet();
    }
  }
}
