package dev.observability.metrics.internal;

import dev.observability.metrics.MetricsConvention;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Exemplar;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Exemplars of the HTTP server meters: per {@code http_request_duration_seconds} bucket and per
 * {@code http_requests_total} series, the trace and span of one recent request whose trace was kept
 * for export, added to the Prometheus snapshots when they are scraped (OpenMetrics writes them; the
 * 0.0.4 text format has no exemplars).
 *
 * <p>Only requests whose trace was kept are offered (the tracing module says so in the observation
 * context), so every exemplar opens a trace that the backend has. When a slot has a choice, the
 * request that failed (5xx or an exception) wins over one kept for its latency or a callee's keep,
 * which wins over one kept by the ratio or a sampled parent: a lower priority replaces a higher one
 * only once that one is older than {@link #STALE}; among equals the newer wins, at most once per
 * {@link #REFRESH} per slot, so a busy series allocates at most one exemplar per slot per second.
 *
 * <p>Thread-safe: slots are replaced whole (a racing request may win or lose; either names a kept
 * trace). Recording never blocks and allocates only when a slot takes a new exemplar.
 */
public final class HttpExemplars {

  /** Priority of a request that failed: 5xx, or an exception. */
  public static final int ERROR = 2;

  /** Priority of a request kept for its latency or a callee's keep. */
  public static final int NOTABLE = 1;

  /** Priority of a request kept by the ratio or a sampled parent. */
  public static final int SAMPLED = 0;

  /** How long an exemplar of higher priority is kept against newer ones of lower priority. */
  static final Duration STALE = Duration.ofMinutes(1);

  /** How often a slot takes a newer exemplar of the same priority. */
  static final Duration REFRESH = Duration.ofSeconds(1);

  private final LongSupplier wallClockMillis;
  private final String histogramName;
  private final String counterName;
  private final ConcurrentHashMap<String, Series> series = new ConcurrentHashMap<>();

  /**
   * Creates the store.
   *
   * @param wallClockMillis the time stamped on exemplars
   * @param histogramName the Prometheus name of the duration histogram's snapshots
   * @param counterName the Prometheus name of the request counter's snapshots (without {@code
   *     _total})
   */
  public HttpExemplars(LongSupplier wallClockMillis, String histogramName, String counterName) {
    this.wallClockMillis = wallClockMillis;
    this.histogramName = histogramName;
    this.counterName = counterName;
  }

  /** The priority of a kept request from its outcome and the policy that kept its trace. */
  public static int priority(boolean failed, String policy) {
    if (failed) {
      return ERROR;
    }
    return "latency".equals(policy) || "downstream".equals(policy) || "error".equals(policy)
        ? NOTABLE
        : SAMPLED;
  }

  /**
   * The slots of one (method, endpoint) series, registered under its label values.
   *
   * @param bucketSeconds the histogram's upper bounds in seconds, ascending, without +Inf
   */
  public Series series(String method, String endpoint, double[] bucketSeconds) {
    return series.computeIfAbsent(
        key(method, endpoint), k -> new Series(bucketSeconds.clone(), wallClockMillis));
  }

  private static String key(String method, String endpoint) {
    return method + '\u0000' + endpoint;
  }

  /** One sampled request: immutable. */
  record Sample(String traceId, String spanId, double seconds, long timestampMillis, int priority) {

    Exemplar exemplar() {
      return new Exemplar(
          seconds,
          Labels.of(Exemplar.TRACE_ID, traceId, Exemplar.SPAN_ID, spanId),
          timestampMillis);
    }

    /** Whether {@code candidate} (priority {@code priority}, at {@code now}) replaces this one. */
    boolean yieldsTo(int priority, long now) {
      long age = now - timestampMillis;
      if (priority > this.priority) {
        return true;
      }
      if (priority == this.priority) {
        return age >= REFRESH.toMillis();
      }
      return age >= STALE.toMillis();
    }
  }

  /** The slots of one series: one per bucket (+Inf last) and one per status. Thread-safe. */
  public static final class Series {
    private final double[] bounds;
    private final LongSupplier clock;
    private final AtomicReferenceArray<Sample> buckets;

    /** By status index / 100 (1xx .. 5xx, unknown), then by index % 100; rows made on demand. */
    private final AtomicReferenceArray<AtomicReferenceArray<Sample>> statuses =
        new AtomicReferenceArray<>(6);

    Series(double[] bounds, LongSupplier clock) {
      this.bounds = bounds;
      this.clock = clock;
      this.buckets = new AtomicReferenceArray<>(bounds.length + 1);
    }

    /**
     * Offers a kept request.
     *
     * @param statusIndex the status counter's index (status - 100, or 500 for unknown)
     * @param nanos the request's duration
     * @param priority {@link #ERROR}, {@link #NOTABLE} or {@link #SAMPLED}
     */
    public void offer(int statusIndex, long nanos, String traceId, String spanId, int priority) {
      double seconds = nanos / 1e9;
      int bucket = bounds.length;
      for (int i = 0; i < bounds.length; i++) {
        if (seconds <= bounds[i]) {
          bucket = i;
          break;
        }
      }
      long now = clock.getAsLong();
      Sample current = buckets.get(bucket);
      Sample sample = null;
      if (current == null || current.yieldsTo(priority, now)) {
        sample = new Sample(traceId, spanId, seconds, now, priority);
        buckets.set(bucket, sample);
      }
      int group = statusIndex / 100;
      if (group < 0 || group >= 6) {
        return;
      }
      AtomicReferenceArray<Sample> row = statuses.get(group);
      if (row == null) {
        statuses.compareAndSet(group, null, new AtomicReferenceArray<>(100));
        row = statuses.get(group);
      }
      int slot = statusIndex % 100;
      Sample counted = row.get(slot);
      if (counted == null || counted.yieldsTo(priority, now)) {
        row.set(
            slot, sample != null ? sample : new Sample(traceId, spanId, seconds, now, priority));
      }
    }

    /** The bucket exemplars, for the histogram data point. */
    Exemplars bucketExemplars() {
      List<Exemplar> list = new ArrayList<>(buckets.length());
      for (int i = 0; i < buckets.length(); i++) {
        Sample sample = buckets.get(i);
        if (sample != null) {
          list.add(sample.exemplar());
        }
      }
      return list.isEmpty() ? Exemplars.EMPTY : Exemplars.of(list);
    }

    /** The exemplar of one status counter, or null. */
    @Nullable Exemplar statusExemplar(int statusIndex) {
      int group = statusIndex / 100;
      if (group < 0 || group >= 6) {
        return null;
      }
      AtomicReferenceArray<Sample> row = statuses.get(group);
      Sample sample = row == null ? null : row.get(statusIndex % 100);
      return sample == null ? null : sample.exemplar();
    }
  }

  /**
   * The snapshots with the exemplars of the HTTP series added to {@code http_request_duration_
   * seconds} and {@code http_requests_total}; the others unchanged. Runs on the scraping thread.
   */
  public MetricSnapshots decorate(MetricSnapshots snapshots) {
    if (series.isEmpty()) {
      return snapshots;
    }
    List<MetricSnapshot> result = new ArrayList<>(snapshots.size());
    boolean changed = false;
    for (MetricSnapshot snapshot : snapshots) {
      String name = snapshot.getMetadata().getPrometheusName();
      MetricSnapshot decorated = snapshot;
      if (snapshot instanceof HistogramSnapshot histogram && name.equals(histogramName)) {
        decorated = histogram(histogram);
      } else if (snapshot instanceof CounterSnapshot counter && name.equals(counterName)) {
        decorated = counter(counter);
      }
      changed |= decorated != snapshot;
      result.add(decorated);
    }
    return changed ? new MetricSnapshots(result) : snapshots;
  }

  private @Nullable Series of(Labels labels) {
    String method = labels.get(MetricsConvention.TAG_METHOD);
    String endpoint = labels.get(MetricsConvention.TAG_ENDPOINT);
    return method == null || endpoint == null ? null : series.get(key(method, endpoint));
  }

  private MetricSnapshot histogram(HistogramSnapshot snapshot) {
    List<HistogramDataPointSnapshot> points = new ArrayList<>(snapshot.getDataPoints().size());
    boolean changed = false;
    for (HistogramDataPointSnapshot point : snapshot.getDataPoints()) {
      Series s = point.hasClassicHistogramData() ? of(point.getLabels()) : null;
      Exemplars exemplars = s == null ? Exemplars.EMPTY : s.bucketExemplars();
      if (exemplars.size() == 0) {
        points.add(point);
        continue;
      }
      changed = true;
      points.add(
          new HistogramDataPointSnapshot(
              point.getClassicBuckets(),
              point.getSum(),
              point.getLabels(),
              exemplars,
              point.hasCreatedTimestamp() ? point.getCreatedTimestampMillis() : 0L));
    }
    return changed ? new HistogramSnapshot(snapshot.getMetadata(), points) : snapshot;
  }

  private MetricSnapshot counter(CounterSnapshot snapshot) {
    List<CounterDataPointSnapshot> points = new ArrayList<>(snapshot.getDataPoints().size());
    boolean changed = false;
    for (CounterDataPointSnapshot point : snapshot.getDataPoints()) {
      Series s = of(point.getLabels());
      Exemplar exemplar =
          s == null
              ? null
              : s.statusExemplar(statusIndex(point.getLabels().get(MetricsConvention.TAG_STATUS)));
      if (exemplar == null) {
        points.add(point);
        continue;
      }
      changed = true;
      points.add(
          new CounterDataPointSnapshot(
              point.getValue(),
              point.getLabels(),
              exemplar,
              point.hasCreatedTimestamp() ? point.getCreatedTimestampMillis() : 0L));
    }
    return changed ? new CounterSnapshot(snapshot.getMetadata(), points) : snapshot;
  }

  /** The counter index of a status label value: status - 100, 500 for {@code UNKNOWN}, else -1. */
  static int statusIndex(@Nullable String status) {
    if (status == null) {
      return -1;
    }
    if (status.equals(MetricsConvention.UNKNOWN_STATUS)) {
      return 500;
    }
    try {
      int code = Integer.parseInt(status);
      return code >= 100 && code <= 599 ? code - 100 : -1;
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
