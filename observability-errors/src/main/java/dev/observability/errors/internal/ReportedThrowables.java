package dev.observability.errors.internal;

import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The throwables already reported, so that each reaches Sentry once whichever capture point sees it
 * first: identity-keyed, weakly held (a reported exception is not kept alive by this set), bounded
 * (the oldest entry falls off and is counted), and aware of cause chains.
 *
 * <p>A throwable counts as reported when it, or any throwable in its cause chain, was reported; and
 * reporting a throwable marks its whole cause chain. So a {@code ServletException} that wraps the
 * application's exception, logged by the container after the filter reported the exception, is not
 * sent again; and neither is the cause of a wrapper that was logged first. The price: a new failure
 * that wraps an old, already reported one is not reported either. Sentry's own de-duplication
 * follows the same rule.
 *
 * <p>Thread-safe (all methods synchronize on the instance; each holds the lock for a walk of at
 * most {@value #MAX_CHAIN} causes).
 */
final class ReportedThrowables {

  /** Longest cause chain walked; longer chains are cut (and cycles stop the walk). */
  static final int MAX_CHAIN = 16;

  private final int capacity;
  private final LongConsumer onEvicted;
  private final ReferenceQueue<Throwable> cleared = new ReferenceQueue<>();
  private final LinkedHashMap<Key, String> entries;

  /**
   * Creates a set of at most {@code capacity} throwables.
   *
   * @param onEvicted called with 1 each time a live entry falls off the bound
   */
  ReportedThrowables(int capacity, LongConsumer onEvicted) {
    this.capacity = capacity;
    this.onEvicted = onEvicted;
    this.entries =
        new LinkedHashMap<>(64, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, String> eldest) {
            if (size() <= ReportedThrowables.this.capacity) {
              return false;
            }
            if (eldest.getKey().get() != null) {
              ReportedThrowables.this.onEvicted.accept(1);
            }
            return true;
          }
        };
  }

  /**
   * Claims {@code error} for reporting: returns {@code null} when neither it nor any of its causes
   * was reported (and marks the chain as being reported), or the event id recorded for the first
   * reported throwable of the chain ({@code ""} when that one was not sent: suppressed, sampled out
   * or failed).
   */
  synchronized @Nullable String claim(Throwable error) {
    expunge();
    Throwable[] chain = chain(error);
    for (Throwable t : chain) {
      if (t == null) {
        break;
      }
      String id = entries.get(new Key(t, null));
      if (id != null) {
        return id;
      }
    }
    for (Throwable t : chain) {
      if (t == null) {
        break;
      }
      entries.put(new Key(t, cleared), "");
    }
    return null;
  }

  /** Records the event id sent for {@code error} (and its causes) after a successful claim. */
  synchronized void record(Throwable error, String eventId) {
    expunge();
    for (Throwable t : chain(error)) {
      if (t == null) {
        break;
      }
      entries.put(new Key(t, cleared), eventId);
    }
  }

  /** The number of entries held, including those whose throwable was collected but not expunged. */
  synchronized int size() {
    expunge();
    return entries.size();
  }

  private void expunge() {
    for (Reference<? extends Throwable> ref; (ref = cleared.poll()) != null; ) {
      entries.remove(ref);
    }
  }

  private static @Nullable Throwable[] chain(Throwable error) {
    @Nullable Throwable[] chain = new Throwable[MAX_CHAIN];
    Throwable current = error;
    for (int i = 0; i < MAX_CHAIN && current != null && !contains(chain, i, current); i++) {
      chain[i] = current;
      current = current.getCause();
    }
    return chain;
  }

  /** Whether {@code t} is among the first {@code n} of {@code chain}: a cycle (n is at most 16). */
  private static boolean contains(@Nullable Throwable[] chain, int n, Throwable t) {
    for (int i = 0; i < n; i++) {
      if (chain[i] == t) {
        return true;
      }
    }
    return false;
  }

  /** A weak reference compared by the identity of its referent. */
  private static final class Key extends WeakReference<Throwable> {
    private final int hash;

    Key(Throwable referent, @Nullable ReferenceQueue<Throwable> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(@Nullable Object o) {
      if (o == this) {
        return true;
      }
      if (!(o instanceof Key other)) {
        return false;
      }
      Throwable mine = get();
      return mine != null && mine == other.get();
    }
  }
}
