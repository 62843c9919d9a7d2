package dev.observability.health;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import javax.sql.DataSource;

/**
 * Ready-made checks for common dependencies and for the process itself.
 *
 * <p>Every check returned is thread-safe and keeps no connection open between runs. None puts a
 * URL, host name or credential into its error text or details: a check's output names what failed,
 * not where.
 */
public final class HealthChecks {

  private static final long MIB = 1024L * 1024L;

  private HealthChecks() {}

  /**
   * Takes a connection from {@code dataSource} and asks the driver whether it is valid ({@link
   * Connection#isValid(int)}, 1 s), then returns it. DOWN when the connection cannot be had or is
   * not valid. With a pool, this checks the pool's hand-out too.
   *
   * @param dataSource the data source to take a connection from
   * @return the check
   */
  public static HealthCheck jdbc(DataSource dataSource) {
    return jdbc(dataSource, Duration.ofSeconds(1));
  }

  /**
   * Like {@link #jdbc(DataSource)}, with the driver's validation timeout (rounded up to whole
   * seconds, at least 1).
   *
   * @param dataSource the data source to take a connection from
   * @param validationTimeout how long the driver may take to validate
   * @return the check
   */
  public static HealthCheck jdbc(DataSource dataSource, Duration validationTimeout) {
    Objects.requireNonNull(dataSource, "dataSource");
    int seconds = (int) Math.max(1, Math.min(3600, ceilSeconds(validationTimeout)));
    return () -> {
      try (Connection connection = dataSource.getConnection()) {
        return connection.isValid(seconds)
            ? HealthCheck.Result.up()
            : HealthCheck.Result.down(
                "connection is not valid (driver validation within " + seconds + " s failed)");
      }
    };
  }

  /**
   * Sends {@code GET uri} and is UP when the status is below 500 (a 404 or 401 still proves the
   * service answers). Redirects are not followed. The timeout bounds connecting and the response
   * headers; the body is discarded. Details: {@code status_code}.
   *
   * @param uri the URI to send {@code GET} to
   * @param timeout the bound on connecting and the response headers
   * @return the check
   */
  public static HealthCheck http(URI uri, Duration timeout) {
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(timeout, "timeout");
    String scheme = String.valueOf(uri.getScheme()).toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("an HTTP health check needs an http or https URI");
    }
    HttpClient client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).GET().header("Accept", "*/*").build();
    return () -> {
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      Map<String, Object> details = Map.of("status_code", status);
      return status < 500
          ? HealthCheck.Result.up(details)
          : HealthCheck.Result.down("HTTP status " + status, details);
    };
  }

  /**
   * {@link #http(URI, Duration)} with a 2 s timeout.
   *
   * @param uri the URI to send {@code GET} to
   * @return the check
   */
  public static HealthCheck http(URI uri) {
    return http(uri, Duration.ofSeconds(2));
  }

  /**
   * Opens a TCP connection to {@code host:port} and closes it; DOWN when it cannot connect.
   *
   * @param host the host to connect to
   * @param port the port to connect to
   * @param connectTimeout the bound on connecting
   * @return the check
   */
  public static HealthCheck tcp(String host, int port, Duration connectTimeout) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be between 1 and 65535, not " + port);
    }
    int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()));
    return () -> {
      // Resolved on every run: a changed DNS record is picked up, a failing lookup is a DOWN.
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), millis);
      }
      return HealthCheck.Result.up();
    };
  }

  /**
   * DOWN when the usable space of the file store holding {@code path} is below {@code
   * minFreeBytes}. Details: {@code free_bytes}, {@code total_bytes}, {@code min_free_bytes}.
   *
   * @param path a path on the file store to watch
   * @param minFreeBytes the least usable space, in bytes
   * @return the check
   */
  public static HealthCheck diskSpace(Path path, long minFreeBytes) {
    Objects.requireNonNull(path, "path");
    if (minFreeBytes < 0) {
      throw new IllegalArgumentException("minFreeBytes must not be negative");
    }
    return () -> {
      FileStore store = Files.getFileStore(path);
      long free = store.getUsableSpace();
      long total = store.getTotalSpace();
      Map<String, Object> details = diskDetails(free, total);
      details.put("min_free_bytes", minFreeBytes);
      return free >= minFreeBytes
          ? HealthCheck.Result.up(details)
          : HealthCheck.Result.down(
              "free disk space " + free / MIB + " MiB is below " + minFreeBytes / MIB + " MiB",
              details);
    };
  }

  /**
   * DOWN when the usable share of the file store holding {@code path} is below {@code minFreeRatio}
   * (0 to 1). Details: {@code free_bytes}, {@code total_bytes}, {@code min_free_ratio}.
   *
   * @param path a path on the file store to watch
   * @param minFreeRatio the least usable share, 0 to 1
   * @return the check
   */
  public static HealthCheck diskSpaceRatio(Path path, double minFreeRatio) {
    Objects.requireNonNull(path, "path");
    if (!(minFreeRatio >= 0.0 && minFreeRatio <= 1.0)) {
      throw new IllegalArgumentException("minFreeRatio must be between 0 and 1");
    }
    return () -> {
      FileStore store = Files.getFileStore(path);
      long free = store.getUsableSpace();
      long total = store.getTotalSpace();
      double ratio = total <= 0 ? 0.0 : (double) free / total;
      Map<String, Object> details = diskDetails(free, total);
      details.put("min_free_ratio", minFreeRatio);
      return ratio >= minFreeRatio
          ? HealthCheck.Result.up(details)
          : HealthCheck.Result.down(
              "free disk space " + percent(ratio) + " is below " + percent(minFreeRatio), details);
    };
  }

  /**
   * DOWN when the heap is fuller than {@code maxUsedRatio} (0 to 1) after garbage collection: the
   * highest occupancy, after the last collection, of the heap pools that hold long-lived objects
   * (the old generation), relative to their maximum. A heap full of garbage that the next
   * collection frees is not pressure. When the JVM reports no such pool, the current heap use
   * relative to the maximum heap is used. Details: {@code used_ratio}, {@code max_used_ratio}.
   *
   * @param maxUsedRatio the highest occupancy after collection, 0 to 1
   * @return the check
   */
  public static HealthCheck heapPressure(double maxUsedRatio) {
    if (!(maxUsedRatio > 0.0 && maxUsedRatio <= 1.0)) {
      throw new IllegalArgumentException("maxUsedRatio must be above 0 and at most 1");
    }
    return () -> {
      double used = heapUsedRatioAfterGc();
      Map<String, Object> details = new LinkedHashMap<>();
      details.put("used_ratio", Math.round(used * 1000.0) / 1000.0);
      details.put("max_used_ratio", maxUsedRatio);
      return used <= maxUsedRatio
          ? HealthCheck.Result.up(details)
          : HealthCheck.Result.down(
              "heap " + percent(used) + " full after GC, above " + percent(maxUsedRatio), details);
    };
  }

  /**
   * DOWN when threads are deadlocked on monitors or on {@code java.util.concurrent} locks ({@link
   * ThreadMXBean#findDeadlockedThreads()}). Details when DOWN: {@code threads}, the names of up to
   * ten of them. Each run is a JVM safepoint (every Java thread stops while the JVM looks for
   * cycles), so the module registers it as {@code deadlock} in both groups with its result reused
   * for {@code health.deadlock-check-cache-ttl} (10 s), unless {@code health.deadlock-check=false}.
   *
   * @return the check
   */
  public static HealthCheck deadlockedThreads() {
    return () -> {
      ThreadMXBean threads = ManagementFactory.getThreadMXBean();
      long[] ids =
          threads.isSynchronizerUsageSupported()
              ? threads.findDeadlockedThreads()
              : threads.findMonitorDeadlockedThreads();
      if (ids == null || ids.length == 0) {
        return HealthCheck.Result.up();
      }
      StringJoiner names = new StringJoiner(", ");
      long[] shown = ids.length > 10 ? Arrays.copyOf(ids, 10) : ids;
      for (ThreadInfo info : threads.getThreadInfo(shown)) {
        if (info != null) {
          names.add(info.getThreadName());
        }
      }
      return HealthCheck.Result.down(
          ids.length + (ids.length == 1 ? " thread" : " threads") + " deadlocked",
          Map.of("threads", names.toString()));
    };
  }

  private static double heapUsedRatioAfterGc() {
    double highest = -1.0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      // Usage thresholds are supported by the pools of long-lived objects, not by eden/survivor.
      if (pool.getType() != MemoryType.HEAP || !pool.isUsageThresholdSupported()) {
        continue;
      }
      MemoryUsage afterGc = pool.getCollectionUsage();
      if (afterGc == null) {
        continue;
      }
      long max = afterGc.getMax() > 0 ? afterGc.getMax() : pool.getUsage().getMax();
      if (max <= 0) {
        continue;
      }
      highest = Math.max(highest, (double) afterGc.getUsed() / max);
    }
    if (highest >= 0.0) {
      return highest;
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long max = heap.getMax() > 0 ? heap.getMax() : heap.getCommitted();
    return max <= 0 ? 0.0 : (double) heap.getUsed() / max;
  }

  private static Map<String, Object> diskDetails(long free, long total) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("free_bytes", free);
    details.put("total_bytes", total);
    return details;
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100.0);
  }

  private static long ceilSeconds(Duration d) {
    Objects.requireNonNull(d, "validationTimeout");
    long seconds = d.getSeconds();
    return d.getNano() > 0 ? seconds + 1 : seconds;
  }
}
