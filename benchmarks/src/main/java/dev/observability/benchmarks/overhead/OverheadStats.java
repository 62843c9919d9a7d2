package dev.observability.benchmarks.overhead;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The process figures that {@code /admin/stats} reports: CPU time, bytes allocated by every thread,
 * heap in use, RSS and the number of {@code /work} requests served.
 *
 * <p>Allocation is the sum of {@code com.sun.management.ThreadMXBean#getThreadAllocatedBytes} over
 * every thread ever seen: a daemon thread samples all live threads every 250 ms and keeps each
 * thread's last value, so a thread that ends still counts with what it had allocated at its last
 * sample (JDK 17 has no process-wide total). It covers every thread of the process, the agent's and
 * the SDK's exporters included; it misses only what a short-lived thread allocates after its last
 * sample.
 *
 * <p>Thread-safe.
 */
final class OverheadStats implements AutoCloseable {

  private static final long SAMPLE_MILLIS = 250;

  private final com.sun.management.ThreadMXBean threads;
  private final com.sun.management.OperatingSystemMXBean os;
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Map<Long, Long> allocatedByThread = new HashMap<>();
  private final LongAdder served = new LongAdder();
  private final Thread sampler;
  private volatile boolean running = true;

  OverheadStats() {
    threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    if (threads.isThreadAllocatedMemorySupported()) {
      threads.setThreadAllocatedMemoryEnabled(true);
    }
    sampler = new Thread(this::sampleLoop, "overhead-alloc-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Counts one served {@code /work} request. */
  void served() {
    served.increment();
  }

  /**
   * Renders the figures as {@code name value} lines. With {@code gc}, runs a full collection after
   * reading the counters and before reading the heap, so that {@code heap_used_bytes} is the live
   * heap.
   */
  String render(boolean gc) {
    // The counters first, so that the collection's own CPU falls outside the window they close.
    long requests = served.sum();
    long cpu = os.getProcessCpuTime();
    long allocated = sample();
    if (gc) {
      System.gc();
    }
    StringBuilder out = new StringBuilder(256);
    line(out, "requests", requests);
    line(out, "cpu_ns", cpu);
    line(out, "allocated_bytes", allocated);
    line(out, "heap_used_bytes", memory.getHeapMemoryUsage().getUsed());
    line(out, "nonheap_used_bytes", memory.getNonHeapMemoryUsage().getUsed());
    line(out, "rss_bytes", rssBytes());
    line(out, "threads", threads.getThreadCount());
    line(out, "uptime_ms", ManagementFactory.getRuntimeMXBean().getUptime());
    return out.toString();
  }

  private static void line(StringBuilder out, String name, long value) {
    out.append(name).append(' ').append(value).append('\n');
  }

  private void sampleLoop() {
    while (running) {
      sample();
      try {
        Thread.sleep(SAMPLE_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private synchronized long sample() {
    long[] ids = threads.getAllThreadIds();
    long[] bytes = threads.getThreadAllocatedBytes(ids);
    for (int i = 0; i < ids.length; i++) {
      if (bytes[i] >= 0) {
        allocatedByThread.put(ids[i], bytes[i]);
      }
    }
    long total = 0;
    for (long value : allocatedByThread.values()) {
      total += value;
    }
    return total;
  }

  /** VmRSS from /proc (Linux); -1 elsewhere. */
  private static long rssBytes() {
    try {
      for (String line :
          Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.US_ASCII)) {
        if (line.startsWith("VmRSS:")) {
          String kb = line.substring("VmRSS:".length()).replace("kB", "").trim();
          return Long.parseLong(kb) * 1024;
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public void close() {
    running = false;
    sampler.interrupt();
  }
}
