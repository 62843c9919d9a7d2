package dev.observability.metrics.internal;

import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import dev.observability.metrics.MetricsConvention;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

/**
 * Records the golden signals of inbound HTTP requests: {@code http_requests_in_flight} (+1 at
 * start, -1 at stop), and at stop {@code http_request_duration_seconds{method,endpoint}} and {@code
 * http_requests_total{method,endpoint,status}}.
 *
 * <p>The endpoint is chosen by {@link EndpointLabels}: the route template when the context has one
 * (within the route templates' cap); for a request that matched no route a fixed value ({@code
 * NOT_FOUND}, {@code REDIRECTION}, {@code /}) or the normalised path (within a cap of its own), so
 * that unrouted requests never take a route's place. Meters are cached by (endpoint, method,
 * status), so once a series exists recording it allocates nothing (with a route template or a fixed
 * value; a raw path that needs normalising allocates the normalised string).
 *
 * <p>Thread-safe; called on the request's thread.
 */
public final class HttpServerMetricsHandler
    implements ObservationHandler<HttpServerObservationContext> {

  /** Index of the {@code UNKNOWN} status: one past 100..599. */
  private static final int UNKNOWN_STATUS_INDEX = 500;

  private final MeterRegistry registry;
  private final DirectMeters direct;
  private final StartTimes startTimes;
  private final Duration[] buckets;
  private final EndpointLabels labels;
  private final AtomicInteger inFlight = new AtomicInteger();

  /** Admitted route templates; bounded by the route cap. */
  private final ConcurrentHashMap<String, Endpoint> byRoute = new ConcurrentHashMap<>();

  /** Endpoint values; bounded by the two caps plus the fixed values. */
  private final ConcurrentHashMap<String, Endpoint> byLabel = new ConcurrentHashMap<>();

  private final @Nullable HttpExemplars exemplars;
  private final double[] bucketSeconds;

  /**
   * Creates the handler, without exemplars, and registers {@code http_requests_in_flight}.
   *
   * @param registry where meters are registered (the facade's composite)
   * @param clock the monotonic clock that times requests
   * @param settings bucket bounds and the endpoint cap
   * @param guard the guard that caps endpoint values
   */
  public HttpServerMetricsHandler(
      MeterRegistry registry, Clock clock, MetricsSettings settings, CardinalityGuard guard) {
    this(registry, clock, settings, guard, null);
  }

  /**
   * Creates the handler and registers {@code http_requests_in_flight}.
   *
   * @param registry where meters are registered (the facade's composite)
   * @param clock the monotonic clock that times requests
   * @param settings bucket bounds and the endpoint cap
   * @param guard the guard that caps endpoint values
   * @param exemplars where requests whose trace was kept are offered as exemplars, or null
   */
  public HttpServerMetricsHandler(
      MeterRegistry registry,
      Clock clock,
      MetricsSettings settings,
      CardinalityGuard guard,
      @Nullable HttpExemplars exemplars) {
    this.registry = registry;
    this.exemplars = exemplars;
    this.direct = new DirectMeters(registry);
    this.startTimes = new StartTimes(clock);
    this.buckets = settings.httpBucketArray();
    this.bucketSeconds = new double[buckets.length];
    for (int i = 0; i < buckets.length; i++) {
      bucketSeconds[i] = buckets[i].toNanos() / 1e9;
    }
    this.labels =
        new EndpointLabels(guard, settings.maxEndpoints(), settings.maxUnroutedEndpoints());
    Gauge.builder(MetricsConvention.HTTP_REQUESTS_IN_FLIGHT, inFlight, AtomicInteger::get)
        .description("HTTP server requests being served")
        .register(registry);
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return context instanceof HttpServerObservationContext;
  }

  @Override
  public void onStart(HttpServerObservationContext context) {
    if (startTimes.start(context)) {
      inFlight.incrementAndGet();
    }
  }

  @Override
  public void onStop(HttpServerObservationContext context) {
    long duration = startTimes.stop(context);
    if (duration < 0) {
      return;
    }
    inFlight.decrementAndGet();

    String route = context.getRoute();
    Endpoint endpoint;
    if (route != null && !route.isEmpty()) {
      endpoint = byRoute.get(route);
      if (endpoint == null) {
        endpoint = admitRoute(route);
      }
    } else {
      endpoint = endpoint(labels.unrouted(context.getStatus(), context.getPath()));
    }
    Series series = endpoint.series(MetricsConvention.methodIndex(context.getMethod()));
    series.timer.record(duration);
    int statusIndex = statusIndex(context.getStatus(), context.getError() != null);
    series.counter(statusIndex).increment();
    HttpExemplars.Series samples = series.exemplars;
    if (samples != null) {
      // Present only when the tracing module kept this request's trace for export.
      String policy = context.get(ObservationNames.SAMPLING_POLICY);
      if (policy != null) {
        offer(samples, context, statusIndex, duration, policy);
      }
    }
  }

  private static void offer(
      HttpExemplars.Series samples,
      HttpServerObservationContext context,
      int statusIndex,
      long duration,
      String policy) {
    Span span = context.get(ObservationNames.SPAN);
    if (span == null) {
      return;
    }
    SpanContext ids = span.getSpanContext();
    if (!ids.isValid()) {
      return;
    }
    boolean failed = context.getStatus() >= 500 || context.getError() != null;
    samples.offer(
        statusIndex,
        duration,
        ids.getTraceId(),
        ids.getSpanId(),
        HttpExemplars.priority(failed, policy));
  }

  /** Requests being served now. */
  public int inFlight() {
    return inFlight.get();
  }

  private Endpoint admitRoute(String route) {
    String label = labels.route(route);
    if (!labels.admitted(route)) {
      return endpoint(MetricsConvention.OVERFLOW);
    }
    Endpoint endpoint = endpoint(label);
    byRoute.putIfAbsent(route, endpoint);
    return endpoint;
  }

  /** The one {@link Endpoint} of {@code label}, shared by every route or path that maps to it. */
  private Endpoint endpoint(String label) {
    Endpoint endpoint = byLabel.get(label);
    return endpoint != null ? endpoint : byLabel.computeIfAbsent(label, Endpoint::new);
  }

  private static int statusIndex(int status, boolean error) {
    if (status >= 100 && status <= 599) {
      return status - 100;
    }
    return error ? 400 : UNKNOWN_STATUS_INDEX;
  }

  private static String statusValue(int index) {
    return index == UNKNOWN_STATUS_INDEX
        ? MetricsConvention.UNKNOWN_STATUS
        : MetricsConvention.status(index + 100, null);
  }

  /** The series of one endpoint value, by method. */
  private final class Endpoint {
    private final String label;
    private final AtomicReferenceArray<Series> byMethod =
        new AtomicReferenceArray<>(MetricsConvention.METHOD_COUNT);

    Endpoint(String label) {
      this.label = label;
    }

    Series series(int methodIndex) {
      Series series = byMethod.get(methodIndex);
      if (series == null) {
        series = new Series(MetricsConvention.methodValue(methodIndex), label);
        if (!byMethod.compareAndSet(methodIndex, null, series)) {
          series = byMethod.get(methodIndex);
        }
      }
      return series;
    }
  }

  /** The timer of one (method, endpoint) and its counters by status. */
  private final class Series {
    private final String method;
    private final String endpoint;
    private final DirectMeters.DirectTimer timer;
    private final HttpExemplars.@Nullable Series exemplars;

    /** Counters by status index / 100 (1xx .. 5xx, unknown), then by index % 100. */
    private final AtomicReferenceArray<AtomicReferenceArray<DirectMeters.DirectCounter>> counters =
        new AtomicReferenceArray<>(6);

    Series(String method, String endpoint) {
      this.method = method;
      this.endpoint = endpoint;
      this.timer =
          direct.timer(
              Timer.builder(MetricsConvention.HTTP_REQUEST_DURATION)
                  .description("Duration of HTTP server requests")
                  .tag(MetricsConvention.TAG_METHOD, method)
                  .tag(MetricsConvention.TAG_ENDPOINT, endpoint)
                  .serviceLevelObjectives(buckets)
                  .register(registry));
      HttpExemplars store = HttpServerMetricsHandler.this.exemplars;
      this.exemplars = store == null ? null : store.series(method, endpoint, bucketSeconds);
    }

    DirectMeters.DirectCounter counter(int statusIndex) {
      int group = statusIndex / 100;
      AtomicReferenceArray<DirectMeters.DirectCounter> row = counters.get(group);
      if (row == null) {
        counters.compareAndSet(group, null, new AtomicReferenceArray<>(100));
        row = counters.get(group);
      }
      int slot = statusIndex % 100;
      DirectMeters.DirectCounter counter = row.get(slot);
      if (counter == null) {
        counter =
            direct.counter(
                Counter.builder(MetricsConvention.HTTP_REQUESTS)
                    .description("HTTP server requests")
                    .tag(MetricsConvention.TAG_METHOD, method)
                    .tag(MetricsConvention.TAG_ENDPOINT, endpoint)
                    .tag(MetricsConvention.TAG_STATUS, statusValue(statusIndex))
                    .register(registry));
        if (!row.compareAndSet(slot, null, counter)) {
          counter = row.get(slot);
        }
      }
      return counter;
    }
  }
}
