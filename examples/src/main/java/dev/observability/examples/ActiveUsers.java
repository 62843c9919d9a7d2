package dev.observability.examples;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The guide's {@code active_users} gauge: users seen (registered, looked up or checking out) within
 * the last {@link #WINDOW}. Holds at most {@link #MAX_USERS} users; past that, a user not already
 * held is not counted until older ones expire. Thread-safe.
 */
final class ActiveUsers {

  /** How long a user counts as active after their last request. */
  static final Duration WINDOW = Duration.ofMinutes(5);

  /** Users held at most. */
  static final int MAX_USERS = 10_000;

  private final ConcurrentHashMap<Long, Long> lastSeen = new ConcurrentHashMap<>();
  private final LongSupplier nanoTime;

  ActiveUsers() {
    this(System::nanoTime);
  }

  ActiveUsers(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** Records a request of {@code userId}. */
  void seen(long userId) {
    long now = nanoTime.getAsLong();
    if (lastSeen.size() >= MAX_USERS && !lastSeen.containsKey(userId)) {
      expire(now);
      if (lastSeen.size() >= MAX_USERS) {
        return;
      }
    }
    lastSeen.put(userId, now);
  }

  /** Users seen within the window; read by the gauge at each scrape. */
  int count() {
    expire(nanoTime.getAsLong());
    return lastSeen.size();
  }

  private void expire(long now) {
    long window = WINDOW.toNanos();
    lastSeen.values().removeIf(seen -> now - seen > window);
  }
}
