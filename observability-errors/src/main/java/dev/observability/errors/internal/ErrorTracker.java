package dev.observability.errors.internal;

import dev.observability.BufferedLogLines;
import dev.observability.ErrorFingerprint;
import dev.observability.ErrorReporter;
import dev.observability.HttpServerObservationContext;
import dev.observability.ObservationNames;
import dev.observability.errors.internal.DeliveryTracker.Delivery;
import dev.observability.errors.internal.ErrorEventConvention.Source;
import dev.observability.scrub.Scrubber;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.sentry.Breadcrumb;
import io.sentry.SentryClient;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.SentryOptions;
import io.sentry.SpanId;
import io.sentry.exception.ExceptionMechanismException;
import io.sentry.protocol.Mechanism;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryId;
import io.sentry.protocol.User;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.MDC;

/**
 * The errors module's engine, and the {@link ErrorReporter} it provides: turns a failure seen by
 * any capture point (observation handler, log filter, uncaught-exception handler, explicit call)
 * into one scrubbed Sentry event linked to its operation, and hands it to Sentry's asynchronous
 * sender.
 *
 * <p>Per capture, in order: closed or re-entered (a capture that logs) → nothing; the throwable or
 * a cause already reported → nothing sent, the earlier event's id is linked; flood control → maybe
 * suppressed (counted); {@code errors.sample-rate} → maybe sampled out (counted); otherwise the
 * event is built on the calling thread (CPU only), scrubbed by {@code beforeSend} and enqueued. The
 * event id goes on the operation's span (attribute {@code sentry.event_id}), into the observation
 * and request contexts ({@link ObservationNames#ERROR_EVENT_ID}) and, while the operation's scope
 * is open on this thread, into the MDC ({@code sentry_event_id}); the span is marked {@code ERROR}
 * whether or not the event was sent.
 *
 * <p>Uses its own {@link SentryClient} (no {@code Sentry.init}, no global hub): several instances
 * may run one after another in one JVM, and a host that also uses Sentry's static API keeps its own
 * set-up. The client is not built at start: the first event that is to be sent starts a thread
 * ({@code observability-errors-client}) that builds Sentry's options and client, looking up the
 * host name for {@code server_name} when it is not configured, and then hands over the events
 * captured meanwhile. Those wait in the sender's queue, holding its slots (a full queue drops and
 * counts them as always), and are scrubbed on that thread; their ids are handed out at capture. No
 * capturing thread waits for the client.
 *
 * <p>Thread-safe. Capture methods never throw and never wait on the network; {@link #close()} waits
 * at most the flush budget.
 */
public final class ErrorTracker implements ErrorReporter, AutoCloseable {

  /** Component name under which failures of this module are counted. */
  public static final String COMPONENT = "errors";

  private static final String HANDLED = "observability.errors.handled";
  private static final String LINKED = "observability.errors.linked";
  private static final String MDC_SET = "observability.errors.mdc";
  private static final ThreadLocal<Boolean> CAPTURING = new ThreadLocal<>();

  private final ErrorsSettings settings;
  private final ObservationRegistry registry;
  private final BiConsumer<String, Throwable> internalErrors;
  private final DeliveryTracker deliveries;
  private final ErrorsMeters meters;
  private final ReportedThrowables reported;
  private final FloodControl flood;
  private final Scrubber scrubber;
  private final ClientFactory clientFactory;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Guards {@link #pending}, {@link #clientStarted} and {@link #abandoned}. */
  private final Object clientLock = new Object();

  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  private boolean clientStarted;
  private boolean abandoned;
  private final CountDownLatch clientDone = new CountDownLatch(1);
  private volatile @Nullable SentryOptions options;
  private volatile @Nullable SentryClient client;
  private volatile boolean clientFailed;

  /** Builds Sentry's client from its options; a seam for tests. */
  @FunctionalInterface
  interface ClientFactory {
    SentryClient create(SentryOptions options);
  }

  /** An event captured before the client was built, with the slot it holds. */
  private record Pending(SentryEvent event, Delivery delivery) {}

  /** A tracker with its own delivery slots and client factory; {@link #start} for production. */
  ErrorTracker(
      ErrorsSettings settings,
      Scrubber scrubber,
      ObservationRegistry registry,
      MeterRegistry meterRegistry,
      BiConsumer<String, Throwable> internalErrors,
      DeliveryTracker deliveries,
      ClientFactory clientFactory) {
    this.settings = settings;
    this.scrubber = scrubber;
    this.clientFactory = clientFactory;
    this.registry = registry;
    this.internalErrors = internalErrors;
    this.deliveries = deliveries;
    this.meters = new ErrorsMeters(meterRegistry, deliveries::queued);
    deliveries.countIn(meters);
    this.reported =
        new ReportedThrowables(ErrorsSettings.REPORTED_CAPACITY, meters::evictedReported);
    this.flood =
        new FloodControl(
            settings.rateLimit(),
            settings.rateLimitInterval().toNanos(),
            settings.fingerprintCapacity(),
            meters::evictedFingerprint);
  }

  /**
   * Starts a tracker: registers the module's meters. Sentry's options and client are built when the
   * first event is to be sent, on a thread of their own; the DSN was checked by {@link
   * SentryDsn#problem} at start-up.
   */
  public static ErrorTracker start(
      ErrorsSettings settings,
      Scrubber scrubber,
      ObservationRegistry registry,
      MeterRegistry meterRegistry,
      BiConsumer<String, Throwable> internalErrors) {
    return new ErrorTracker(
        settings,
        scrubber,
        registry,
        meterRegistry,
        internalErrors,
        new DeliveryTracker(settings.queueSize()),
        new SentryClients());
  }

  /**
   * Sentry's own client and its options, kept out of this class: verifying the code that builds
   * them, or linking {@code SentryClient::new}, would load and verify {@code SentryClient}, {@code
   * SentryOptions} and the classes their checks need (a dozen of Sentry's) at start-up, where
   * nothing sends an event yet. Loaded on the client thread, when the first event is to be sent.
   */
  private static final class SentryClients implements ClientFactory {
    @Override
    public SentryClient create(SentryOptions options) {
      return new SentryClient(options);
    }

    static SentryOptions options(
        ErrorsSettings settings,
        Scrubber scrubber,
        DeliveryTracker deliveries,
        java.util.function.Consumer<Throwable> onScrubFailure) {
      SentryOptions options = new SentryOptions();
      options.setDsn(settings.dsn());
      options.setEnvironment(settings.environment());
      options.setRelease(settings.release());
      // Sentry 8's successor of sendDefaultPii: whether its own code may add user data (such as
      // inferring the IP address from the connection).
      options.getDataCollection().setUserInfo(settings.sendDefaultPii());
      // Resolved once here, on the client thread, bounded by Sentry's one-second lookup timeout, so
      // that no capture ever waits on a host-name lookup.
      String serverName = settings.serverName();
      if (serverName == null) {
        serverName = options.getHostnameCache().getHostname();
      }
      options.setServerName(serverName);
      options.setAttachServerName(false);
      // Our own de-duplication, rate limiting and sampling run before the event is built; Sentry's
      // would only repeat them later and at a higher cost.
      options.setEnableDeduplication(false);
      options.setAttachStacktrace(false);
      options.setAttachThreads(false);
      options.setEnableUncaughtExceptionHandler(false);
      options.setEnableShutdownHook(false);
      // The bound is enforced by DeliveryTracker; one more here for the task that has reported its
      // outcome (freeing its slot) but not yet left Sentry's executor.
      options.setMaxQueueSize(settings.queueSize() + 1);
      int sendTimeout = (int) Math.min(Integer.MAX_VALUE, settings.sendTimeout().toMillis());
      options.setConnectionTimeoutMillis(sendTimeout);
      options.setReadTimeoutMillis(sendTimeout);
      closeWithin(options, settings.flushTimeout().toMillis());
      EventScrubber eventScrubber =
          new EventScrubber(
              scrubber, settings.sendDefaultPii(), settings.sendClientIp(), onScrubFailure);
      options.setBeforeSend(eventScrubber);
      options.setBeforeBreadcrumb(eventScrubber);
      options.setTransportFactory(deliveries);
      options.setOnDiscard(deliveries);
      return options;
    }

    /**
     * Makes the client's close() = flush (wait for the queue to drain) + terminate (wait for the
     * sender thread) take at most {@code budgetMillis} together.
     */
    static void closeWithin(SentryOptions options, long budgetMillis) {
      long terminate = Math.min(250, budgetMillis / 4);
      options.setShutdownTimeoutMillis(budgetMillis - terminate);
      options.setFlushTimeoutMillis(terminate);
    }
  }

  // ---------------------------------------------------------------- the client, built on demand

  /**
   * Hands {@code event} to the client, or, while the client is being built, holds it in the
   * sender's queue and answers its id; the first held event starts building the client.
   */
  private SentryId send(SentryEvent event, Delivery delivery) {
    SentryClient ready = client;
    if (ready == null) {
      synchronized (clientLock) {
        ready = client;
        if (ready == null) {
          if (clientFailed || closed.get() || !deliveries.hold(delivery)) {
            return SentryId.EMPTY_ID;
          }
          pending.add(new Pending(event, delivery));
          if (!clientStarted) {
            clientStarted = true;
            startClient();
          }
          return event.getEventId();
        }
      }
    }
    return ready.captureEvent(event, null, DeliveryTracker.hint(delivery));
  }

  private void startClient() {
    Thread thread = new Thread(this::buildClient, "observability-errors-client");
    thread.setDaemon(true);
    try {
      thread.start();
    } catch (RuntimeException | OutOfMemoryError e) {
      clientFailed = true;
      clientDone.countDown();
      throw e;
    }
  }

  /** Runs on the client thread: builds the client, then hands over what was captured meanwhile. */
  private void buildClient() {
    CAPTURING.set(Boolean.TRUE);
    try {
      SentryOptions built =
          SentryClients.options(
              settings, scrubber, deliveries, e -> internalErrors.accept(COMPONENT, e));
      SentryClient created = clientFactory.create(built);
      options = built;
      while (true) {
        List<Pending> batch;
        synchronized (clientLock) {
          if (abandoned) {
            // close() stopped waiting for the client: what is held was counted as lost there.
            created.close(true);
            return;
          }
          if (pending.isEmpty()) {
            client = created;
            return;
          }
          batch = new ArrayList<>(pending);
          pending.clear();
        }
        for (Pending held : batch) {
          SentryId id = SentryId.EMPTY_ID;
          try {
            id = created.captureEvent(held.event(), null, DeliveryTracker.hint(held.delivery()));
          } catch (RuntimeException e) {
            internalErrors.accept(COMPONENT, e);
          } finally {
            deliveries.afterCapture(held.delivery(), id);
          }
        }
      }
    } catch (RuntimeException | LinkageError e) {
      internalErrors.accept(COMPONENT, e);
      List<Pending> dropped;
      synchronized (clientLock) {
        clientFailed = true;
        dropped = new ArrayList<>(pending);
        pending.clear();
      }
      dropped.forEach(held -> deliveries.drop(held.delivery()));
    } finally {
      CAPTURING.remove();
      clientDone.countDown();
    }
  }

  /**
   * Waits until the client is built (or failed), at most until {@code deadlineNanos}; answers the
   * client, or null without one.
   */
  private @Nullable SentryClient awaitClient(long deadlineNanos) {
    boolean started;
    synchronized (clientLock) {
      started = clientStarted;
    }
    if (started) {
      try {
        clientDone.await(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return client;
  }

  /** Whether Sentry's client was built: only once an event was to be sent. */
  public boolean clientBuilt() {
    return client != null;
  }

  // ---------------------------------------------------------------- ErrorReporter (facade)

  @Override
  public String capture(Throwable error) {
    if (error == null) {
      return "";
    }
    try {
      return report(Source.API, error, null, Operation.current(registry), null, null);
    } catch (RuntimeException | LinkageError e) {
      internalErrors.accept(COMPONENT, e);
      return "";
    }
  }

  @Override
  public String capture(String message) {
    if (message == null) {
      return "";
    }
    try {
      return report(Source.API, null, message, Operation.current(registry), null, null);
    } catch (RuntimeException | LinkageError e) {
      internalErrors.accept(COMPONENT, e);
      return "";
    }
  }

  // ---------------------------------------------------------------- capture points

  /** The observation handler's {@code onError}: reports the observation's exception. */
  void onObservationError(Observation.Context context) {
    Throwable error = context.getError();
    if (error == null) {
      return;
    }
    context.put(HANDLED, Boolean.TRUE);
    report(Source.OBSERVATION, error, null, Operation.of(context, registry), null, null);
  }

  /**
   * At an observation's stop, before any handler's {@code onStop} ({@link
   * ErrorsObservationFilter}): an error set without {@code onError}, or an HTTP server request
   * answered 5xx during which nothing was reported.
   */
  void onObservationStop(Observation.Context context) {
    if (context.get(HANDLED) != null) {
      return;
    }
    Throwable error = context.getError();
    if (error != null) {
      context.put(HANDLED, Boolean.TRUE);
      report(Source.OBSERVATION, error, null, Operation.of(context, registry), null, null);
      return;
    }
    if (settings.captureHttp5xx()
        && context instanceof HttpServerObservationContext http
        && http.getStatus() >= 500
        && http.getStatus() <= 599
        && http.get(LINKED) == null) {
      report(
          Source.HTTP_STATUS,
          null,
          ErrorEventConvention.httpStatusMessage(http),
          Operation.of(context, registry),
          null,
          null);
    }
  }

  /** The observation handler's {@code onScopeClosed}: removes the MDC key this tracker set. */
  void onScopeClosed(Observation.Context context) {
    if (context.get(MDC_SET) != null) {
      context.remove(MDC_SET);
      MDC.remove(ErrorEventConvention.MDC_EVENT_ID);
    }
  }

  /** An ERROR log event with a throwable, on the logging thread. */
  void onLogEvent(Throwable error, LogDetails log) {
    report(Source.LOG, error, log.formatted(), Operation.current(registry), log, null);
  }

  /**
   * An exception that ends {@code thread}: reported, then flushed within the flush budget, since
   * the JVM may be about to exit (this waits on the dying thread only).
   */
  void onUncaught(Thread thread, Throwable error) {
    String id = report(Source.UNCAUGHT, error, null, Operation.current(registry), null, thread);
    if (!id.isEmpty()) {
      flush(settings.flushTimeout().toMillis());
    }
  }

  /** Whether {@code loggerName} belongs to code whose ERROR logs must not be captured (loops). */
  static boolean isOwnLogger(String loggerName) {
    return loggerName.startsWith("io.sentry")
        || loggerName.startsWith("dev.observability.errors")
        || loggerName.startsWith("dev.observability.internal");
  }

  // ---------------------------------------------------------------- the pipeline

  private String report(
      Source source,
      @Nullable Throwable error,
      @Nullable String message,
      Operation operation,
      @Nullable LogDetails log,
      @Nullable Thread thread) {
    if (closed.get() || CAPTURING.get() != null) {
      return "";
    }
    CAPTURING.set(Boolean.TRUE);
    try {
      if (error != null) {
        String previous = reported.claim(error);
        if (previous != null) {
          meters.duplicate();
          link(operation, previous, error);
          return "";
        }
      }
      // An exception's fingerprint is the one its access line, span and log line carry (and the
      // event's grouping in Sentry); a message event's is its text.
      String failure = error != null ? fingerprint(error, operation) : null;
      String fingerprint =
          failure != null
              ? failure
              : ErrorEventConvention.fingerprint(message == null ? "" : message);
      FloodControl.Decision decision = flood.acquire(fingerprint, System.nanoTime());
      if (!decision.allowed()) {
        meters.suppressed();
        link(operation, "", error);
        return "";
      }
      double rate = settings.sampleRate();
      if (rate < 1.0 && ThreadLocalRandom.current().nextDouble() >= rate) {
        meters.sampledOut();
        flood.restore(fingerprint, decision.suppressedBefore());
        link(operation, "", error);
        return "";
      }
      SentryEvent event = build(source, error, message, operation, log, thread);
      if (failure != null) {
        event.setFingerprints(List.of(failure));
        event.setTag(ErrorEventConvention.TAG_FINGERPRINT, failure);
      }
      if (decision.suppressedBefore() > 0) {
        event.setExtra(ErrorEventConvention.EXTRA_SUPPRESSED, decision.suppressedBefore());
      }
      Delivery delivery = deliveries.begin();
      SentryId id = SentryId.EMPTY_ID;
      try {
        id = send(event, delivery);
      } finally {
        deliveries.afterCapture(delivery, id);
      }
      // An event dropped on the spot (full queue, Sentry's back-off) never reaches Sentry: no id
      // is handed out or linked for it.
      String eventId = SentryId.EMPTY_ID.equals(id) || delivery.failed() ? "" : id.toString();
      if (error != null && !eventId.isEmpty()) {
        reported.record(error, eventId);
      }
      link(operation, eventId, error);
      return eventId;
    } catch (RuntimeException | LinkageError e) {
      internalErrors.accept(COMPONENT, e);
      return "";
    } finally {
      CAPTURING.remove();
    }
  }

  /** The failure's fingerprint, the one kept in its observation's context when it is that one's. */
  private static String fingerprint(Throwable error, Operation operation) {
    Observation.Context context = operation.context;
    if (context != null && context.getError() == error) {
      String shared = ErrorFingerprint.of(context);
      if (shared != null) {
        return shared;
      }
    }
    return ErrorFingerprint.of(error);
  }

  private SentryEvent build(
      Source source,
      @Nullable Throwable error,
      @Nullable String message,
      Operation operation,
      @Nullable LogDetails log,
      @Nullable Thread thread) {
    SentryEvent event = new SentryEvent();
    event.setLevel(source == Source.UNCAUGHT ? SentryLevel.FATAL : SentryLevel.ERROR);
    if (error != null) {
      if (source == Source.OBSERVATION || source == Source.UNCAUGHT) {
        Mechanism mechanism = new Mechanism();
        mechanism.setType(source == Source.UNCAUGHT ? "UncaughtExceptionHandler" : "observation");
        mechanism.setHandled(false);
        event.setThrowable(
            new ExceptionMechanismException(
                mechanism, error, thread != null ? thread : Thread.currentThread()));
      } else {
        event.setThrowable(error);
      }
    }
    if (message != null) {
      Message m = new Message();
      m.setFormatted(message);
      if (log != null && log.template() != null) {
        m.setMessage(log.template());
      }
      event.setMessage(m);
    }
    event.setTag(ErrorEventConvention.TAG_SOURCE, source.tag());
    event.setTag(ErrorEventConvention.TAG_ENVIRONMENT, settings.environment());
    event.setTag(ErrorEventConvention.TAG_RELEASE, settings.release());

    HttpServerObservationContext http = operation.http;
    String requestId = null;
    if (http != null) {
      requestHttp(event, http);
      requestId = http.getRequestId().isEmpty() ? null : http.getRequestId();
      debugLines(event, http);
    }
    String operationName = operation.name();
    if (operationName != null) {
      event.setExtra(ErrorEventConvention.EXTRA_OBSERVATION, operationName);
    }

    String traceId = null;
    String spanId = null;
    Span span = operation.span;
    if (span != null) {
      SpanContext sc = span.getSpanContext();
      traceId = sc.getTraceId();
      spanId = sc.getSpanId();
    } else if (log != null) {
      // A log written where no observation is current (a worker thread that copied the MDC)
      // still carries the ids the logging module put there.
      traceId = hexOrNull(log.mdc().get("trace_id"), 32);
      spanId = hexOrNull(log.mdc().get("span_id"), 16);
    }
    if (requestId == null && log != null) {
      requestId = log.mdc().get("request_id");
    }
    if (requestId != null && !requestId.isEmpty()) {
      event.setTag(ErrorEventConvention.TAG_REQUEST_ID, requestId);
    }
    if (traceId != null && spanId != null) {
      String op =
          http != null
              ? ErrorEventConvention.OP_HTTP_SERVER
              : operationName != null ? operationName : "default";
      event
          .getContexts()
          .setTrace(
              new io.sentry.SpanContext(new SentryId(traceId), new SpanId(spanId), op, null, null));
      event.setTag(ErrorEventConvention.TAG_TRACE_ID, traceId);
      event.setTag(ErrorEventConvention.TAG_SPAN_ID, spanId);
    }

    if (log != null) {
      event.setLogger(log.loggerName());
      if (!log.mdc().isEmpty()) {
        event.getContexts().put(ErrorEventConvention.CONTEXT_MDC, new LinkedHashMap<>(log.mdc()));
      }
      if (!log.keyValues().isEmpty()) {
        event.setExtra(
            ErrorEventConvention.EXTRA_LOG_KEY_VALUES, new LinkedHashMap<>(log.keyValues()));
      }
    }
    return event;
  }

  /**
   * The DEBUG lines the request logged so far and the logging module holds ({@code
   * logging.debug-on-error}), as breadcrumbs, oldest first; scrubbed with the rest of the event in
   * {@code beforeSend}.
   */
  private static void debugLines(SentryEvent event, HttpServerObservationContext http) {
    if (!(http.get(ObservationNames.BUFFERED_LOG_LINES) instanceof BufferedLogLines held)) {
      return;
    }
    for (BufferedLogLines.Line line : held.lines()) {
      Breadcrumb breadcrumb = new Breadcrumb(new Date(line.timestampMillis()));
      breadcrumb.setType("debug");
      breadcrumb.setCategory(line.logger());
      breadcrumb.setLevel(SentryLevel.DEBUG);
      breadcrumb.setMessage(line.message());
      breadcrumb.setData(ErrorEventConvention.BREADCRUMB_BUFFERED, Boolean.TRUE);
      if (line.exceptionType() != null) {
        breadcrumb.setData("exception", line.exceptionType());
      }
      event.addBreadcrumb(breadcrumb);
    }
  }

  private void requestHttp(SentryEvent event, HttpServerObservationContext http) {
    event.setTag(ErrorEventConvention.TAG_METHOD, ErrorEventConvention.method(http.getMethod()));
    String route = http.getRoute();
    if (route != null) {
      event.setTag(ErrorEventConvention.TAG_ENDPOINT, route);
    }
    if (http.getStatus() > 0) {
      event.setTag(ErrorEventConvention.TAG_STATUS, Integer.toString(http.getStatus()));
    }
    String transaction = ErrorEventConvention.transaction(http);
    if (transaction != null) {
      event.setTransaction(transaction);
    }

    String userId = http.getUserId();
    String address = settings.sendClientIp() ? http.getClientAddress() : null;
    if (userId != null || address != null) {
      User user = new User();
      user.setId(userId);
      user.setIpAddress(address);
      event.setUser(user);
    }

    Request request = new Request();
    request.setMethod(http.getMethod());
    request.setUrl(url(http));
    request.setQueryString(http.getQuery());
    request.setHeaders(headers(http));
    event.setRequest(request);
  }

  private static String url(HttpServerObservationContext http) {
    String scheme = http.getScheme();
    String host = http.getServerAddress();
    if (scheme == null || host == null) {
      return http.getPath();
    }
    int port = http.getServerPort();
    boolean defaultPort =
        port <= 0
            || ("http".equalsIgnoreCase(scheme) && port == 80)
            || ("https".equalsIgnoreCase(scheme) && port == 443);
    return scheme + "://" + host + (defaultPort ? "" : ":" + port) + http.getPath();
  }

  /** Raw request headers that may go on the event; {@link EventScrubber} scrubs them. */
  private Map<String, String> headers(HttpServerObservationContext http) {
    Map<String, String> headers = new LinkedHashMap<>();
    boolean pii = settings.sendDefaultPii();
    int seen = 0;
    for (String name : http.getRequestHeaderNames()) {
      if (++seen > 4 * ErrorEventConvention.MAX_HEADERS
          || headers.size() >= ErrorEventConvention.MAX_HEADERS) {
        break;
      }
      if (name != null && ErrorEventConvention.sendHeader(name.toLowerCase(Locale.ROOT), pii)) {
        String value = http.getRequestHeader(name);
        if (value != null) {
          headers.put(name, value);
        }
      }
    }
    if (seen == 0) {
      // The instrumentation gave no way to list names: ask for the allowed ones.
      for (String name : ErrorEventConvention.ALLOWED_HEADERS) {
        String value = http.getRequestHeader(name);
        if (value != null) {
          headers.put(name, value);
        }
      }
      for (String name : ErrorEventConvention.MASKED_HEADERS) {
        String value = http.getRequestHeader(name);
        if (value != null) {
          headers.put(name, value);
        }
      }
    }
    return headers;
  }

  /**
   * Links an event (or, with an empty id, an error that was not sent) to its operation: the span is
   * marked ERROR and carries the id; the observation and request contexts, and the MDC while the
   * scope is open here, carry the id.
   */
  private void link(Operation operation, String eventId, @Nullable Throwable error) {
    Span span = operation.span;
    if (span != null) {
      if (!eventId.isEmpty()) {
        span.setAttribute(ErrorEventConvention.SPAN_ATTRIBUTE_EVENT_ID, eventId);
      }
      if (error != null) {
        span.setStatus(StatusCode.ERROR, error.getClass().getName());
      } else {
        span.setStatus(StatusCode.ERROR);
      }
    }
    Observation.Context context = operation.context;
    HttpServerObservationContext http = operation.http;
    if (context != null) {
      context.put(LINKED, Boolean.TRUE);
    }
    if (http != null) {
      http.put(LINKED, Boolean.TRUE);
    }
    if (eventId.isEmpty()) {
      return;
    }
    if (context != null && context.get(ObservationNames.ERROR_EVENT_ID) == null) {
      context.put(ObservationNames.ERROR_EVENT_ID, eventId);
    }
    if (http != null && http.get(ObservationNames.ERROR_EVENT_ID) == null) {
      http.put(ObservationNames.ERROR_EVENT_ID, eventId);
    }
    if (context != null && operation.scopeOnThisThread) {
      if (MDC.get(ErrorEventConvention.MDC_EVENT_ID) == null) {
        MDC.put(ErrorEventConvention.MDC_EVENT_ID, eventId);
        context.put(MDC_SET, Boolean.TRUE);
      }
    }
  }

  private static @Nullable String hexOrNull(@Nullable String value, int length) {
    if (value == null || value.length() != length) {
      return null;
    }
    boolean nonZero = false;
    for (int i = 0; i < length; i++) {
      char c = value.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      if (!hex) {
        return null;
      }
      nonZero |= c != '0';
    }
    return nonZero ? value : null;
  }

  // ---------------------------------------------------------------- lifecycle and state

  /** Counts a failure of this module's code on a recording path. */
  void internalError(Throwable error) {
    internalErrors.accept(COMPONENT, error);
  }

  /**
   * Waits at most {@code timeoutMillis} for the queued events to be sent, including, while the
   * client is being built, the wait for it.
   */
  public void flush(long timeoutMillis) {
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      SentryClient ready = awaitClient(deadline);
      if (ready != null) {
        ready.flush(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
      }
    } catch (RuntimeException e) {
      internalErrors.accept(COMPONENT, e);
    }
  }

  /** Events accepted by the sender and not yet delivered or failed. */
  public int queued() {
    return deliveries.queued();
  }

  /** The most events ever held by the sender at once since start. */
  public int maxQueued() {
    return deliveries.maxQueued();
  }

  /** The settings this tracker runs with. */
  public ErrorsSettings settings() {
    return settings;
  }

  /** Whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  /**
   * Stops capturing, sends what is queued within the flush budget ({@code errors.flush-timeout}, at
   * most {@code shutdown.timeout}), including the wait for a client still being built, and counts
   * what is left as lost to shutdown. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    deliveries.closing();
    try {
      long budget = settings.flushTimeout().toMillis();
      long begin = System.nanoTime();
      awaitClient(begin + TimeUnit.MILLISECONDS.toNanos(budget));
      SentryClient ready;
      synchronized (clientLock) {
        ready = client;
        // A client still being built past the budget is closed by its thread, unused.
        abandoned = ready == null;
      }
      SentryOptions readyOptions = options;
      if (ready != null && readyOptions != null) {
        long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        if (waited > 0) {
          SentryClients.closeWithin(readyOptions, Math.max(0, budget - waited));
        }
        ready.close();
      }
    } catch (RuntimeException e) {
      internalErrors.accept(COMPONENT, e);
    } finally {
      deliveries.abandonUnsettled();
    }
  }

  @Override
  public String toString() {
    return "ErrorTracker{environment=" + settings.environment() + "}";
  }
}
