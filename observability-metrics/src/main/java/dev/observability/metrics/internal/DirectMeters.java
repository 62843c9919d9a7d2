package dev.observability.metrics.internal;

import dev.observability.internal.FacadeMeterRegistry;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Records meters registered in the facade's composite registry straight into the meters its child
 * registries hold. A composite meter iterates its children with an iterator on every call, which
 * costs an allocation per recording; the hot paths here must not allocate.
 *
 * <p>Meters are registered in the composite as usual (so the composite knows them and applies its
 * filters); the children's meters are then found by the composite meter's id. When that is not
 * unambiguous (a nested composite, a child that filtered the meter out) recording falls back to the
 * composite meter. When a registry joins or leaves the composite, the next recording finds the
 * children again.
 *
 * <p>Thread-safe.
 */
public final class DirectMeters {

  private final MeterRegistry registry;
  private final @Nullable Set<MeterRegistry> children;
  private final @Nullable FacadeMeterRegistry facade;

  /** Creates the helper for meters registered in {@code registry}. */
  public DirectMeters(MeterRegistry registry) {
    this.registry = registry;
    this.children =
        registry instanceof CompositeMeterRegistry composite ? composite.getRegistries() : null;
    this.facade = registry instanceof FacadeMeterRegistry f ? f : null;
  }

  /** The registry meters are registered in. */
  public MeterRegistry registry() {
    return registry;
  }

  /**
   * Changes when the composite's children may have: the facade counts its changes (one volatile
   * read); another composite is only known by its number of children, so a registry replacing
   * another between two recordings goes unnoticed there.
   */
  private int generation() {
    FacadeMeterRegistry f = facade;
    if (f != null) {
      return f.changes();
    }
    Set<MeterRegistry> set = children;
    return set == null ? 0 : set.size();
  }

  private <M extends Meter> List<M> resolve(M meter, Class<M> type) {
    Set<MeterRegistry> set = children;
    if (set == null) {
      return List.of(meter);
    }
    List<M> found = new ArrayList<>();
    for (MeterRegistry child : set) {
      if (child instanceof CompositeMeterRegistry) {
        return List.of(meter);
      }
      Collection<Meter> matches =
          child.find(meter.getId().getName()).tags(meter.getId().getTags()).meters();
      if (matches.size() != 1) {
        return List.of(meter);
      }
      Meter match = matches.iterator().next();
      if (!type.isInstance(match)) {
        return List.of(meter);
      }
      found.add(type.cast(match));
    }
    return found;
  }

  /** A timer that records straight into its children. */
  public DirectTimer timer(Timer timer) {
    return new DirectTimer(timer);
  }

  /** A counter that increments straight into its children. */
  public DirectCounter counter(Counter counter) {
    return new DirectCounter(counter);
  }

  /** A timer recorded without going through the composite. Thread-safe. */
  public final class DirectTimer {
    private final Timer timer;
    private volatile Timer[] targets;
    private volatile int generation;

    DirectTimer(Timer timer) {
      this.timer = timer;
      this.generation = DirectMeters.this.generation();
      this.targets = resolve(timer, Timer.class).toArray(new Timer[0]);
    }

    /** The meter as registered in the composite. */
    public Timer meter() {
      return timer;
    }

    /** Records {@code nanos} nanoseconds. */
    public void record(long nanos) {
      Timer[] current = targets;
      if (generation != DirectMeters.this.generation()) {
        current = refresh();
      }
      for (Timer target : current) {
        target.record(nanos, TimeUnit.NANOSECONDS);
      }
    }

    private synchronized Timer[] refresh() {
      int now = DirectMeters.this.generation();
      Timer[] resolved = resolve(timer, Timer.class).toArray(new Timer[0]);
      targets = resolved;
      generation = now;
      return resolved;
    }
  }

  /** A counter incremented without going through the composite. Thread-safe. */
  public final class DirectCounter {
    private final Counter counter;
    private volatile Counter[] targets;
    private volatile int generation;

    DirectCounter(Counter counter) {
      this.counter = counter;
      this.generation = DirectMeters.this.generation();
      this.targets = resolve(counter, Counter.class).toArray(new Counter[0]);
    }

    /** The meter as registered in the composite. */
    public Counter meter() {
      return counter;
    }

    /** Adds one. */
    public void increment() {
      Counter[] current = targets;
      if (generation != DirectMeters.this.generation()) {
        current = refresh();
      }
      for (Counter target : current) {
        target.increment();
      }
    }

    private synchronized Counter[] refresh() {
      int now = DirectMeters.this.generation();
      Counter[] resolved = resolve(counter, Counter.class).toArray(new Counter[0]);
      targets = resolved;
      generation = now;
      return resolved;
    }
  }
}
