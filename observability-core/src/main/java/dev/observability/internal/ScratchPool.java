package dev.observability.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.ref.SoftReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Scratch objects (encoding buffers and the state kept with them) reused from one call to the next,
 * so that encoding a log line allocates nothing once warm.
 *
 * <p>A platform thread keeps one of its own, held softly (a container's thread that outlives a web
 * application must not keep the application's classes; Jackson's buffer recycler does the same). A
 * virtual thread usually lives for one request: one of its own would be built for every request and
 * thrown away with it (about 3 KB for the JSON encoder's buffer). Virtual threads therefore share a
 * few, taken from and given back to {@code slots} (twice the processors, 4 to 32): as many virtual
 * threads encode at once as there are carrier threads, since encoding never blocks. When every slot
 * is taken, a new one is built and, given back to a full pool, left to the collector. Nothing else
 * is bounded by it, and nothing is lost.
 *
 * <p>A call on a thread whose scratch is taken (a value's {@code toString()} that logs while its
 * line is encoded) gets a new one, left to the collector after use.
 *
 * <p>Virtual threads are told apart with {@code Thread.isVirtual()}, looked up once; on a JDK
 * without them every thread is a platform thread. Thread-safe.
 *
 * @param <T> the scratch type
 */
public final class ScratchPool<T extends ScratchPool.Scratch> {

  /** What a scratch object carries for its pool; extend it. */
  public abstract static class Scratch {
    /** Taken by a caller and not given back yet. */
    boolean taken;

    /** Belongs to the shared slots (virtual threads) rather than to a thread. */
    boolean shared;

    /** For subclasses. */
    protected Scratch() {}
  }

  private static final @Nullable MethodHandle IS_VIRTUAL = isVirtualHandle();

  private final Supplier<T> factory;
  private final ThreadLocal<SoftReference<T>> own = new ThreadLocal<>();
  private final AtomicReferenceArray<T> slots;

  /** A pool whose scratch objects {@code factory} builds, with the default number of slots. */
  public ScratchPool(Supplier<T> factory) {
    this(factory, Math.min(32, Math.max(4, 2 * Runtime.getRuntime().availableProcessors())));
  }

  ScratchPool(Supplier<T> factory, int slots) {
    this.factory = factory;
    this.slots = new AtomicReferenceArray<>(slots);
  }

  /**
   * A scratch object for the calling thread, to be given back with {@link #release} when done (in a
   * {@code finally}).
   */
  public T acquire() {
    Thread thread = Thread.currentThread();
    return isVirtual(thread) ? takeShared(thread) : takeOwn();
  }

  /** Gives back a scratch object that {@link #acquire} returned. */
  public void release(T scratch) {
    scratch.taken = false;
    if (scratch.shared) {
      giveShared(scratch, Thread.currentThread());
    }
  }

  private T takeOwn() {
    SoftReference<T> held = own.get();
    T mine = held == null ? null : held.get();
    if (mine == null) {
      mine = factory.get();
      own.set(new SoftReference<>(mine));
    }
    if (mine.taken) {
      return factory.get();
    }
    mine.taken = true;
    return mine;
  }

  /** One of the shared slots' scratch objects, or a new one bound for them; visible for tests. */
  T takeShared(Thread thread) {
    int n = slots.length();
    int start = start(thread, n);
    for (int i = 0; i < n; i++) {
      int at = (start + i) % n;
      if (slots.get(at) != null) {
        T taken = slots.getAndSet(at, null);
        if (taken != null) {
          return taken;
        }
      }
    }
    T fresh = factory.get();
    fresh.shared = true;
    return fresh;
  }

  private void giveShared(T scratch, Thread thread) {
    int n = slots.length();
    int start = start(thread, n);
    for (int i = 0; i < n; i++) {
      int at = (start + i) % n;
      if (slots.get(at) == null && slots.compareAndSet(at, null, scratch)) {
        return;
      }
    }
  }

  /** Scratch objects in the shared slots now; for tests. */
  int sharedIdle() {
    int idle = 0;
    for (int i = 0; i < slots.length(); i++) {
      if (slots.get(i) != null) {
        idle++;
      }
    }
    return idle;
  }

  @SuppressWarnings("deprecation") // Thread.threadId() is JDK 19+; getId() is the same number.
  private static int start(Thread thread, int slots) {
    return (int) ((thread.getId() & Long.MAX_VALUE) % slots);
  }

  static boolean isVirtual(Thread thread) {
    MethodHandle isVirtual = IS_VIRTUAL;
    if (isVirtual == null) {
      return false;
    }
    try {
      return (boolean) isVirtual.invokeExact(thread);
    } catch (Throwable e) {
      return false;
    }
  }

  private static @Nullable MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup()
          .findVirtual(Thread.class, "isVirtual", MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }
}
