package dev.observability.tracing;

import dev.observability.HttpClientObservationContext;
import dev.observability.Observability;
import dev.observability.ObservationNames;
import dev.observability.internal.FacadeObservationRegistry;
import dev.observability.tracing.internal.HeaderFields;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.io.IOException;
import java.net.Authenticator;
import java.net.CookieHandler;
import java.net.ProxySelector;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * A {@link HttpClient} that observes every call as an {@link ObservationNames#HTTP_CLIENT}
 * observation with an {@link HttpClientObservationContext}: the tracing handler starts a CLIENT
 * span and injects its context ({@code traceparent}, {@code tracestate}, {@code baggage}) into the
 * request, and every other handler (metrics, logging) sees the call too. Works for {@link #send}
 * and both {@link #sendAsync} forms; the status code is recorded when the response arrives (and
 * handlers can read the response headers through {@link
 * HttpClientObservationContext#getResponseHeader}, repeated fields joined by commas), and an
 * exception ends the observation as an error before it reaches the caller unchanged. A response
 * whose {@code traceresponse} (or {@code Server-Timing: traceparent}) says that the callee kept the
 * trace the call was made with keeps the caller's fragment too ({@code sampling.policy=downstream};
 * {@link DownstreamKeep} does the same for other clients).
 *
 * <pre>{@code
 * HttpClient client = TracedHttpClient.wrap(HttpClient.newHttpClient(), observability);
 * HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
 * }</pre>
 *
 * <p>Everything else is delegated to the wrapped client. To name the target route in the span
 * ({@code "GET /users/{id}"}) rather than just the method, observe the call yourself with an {@link
 * HttpClientObservationContext} carrying {@link ObservationNames#KEY_URI_TEMPLATE}.
 *
 * <p>Thread-safe when the wrapped client is (the JDK's is). Lifecycle methods added to {@code
 * HttpClient} after Java 17 ({@code close}, {@code shutdown}) are not forwarded: close the wrapped
 * client itself.
 */
public final class TracedHttpClient extends HttpClient {

  private final HttpClient delegate;
  private final ObservationRegistry registry;

  private TracedHttpClient(HttpClient delegate, ObservationRegistry registry) {
    this.delegate = Objects.requireNonNull(delegate, "delegate");
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  /**
   * Wraps {@code client} so its calls are observed on {@code observability}'s spine.
   *
   * @param client the client to wrap
   * @param observability the running instance
   * @return the traced client
   */
  public static TracedHttpClient wrap(HttpClient client, Observability observability) {
    return wrap(client, observability.observationRegistry());
  }

  /**
   * Wraps {@code client} so its calls are observed on {@code registry}.
   *
   * @param client the client to wrap
   * @param registry the registry to observe calls on
   * @return the traced client
   */
  public static TracedHttpClient wrap(HttpClient client, ObservationRegistry registry) {
    return new TracedHttpClient(client, registry);
  }

  /**
   * The wrapped client.
   *
   * @return the wrapped client
   */
  public HttpClient delegate() {
    return delegate;
  }

  @Override
  public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
      throws IOException, InterruptedException {
    Call call = start(request);
    Observation.Scope scope = call.observation.openScope();
    try {
      HttpResponse<T> response = delegate.send(call.request, handler);
      responded(call.context, response);
      return response;
    } catch (IOException | InterruptedException | RuntimeException | Error e) {
      call.observation.error(e);
      throw e;
    } finally {
      scope.close();
      call.observation.stop();
    }
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    return sendAsync(request, handler, null);
  }

  @Override
  public <T> CompletableFuture<HttpResponse<T>> sendAsync(
      HttpRequest request,
      HttpResponse.BodyHandler<T> handler,
      HttpResponse.@Nullable PushPromiseHandler<T> pushPromiseHandler) {
    Call call = start(request);
    CompletableFuture<HttpResponse<T>> future;
    Observation.Scope scope = call.observation.openScope();
    try {
      future =
          pushPromiseHandler == null
              ? delegate.sendAsync(call.request, handler)
              : delegate.sendAsync(call.request, handler, pushPromiseHandler);
    } catch (RuntimeException | Error e) {
      scope.close();
      call.observation.error(e);
      call.observation.stop();
      throw e;
    }
    scope.close();
    // The caller gets the client's own future (cancellation reaches the exchange); the
    // observation ends in a dependent stage.
    future.whenComplete(
        (response, failure) -> {
          if (response != null) {
            responded(call.context, response);
          }
          if (failure != null) {
            call.observation.error(
                failure instanceof CompletionException && failure.getCause() != null
                    ? failure.getCause()
                    : failure);
          }
          call.observation.stop();
        });
    return future;
  }

  /**
   * Records the status and lets handlers read the response headers, repeated fields of one name
   * joined by commas (RFC 9110 §5.3); costs one small reader object per call.
   */
  private static void responded(HttpClientObservationContext context, HttpResponse<?> response) {
    context.setStatus(response.statusCode());
    HttpHeaders headers = response.headers();
    context.setResponseHeaders(name -> HeaderFields.combined(headers, name));
  }

  private Call start(HttpRequest request) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(request, (name, value) -> true);
    HttpClientObservationContext context =
        new HttpClientObservationContext(request.method(), request.uri(), builder::setHeader);
    Observation observation =
        FacadeObservationRegistry.createNotStarted(ObservationNames.HTTP_CLIENT, context, registry)
            .start();
    HttpRequest traced;
    try {
      traced = builder.build();
    } catch (RuntimeException e) {
      // A handler added a header the client refuses: send the request as the caller built it.
      traced = request;
    }
    return new Call(observation, context, traced);
  }

  private record Call(
      Observation observation, HttpClientObservationContext context, HttpRequest request) {}

  @Override
  public Optional<CookieHandler> cookieHandler() {
    return delegate.cookieHandler();
  }

  @Override
  public Optional<Duration> connectTimeout() {
    return delegate.connectTimeout();
  }

  @Override
  public Redirect followRedirects() {
    return delegate.followRedirects();
  }

  @Override
  public Optional<ProxySelector> proxy() {
    return delegate.proxy();
  }

  @Override
  public SSLContext sslContext() {
    return delegate.sslContext();
  }

  @Override
  public SSLParameters sslParameters() {
    return delegate.sslParameters();
  }

  @Override
  public Optional<Authenticator> authenticator() {
    return delegate.authenticator();
  }

  @Override
  public Version version() {
    return delegate.version();
  }

  @Override
  public Optional<Executor> executor() {
    return delegate.executor();
  }

  @Override
  public WebSocket.Builder newWebSocketBuilder() {
    return delegate.newWebSocketBuilder();
  }

  @Override
  public String toString() {
    return "TracedHttpClient{" + delegate + "}";
  }
}
