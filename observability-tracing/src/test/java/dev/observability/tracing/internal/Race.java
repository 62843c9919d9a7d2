package dev.observability.tracing.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Runs a body on several threads released together, for tests of first-use races. */
final class Race {

  private Race() {}

  /** Starts {@code threads} threads, releases them at once into {@code body}, waits for all. */
  static void run(int threads, Runnable body) throws InterruptedException {
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  go.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                body.run();
              });
      thread.start();
      started.add(thread);
    }
    go.countDown();
    for (Thread thread : started) {
      thread.join();
    }
  }
}
