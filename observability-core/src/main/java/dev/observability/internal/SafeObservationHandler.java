package dev.observability.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;

/**
 * Wraps a module's handler so that nothing it throws reaches the instrumented code: the failure is
 * counted against the module and the observation goes on.
 */
public final class SafeObservationHandler<T extends Observation.Context>
    implements ObservationHandler<T> {

  private final ObservationHandler<T> delegate;
  private final String component;
  private final InternalErrors errors;

  /** Wraps {@code delegate}, counting its failures under {@code component}. */
  public SafeObservationHandler(
      ObservationHandler<T> delegate, String component, InternalErrors errors) {
    this.delegate = delegate;
    this.component = component;
    this.errors = errors;
  }

  /** The wrapped handler. */
  public ObservationHandler<T> delegate() {
    return delegate;
  }

  @Override
  public void onStart(T context) {
    try {
      delegate.onStart(context);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public void onError(T context) {
    try {
      delegate.onError(context);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public void onEvent(Observation.Event event, T context) {
    try {
      delegate.onEvent(event, context);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public void onScopeOpened(T context) {
    try {
      delegate.onScopeOpened(context);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public void onScopeClosed(T context) {
    try {
      delegate.onScopeClosed(context);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  @SuppressWarnings("deprecation") // still called by registries that reset scopes; forward it
  public void onScopeReset(T context) {
    try {
      delegate.onScopeReset(context);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public void onStop(T context) {
    try {
      delegate.onStop(context);
    } catch (Throwable t) {
      fail(t);
    }
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    try {
      return delegate.supportsContext(context);
    } catch (Throwable t) {
      fail(t);
      return false;
    }
  }

  private void fail(Throwable t) {
    if (t instanceof VirtualMachineError vmError) {
      throw vmError;
    }
    failed(t);
  }

  /** Counts {@code t}, which the delegate threw, against its module. */
  void failed(Throwable t) {
    errors.record(component, t);
  }
}
