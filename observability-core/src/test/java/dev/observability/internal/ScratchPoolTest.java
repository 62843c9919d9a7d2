package dev.observability.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class ScratchPoolTest {

  /** Fails the test when two callers hold the same object at once. */
  static final class Buffer extends ScratchPool.Scratch {
    final AtomicBoolean held = new AtomicBoolean();

    void hold() {
      assertThat(held.compareAndSet(false, true)).as("handed out while held").isTrue();
    }

    void letGo() {
      held.set(false);
    }
  }

  @Test
  void platformThread_getsItsOwnBackEveryTime() {
    AtomicInteger built = new AtomicInteger();
    ScratchPool<Buffer> pool = new ScratchPool<>(() -> count(built));

    Buffer first = pool.acquire();
    pool.release(first);
    Buffer second = pool.acquire();
    pool.release(second);

    assertThat(second).isSameAs(first);
    assertThat(built).hasValue(1);
    assertThat(pool.sharedIdle()).isZero();
  }

  @Test
  void nestedCall_getsAnotherOne_andTheThreadKeepsItsOwn() {
    ScratchPool<Buffer> pool = new ScratchPool<>(Buffer::new);

    Buffer outer = pool.acquire();
    Buffer nested = pool.acquire();
    pool.release(nested);
    pool.release(outer);
    Buffer next = pool.acquire();

    assertThat(nested).isNotSameAs(outer);
    assertThat(next).isSameAs(outer);
  }

  @Test
  void eachPlatformThread_hasItsOwn() throws InterruptedException {
    ScratchPool<Buffer> pool = new ScratchPool<>(Buffer::new);
    Buffer mine = pool.acquire();
    pool.release(mine);
    AtomicReference<Buffer> theirs = new AtomicReference<>();

    Thread other =
        new Thread(
            () -> {
              Buffer b = pool.acquire();
              theirs.set(b);
              pool.release(b);
            });
    other.start();
    other.join();

    assertThat(theirs.get()).isNotNull().isNotSameAs(mine);
  }

  @Test
  void shared_givenBack_isTakenAgain_insteadOfBuildingAnother() {
    AtomicInteger built = new AtomicInteger();
    ScratchPool<Buffer> pool = new ScratchPool<>(() -> count(built), 4);
    Thread thread = Thread.currentThread();

    Buffer first = pool.takeShared(thread);
    pool.release(first);
    assertThat(pool.sharedIdle()).isEqualTo(1);
    Buffer second = pool.takeShared(new Thread(() -> {}));

    assertThat(second).isSameAs(first);
    assertThat(built).hasValue(1);
    assertThat(pool.sharedIdle()).isZero();
  }

  @Test
  void shared_keepsAtMostItsSlots_andBuildsWhenAllAreTaken() {
    AtomicInteger built = new AtomicInteger();
    ScratchPool<Buffer> pool = new ScratchPool<>(() -> count(built), 4);
    Thread thread = Thread.currentThread();

    List<Buffer> taken = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      taken.add(pool.takeShared(thread));
    }
    assertThat(Set.copyOf(taken)).hasSize(10);
    taken.forEach(pool::release);

    assertThat(built).hasValue(10);
    assertThat(pool.sharedIdle()).isEqualTo(4);
    for (int i = 0; i < 4; i++) {
      assertThat(taken).contains(pool.takeShared(thread));
    }
    assertThat(pool.sharedIdle()).isZero();
  }

  @Test
  void shared_neverHandsOneObjectToTwoCallersAtOnce() throws InterruptedException {
    ScratchPool<Buffer> pool = new ScratchPool<>(Buffer::new, 4);
    Set<Buffer> seen = ConcurrentHashMap.newKeySet();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                  for (int i = 0; i < 20_000; i++) {
                    Buffer b = pool.takeShared(Thread.currentThread());
                    b.hold();
                    seen.add(b);
                    b.letGo();
                    pool.release(b);
                  }
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              });
      thread.start();
      threads.add(thread);
    }
    go.countDown();
    for (Thread thread : threads) {
      thread.join();
    }

    assertThat(failures).isEmpty();
    assertThat(pool.sharedIdle()).isLessThanOrEqualTo(4).isPositive();
    // Built only while every slot was taken: a small part of the 160,000 calls.
    assertThat(seen).hasSizeLessThan(8_000);
  }

  @Test
  void isVirtual_falseForPlatformThreads() {
    assertThat(ScratchPool.isVirtual(Thread.currentThread())).isFalse();
  }

  /** Runs on a JDK with virtual threads (21 or newer); on 17 there are none to tell apart. */
  @Test
  void virtualThreads_shareTheSlots() throws Throwable {
    MethodHandle startVirtual = virtualThreadStarter();
    assumeTrue(startVirtual != null, "this JDK has no virtual threads");
    AtomicInteger built = new AtomicInteger();
    ScratchPool<Buffer> pool = new ScratchPool<>(() -> count(built), 4);
    List<Buffer> used = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      AtomicReference<Buffer> b = new AtomicReference<>();
      AtomicBoolean virtual = new AtomicBoolean();
      Runnable task =
          () -> {
            virtual.set(ScratchPool.isVirtual(Thread.currentThread()));
            Buffer taken = pool.acquire();
            b.set(taken);
            pool.release(taken);
          };
      ((Thread) startVirtual.invoke(task)).join();
      assertThat(virtual).isTrue();
      used.add(b.get());
    }

    assertThat(built).hasValue(1);
    assertThat(Set.copyOf(used)).hasSize(1);
    assertThat(pool.sharedIdle()).isEqualTo(1);
  }

  private static @Nullable MethodHandle virtualThreadStarter() {
    try {
      return MethodHandles.publicLookup()
          .findStatic(
              Thread.class,
              "startVirtualThread",
              MethodType.methodType(Thread.class, Runnable.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  private static Buffer count(AtomicInteger built) {
    built.incrementAndGet();
    return new Buffer();
  }
}
