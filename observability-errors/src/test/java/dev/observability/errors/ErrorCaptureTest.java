package dev.observability.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.observability.BufferedLogLines;
import dev.observability.ErrorFingerprint;
import dev.observability.HttpServerObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.sentry.SentryEvent;
import io.sentry.SentryLevel;
import io.sentry.protocol.SentryException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class ErrorCaptureTest {

  private static final Logger appLog = LoggerFactory.getLogger("com.example.checkout.OrderService");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @Test
  void observationError_eventCarriesRequestContextAndTraceOfTheExportedSpan() throws Exception {
    TestTracing tracing = new TestTracing();
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of(), tracing)) {
      HttpServerObservationContext request =
          ErrorsTesting.request(null, Map.of("User-Agent", "curl/8.5", "Accept", "*/*"));
      IllegalStateException failure = new IllegalStateException("payment declined");

      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () -> {
                        request.setRoute("/api/users/{id}");
                        obs.setUserId("user-42");
                        throw failure;
                      }))
          .isSameAs(failure);

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "payment declined"));
      SpanData span = tracing.exportedSpan(ObservationNames.HTTP_SERVER);
      String eventId = event.getEventId().toString();

      assertThat(event.getContexts().getTrace()).isNotNull();
      assertThat(event.getContexts().getTrace().getTraceId().toString())
          .isEqualTo(span.getTraceId());
      assertThat(event.getContexts().getTrace().getSpanId().toString()).isEqualTo(span.getSpanId());
      assertThat(event.getTags())
          .containsEntry("endpoint", "/api/users/{id}")
          .containsEntry("method", "GET")
          .containsEntry("request_id", "req-7f3a")
          .containsEntry("trace_id", span.getTraceId())
          .containsEntry("span_id", span.getSpanId())
          .containsEntry("source", "observation");
      assertThat(event.getTransaction()).isEqualTo("GET /api/users/{id}");
      assertThat(event.getUser().getId()).isEqualTo("user-42");
      assertThat(event.getUser().getIpAddress()).isNull();
      assertThat(event.getRequest().getUrl()).isEqualTo("https://shop.example.com/api/users/42");
      assertThat(event.getRequest().getMethod()).isEqualTo("GET");
      assertThat(event.getRequest().getHeaders()).containsEntry("User-Agent", "curl/8.5");
      SentryException exception = event.getExceptions().get(0);
      assertThat(exception.getType()).isEqualTo("IllegalStateException");
      assertThat(exception.getMechanism().isHandled()).isFalse();

      assertThat(span.getAttributes().get(AttributeKey.stringKey("sentry.event_id")))
          .isEqualTo(eventId);
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      assertThat(request.<String>get(ObservationNames.ERROR_EVENT_ID)).isEqualTo(eventId);
      // Grouped in Sentry by the fingerprint the access line and the span carry.
      String fingerprint = ErrorFingerprint.of(failure);
      assertThat(request.<String>get(ObservationNames.ERROR_FINGERPRINT)).isEqualTo(fingerprint);
      assertThat(event.getFingerprints()).containsExactly(fingerprint);
      assertThat(event.getTags()).containsEntry("error_fingerprint", fingerprint);
    }
  }

  @Test
  void heldDebugLinesOfTheRequest_areBreadcrumbsOfItsEvent_oldestFirst_scrubbed() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      HttpServerObservationContext request = ErrorsTesting.request(null, Map.of());
      long t0 = 1_796_000_000_000L;
      request.put(
          ObservationNames.BUFFERED_LOG_LINES,
          (BufferedLogLines)
              () ->
                  List.of(
                      new BufferedLogLines.Line(
                          t0, "DEBUG", "com.example.Cart", "cart 41 loaded", null),
                      new BufferedLogLines.Line(
                          t0 + 5,
                          "DEBUG",
                          "com.example.Payment",
                          "charging card 4111 1111 1111 1111",
                          "java.net.SocketTimeoutException")));
      IllegalStateException failure = new IllegalStateException("payment failed");

      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () -> {
                        throw failure;
                      }))
          .isSameAs(failure);

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "payment failed"));
      List<io.sentry.Breadcrumb> breadcrumbs = event.getBreadcrumbs();
      assertThat(breadcrumbs).hasSize(2);
      assertThat(breadcrumbs.get(0).getMessage()).isEqualTo("cart 41 loaded");
      assertThat(breadcrumbs.get(0).getCategory()).isEqualTo("com.example.Cart");
      assertThat(breadcrumbs.get(0).getLevel()).isEqualTo(io.sentry.SentryLevel.DEBUG);
      assertThat(breadcrumbs.get(0).getTimestamp().getTime()).isEqualTo(t0);
      assertThat(breadcrumbs.get(0).getData("buffered")).isEqualTo(true);
      assertThat(breadcrumbs.get(1).getMessage())
          .startsWith("charging card ")
          .doesNotContain("4111 1111 1111 1111");
      assertThat(breadcrumbs.get(1).getData("exception"))
          .isEqualTo("java.net.SocketTimeoutException");
    }
  }

  @Test
  void clientIp_isSentOnlyWhenConfigured() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs =
            ErrorsTesting.start(sentry, registry, Map.of("errors.send-client-ip", "true"))) {
      HttpServerObservationContext request = ErrorsTesting.request(null, Map.of());
      RuntimeException failure = new RuntimeException("with ip");
      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () -> {
                        throw failure;
                      }))
          .isSameAs(failure);

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "with ip"));
      assertThat(event.getUser().getIpAddress()).isEqualTo("203.0.113.9");
    }
  }

  @Test
  void http5xxWithoutException_sendsOneMessageEventLinkedToTheSpanAndTheAccessLine()
      throws Exception {
    TestTracing tracing = new TestTracing();
    MdcProbe probe = new MdcProbe();
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of(), tracing, probe)) {
      HttpServerObservationContext request = ErrorsTesting.request(null, Map.of());

      ErrorsTesting.serve(
          obs,
          request,
          () -> {
            request.setRoute("/api/users/{id}");
            request.setStatus(503);
          });

      SentryEvent event = sentry.awaitMessage("HTTP 503 GET /api/users/{id}");
      SpanData span = tracing.exportedSpan(ObservationNames.HTTP_SERVER);
      assertThat(event.getLevel()).isEqualTo(SentryLevel.ERROR);
      assertThat(event.getTags())
          .containsEntry("status", "503")
          .containsEntry("source", "http_status")
          .containsEntry("endpoint", "/api/users/{id}");
      assertThat(event.getContexts().getTrace().getTraceId().toString())
          .isEqualTo(span.getTraceId());
      assertThat(span.getAttributes().get(AttributeKey.stringKey("sentry.event_id")))
          .isEqualTo(event.getEventId().toString());
      assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
      // The logging module (400) stops before errors (300): the id must already be there.
      assertThat(probe.eventIdAtStop).containsExactly(event.getEventId().toString());
    }
  }

  @Test
  void errorSetOnTheContextWithoutErrorCall_isReportedAtStop() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      Observation observation = obs.observation("reconcile-ledger").start();
      observation.getContext().setError(new IllegalStateException("ledger out of balance"));
      observation.stop();

      SentryEvent event =
          sentry.awaitEvent(e -> FakeSentry.hasException(e, "ledger out of balance"));
      assertThat(event.getExtra("observation")).isEqualTo("reconcile-ledger");
      assertThat(observation.getContext().<String>get(ObservationNames.ERROR_EVENT_ID))
          .isEqualTo(event.getEventId().toString());
    }
  }

  @Test
  void http4xx_andSuccess_sendNothing() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      HttpServerObservationContext notFound = ErrorsTesting.request(null, Map.of());
      ErrorsTesting.serve(obs, notFound, () -> notFound.setStatus(404));
      HttpServerObservationContext ok = ErrorsTesting.request(null, Map.of());
      ErrorsTesting.serve(obs, ok, () -> ok.setStatus(200));
      obs.errors().capture("sentinel after 4xx");

      sentry.awaitMessage("sentinel after 4xx");
      assertThat(sentry.events()).hasSize(1);
    }
  }

  @Test
  void errorLogWithThrowable_isCaptured_withLoggerMessageAndLogContext() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      MDC.put("tenant", "acme");
      try {
        appLog
            .atError()
            .setMessage("order {} failed")
            .addArgument("o-981")
            .addKeyValue("attempt", 3)
            .setCause(new IllegalArgumentException("bad quantity"))
            .log();
      } finally {
        MDC.remove("tenant");
      }

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "bad quantity"));
      assertThat(event.getLogger()).isEqualTo("com.example.checkout.OrderService");
      assertThat(event.getMessage().getFormatted()).isEqualTo("order o-981 failed");
      assertThat(event.getMessage().getMessage()).isEqualTo("order {} failed");
      assertThat(event.getTags()).containsEntry("source", "log");
      assertThat(event.getExtras().get("log_key_values")).isEqualTo(Map.of("attempt", 3));
      assertThat(event.getContexts().get("MDC")).isEqualTo(Map.of("tenant", "acme"));
      assertThat(event.getFingerprints()).hasSize(1);
      assertThat(event.getFingerprints().get(0)).matches("[0-9a-f]{16}");
      assertThat(obs.internalErrorCount("errors")).isZero();
    }
  }

  @Test
  void errorLogWithoutThrowable_andWarnWithThrowable_areNotCaptured() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      appLog.error("no throwable here");
      appLog.warn("only a warning", new IllegalStateException("warned"));
      appLog.error("trailing argument {}", "x", new IllegalStateException("as last argument"));
      obs.errors().capture("sentinel after logs");

      sentry.awaitMessage("sentinel after logs");
      assertThat(sentry.events()).hasSize(2);
      assertThat(sentry.events().get(0).getMessage().getFormatted())
          .isEqualTo("trailing argument x");
    }
  }

  @Test
  void logInsideRequest_putsEventIdInTheMdcWhileTheScopeIsOpen_andOnTheRequest() throws Exception {
    TestTracing tracing = new TestTracing();
    MdcProbe probe = new MdcProbe();
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of(), tracing, probe)) {
      HttpServerObservationContext request = ErrorsTesting.request(null, Map.of());
      AtomicReference<String> mdcAfterLog = new AtomicReference<>();

      ErrorsTesting.serve(
          obs,
          request,
          () -> {
            appLog.error("lookup failed", new IllegalStateException("db timeout"));
            mdcAfterLog.set(MDC.get("sentry_event_id"));
            request.setStatus(500);
          });

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "db timeout"));
      String id = event.getEventId().toString();
      SpanData span = tracing.exportedSpan(ObservationNames.HTTP_SERVER);
      assertThat(mdcAfterLog.get()).isEqualTo(id);
      assertThat(probe.seenAtScopeClose).containsExactly(id);
      assertThat(MDC.get("sentry_event_id")).isNull();
      assertThat(request.<String>get(ObservationNames.ERROR_EVENT_ID)).isEqualTo(id);
      assertThat(event.getContexts().getTrace().getTraceId().toString())
          .isEqualTo(span.getTraceId());
      assertThat(span.getAttributes().get(AttributeKey.stringKey("sentry.event_id"))).isEqualTo(id);

      // The 500 that followed the logged exception is the same failure: no second event.
      obs.errors().capture("sentinel after request");
      sentry.awaitMessage("sentinel after request");
      assertThat(sentry.events()).hasSize(2);
    }
  }

  @Test
  void eachExceptionIsSentOnce_acrossHandlerLogCaptureUncaughtHandlerAndApi() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      // 1. The application logs its exception and rethrows it; the filter's observation ends with
      //    it; the container logs the ServletException-like wrapper.
      IllegalStateException appError = new IllegalStateException("stock check failed");
      HttpServerObservationContext request = ErrorsTesting.request(null, Map.of());
      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () -> {
                        appLog.error("stock check failed for order", appError);
                        throw appError;
                      }))
          .isSameAs(appError);
      LoggerFactory.getLogger("org.eclipse.jetty.ee10.servlet.ServletChannel")
          .error("/api/orders", new RuntimeException("jakarta.servlet.ServletException", appError));

      // 2. An exception captured through the API later ends a thread.
      IllegalArgumentException workerError = new IllegalArgumentException("worker failed");
      assertThat(obs.errors().capture(workerError)).isNotEmpty();
      assertThat(obs.errors().capture(workerError)).isEmpty();
      runAndDie(workerError);

      // 3. A fresh exception that ends a thread, reported by the uncaught-exception handler.
      UnsupportedOperationException threadError = new UnsupportedOperationException("thread died");
      runAndDie(threadError);

      obs.errors().capture("sentinel after capture points");
      sentry.awaitMessage("sentinel after capture points");

      List<SentryEvent> events = sentry.events();
      assertThat(events.stream().filter(e -> FakeSentry.hasException(e, "stock check failed")))
          .hasSize(1);
      assertThat(events.stream().filter(e -> FakeSentry.hasException(e, "worker failed")))
          .hasSize(1);
      SentryEvent uncaught =
          events.stream()
              .filter(e -> FakeSentry.hasException(e, "thread died"))
              .reduce(
                  (a, b) -> {
                    throw new AssertionError("two events for one exception");
                  })
              .orElseThrow();
      assertThat(uncaught.getLevel()).isEqualTo(SentryLevel.FATAL);
      assertThat(uncaught.getExceptions().get(0).getMechanism().isHandled()).isFalse();
      assertThat(events).hasSize(4);
      assertThat(ErrorsTesting.count(registry, "observability.errors.duplicates")).isEqualTo(4);
      assertThat(request.<String>get(ObservationNames.ERROR_EVENT_ID))
          .isEqualTo(
              events.stream()
                  .filter(e -> FakeSentry.hasException(e, "stock check failed"))
                  .findFirst()
                  .orElseThrow()
                  .getEventId()
                  .toString());
    }
  }

  @Test
  void uncaughtException_callsThePreviousHandlerWithTheSameException() throws Exception {
    List<Throwable> seenByPrevious = new CopyOnWriteArrayList<>();
    Thread.UncaughtExceptionHandler original = Thread.getDefaultUncaughtExceptionHandler();
    Thread.setDefaultUncaughtExceptionHandler((t, e) -> seenByPrevious.add(e));
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      IllegalStateException error = new IllegalStateException("scheduler died");

      runAndDie(error);

      sentry.awaitEvent(e -> FakeSentry.hasException(e, "scheduler died"));
      assertThat(seenByPrevious).containsExactly(error);
      assertThat(obs.internalErrorCount("errors")).isZero();
    } finally {
      Thread.setDefaultUncaughtExceptionHandler(original);
    }
  }

  @Test
  void nestedObservations_reportTheExceptionOnceAndMarkBothSpans() throws Exception {
    TestTracing tracing = new TestTracing();
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of(), tracing)) {
      HttpServerObservationContext request = ErrorsTesting.request(null, Map.of());
      IllegalStateException failure = new IllegalStateException("repository failed");

      assertThatThrownBy(
              () ->
                  ErrorsTesting.serve(
                      obs,
                      request,
                      () ->
                          obs.observe(
                              "OrderRepository.save",
                              (Runnable)
                                  () -> {
                                    throw failure;
                                  })))
          .isSameAs(failure);

      SentryEvent event = sentry.awaitEvent(e -> FakeSentry.hasException(e, "repository failed"));
      SpanData inner = tracing.exportedSpan("OrderRepository.save");
      SpanData outer = tracing.exportedSpan(ObservationNames.HTTP_SERVER);
      assertThat(event.getContexts().getTrace().getSpanId().toString())
          .isEqualTo(inner.getSpanId());
      assertThat(inner.getTraceId()).isEqualTo(outer.getTraceId());
      for (SpanData span : List.of(inner, outer)) {
        assertThat(span.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
        assertThat(span.getAttributes().get(AttributeKey.stringKey("sentry.event_id")))
            .isEqualTo(event.getEventId().toString());
      }
      obs.errors().capture("sentinel after nested");
      sentry.awaitMessage("sentinel after nested");
      assertThat(sentry.events()).hasSize(2);
    }
  }

  @Test
  void captureOutsideAnyOperation_sendsEventWithoutTraceContext() throws Exception {
    try (FakeSentry sentry = new FakeSentry();
        Observability obs = ErrorsTesting.start(sentry, registry, Map.of())) {
      String id = obs.errors().capture(new IllegalStateException("nightly job failed"));

      SentryEvent event = sentry.awaitEvent(e -> e.getEventId().toString().equals(id));
      assertThat(event.getContexts().getTrace()).isNull();
      assertThat(event.getTags()).doesNotContainKeys("trace_id", "endpoint", "method");
    }
  }

  private static void runAndDie(RuntimeException error) throws InterruptedException {
    Thread thread =
        new Thread(
            () -> {
              throw error;
            },
            "dying-worker");
    thread.start();
    thread.join();
  }

  /**
   * A module whose handlers run after errors' (like logging's, handler order 400) that reads the
   * MDC when the scope closes and the event id in the context when the observation stops, as the
   * access log does.
   */
  static final class MdcProbe implements ObservabilityModule {
    final List<String> seenAtScopeClose = new CopyOnWriteArrayList<>();
    final List<String> eventIdAtStop = new CopyOnWriteArrayList<>();

    @Override
    public String name() {
      return "mdc-probe";
    }

    @Override
    public int order() {
      return ORDER_LOGGING;
    }

    @Override
    public int handlerOrder() {
      return HANDLER_ORDER_LOGGING;
    }

    @Override
    public void start(ModuleContext context) {
      context.addObservationHandler(
          new ObservationHandler<Observation.Context>() {
            @Override
            public boolean supportsContext(Observation.Context c) {
              return true;
            }

            @Override
            public void onScopeClosed(Observation.Context c) {
              String id = MDC.get("sentry_event_id");
              if (id != null) {
                seenAtScopeClose.add(id);
              }
            }

            @Override
            public void onStop(Observation.Context c) {
              String id = c.get(ObservationNames.ERROR_EVENT_ID);
              if (id != null) {
                eventIdAtStop.add(id);
              }
            }
          });
    }
  }
}
