package dev.observability.servlet.internal;

import dev.observability.HttpServerObservationContext;
import io.micrometer.observation.Observation;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Ends the observation of an asynchronous request when the container says it is over: records the
 * error of {@code onError}, and stops at {@code onComplete} with the final status. Stays registered
 * when the application starts asynchronous processing again.
 *
 * <p>Called by container threads; stops the observation exactly once.
 */
public final class AsyncCompletion implements AsyncListener {

  private final Observation observation;
  private final HttpServerObservationContext context;
  private final HttpServletResponse response;
  private final Consumer<HttpServerObservationContext> beforeStop;
  private final AtomicBoolean stopped = new AtomicBoolean();
  private volatile boolean failed;

  /**
   * Creates a listener.
   *
   * @param beforeStop runs just before the observation stops (reads the route attributes)
   */
  public AsyncCompletion(
      Observation observation,
      HttpServerObservationContext context,
      HttpServletResponse response,
      Consumer<HttpServerObservationContext> beforeStop) {
    this.observation = observation;
    this.context = context;
    this.response = response;
    this.beforeStop = beforeStop;
  }

  @Override
  public void onComplete(AsyncEvent event) {
    stop();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    // The container answers an unhandled timeout with an error dispatch (500) and then completes;
    // the status is read then, so that a listener of the application may answer otherwise.
  }

  @Override
  public void onError(AsyncEvent event) {
    failed = true;
    Throwable error = event.getThrowable();
    if (error != null && !stopped.get()) {
      observation.error(error);
    }
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    event.getAsyncContext().addListener(this);
  }

  private void stop() {
    if (!stopped.compareAndSet(false, true)) {
      return;
    }
    int status = response.getStatus();
    if (failed && status < 500) {
      status = 500;
    }
    context.setStatus(status);
    beforeStop.accept(context);
    observation.stop();
  }
}
