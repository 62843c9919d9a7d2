package dev.observability.tracing;

import io.opentelemetry.sdk.common.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that tests move by hand; starts at the real time, then only moves when told. */
public final class TestClock implements Clock {

  private final long epochBase = System.currentTimeMillis() * 1_000_000L;
  private final AtomicLong nanos = new AtomicLong();

  /** Moves the clock forward. */
  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }

  @Override
  public long now() {
    return epochBase + nanos.get();
  }

  @Override
  public long nanoTime() {
    return nanos.get();
  }
}
