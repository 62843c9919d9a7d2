package dev.observability.internal;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The handlers of a direct observation's plan, each called from call sites of its own.
 *
 * <p>Called from one loop, every module's handler would share one call site per method: the
 * compiler sees all their types there and dispatches each call through an interface table, about
 * forty calls per request, which profiled at about 0.45 µs per request under load (16 connections,
 * one core). Here the first {@value #SLOTS} handlers have a field and a call site each, per method.
 * In a process whose observation configuration does not change, each such site sees one type, so
 * the call is direct and may be inlined. Handlers past the slots are called from a loop.
 *
 * <p>A module's handler, which the SDK registers wrapped in a {@link SafeObservationHandler}, is
 * called unwrapped here, and what it throws is counted against its module as the wrapper would (a
 * {@link VirtualMachineError} passes). Any other handler's exception propagates, as it does from
 * Micrometer's own observation. Order and support are the loop's: {@code onStart}, {@code
 * onScopeOpened}, {@code onError} and {@code onEvent} in registration order, {@code onScopeClosed}
 * and {@code onStop} in reverse, each to the handlers whose bit is set in the mask {@link
 * #supporting} gave.
 *
 * <p>Immutable and thread-safe.
 */
final class HandlerSlots {

  /** Handlers called from call sites of their own; the rest are called from a loop. */
  static final int SLOTS = 8;

  private final @Nullable ObservationHandler<Observation.Context> h0;
  private final @Nullable ObservationHandler<Observation.Context> h1;
  private final @Nullable ObservationHandler<Observation.Context> h2;
  private final @Nullable ObservationHandler<Observation.Context> h3;
  private final @Nullable ObservationHandler<Observation.Context> h4;
  private final @Nullable ObservationHandler<Observation.Context> h5;
  private final @Nullable ObservationHandler<Observation.Context> h6;
  private final @Nullable ObservationHandler<Observation.Context> h7;

  /** Every handler, unwrapped, in registration order. */
  private final ObservationHandler<Observation.Context>[] handlers;

  /** Per handler: the wrapper whose module its failures are counted against, or null. */
  private final @Nullable SafeObservationHandler<Observation.Context>[] guards;

  @SuppressWarnings({"unchecked", "rawtypes"})
  HandlerSlots(List<ObservationHandler<?>> registered) {
    int n = registered.size();
    handlers = new ObservationHandler[n];
    guards = new SafeObservationHandler[n];
    for (int i = 0; i < n; i++) {
      ObservationHandler<?> handler = registered.get(i);
      if (handler instanceof SafeObservationHandler<?> safe) {
        guards[i] = (SafeObservationHandler<Observation.Context>) safe;
        handlers[i] = (ObservationHandler<Observation.Context>) safe.delegate();
      } else {
        handlers[i] = (ObservationHandler<Observation.Context>) handler;
      }
    }
    h0 = n > 0 ? handlers[0] : null;
    h1 = n > 1 ? handlers[1] : null;
    h2 = n > 2 ? handlers[2] : null;
    h3 = n > 3 ? handlers[3] : null;
    h4 = n > 4 ? handlers[4] : null;
    h5 = n > 5 ? handlers[5] : null;
    h6 = n > 6 ? handlers[6] : null;
    h7 = n > 7 ? handlers[7] : null;
  }

  /** The bits of the handlers that support {@code c}, one per handler in registration order. */
  int supporting(Observation.Context c) {
    int n = handlers.length;
    int mask = 0;
    if (n > 0) {
      try {
        if (h0.supportsContext(c)) {
          mask |= 1;
        }
      } catch (Throwable t) {
        failed(0, t);
      }
    }
    if (n > 1) {
      try {
        if (h1.supportsContext(c)) {
          mask |= 1 << 1;
        }
      } catch (Throwable t) {
        failed(1, t);
      }
    }
    if (n > 2) {
      try {
        if (h2.supportsContext(c)) {
          mask |= 1 << 2;
        }
      } catch (Throwable t) {
        failed(2, t);
      }
    }
    if (n > 3) {
      try {
        if (h3.supportsContext(c)) {
          mask |= 1 << 3;
        }
      } catch (Throwable t) {
        failed(3, t);
      }
    }
    if (n > 4) {
      try {
        if (h4.supportsContext(c)) {
          mask |= 1 << 4;
        }
      } catch (Throwable t) {
        failed(4, t);
      }
    }
    if (n > 5) {
      try {
        if (h5.supportsContext(c)) {
          mask |= 1 << 5;
        }
      } catch (Throwable t) {
        failed(5, t);
      }
    }
    if (n > 6) {
      try {
        if (h6.supportsContext(c)) {
          mask |= 1 << 6;
        }
      } catch (Throwable t) {
        failed(6, t);
      }
    }
    if (n > 7) {
      try {
        if (h7.supportsContext(c)) {
          mask |= 1 << 7;
        }
      } catch (Throwable t) {
        failed(7, t);
      }
    }
    for (int i = SLOTS; i < n; i++) {
      try {
        if (handlers[i].supportsContext(c)) {
          mask |= 1 << i;
        }
      } catch (Throwable t) {
        failed(i, t);
      }
    }
    return mask;
  }

  /** Calls {@code onStart} of the handlers in {@code mask}, in registration order. */
  void start(int mask, Observation.Context c) {
    if ((mask & 1) != 0) {
      try {
        h0.onStart(c);
      } catch (Throwable t) {
        failed(0, t);
      }
    }
    if ((mask & 1 << 1) != 0) {
      try {
        h1.onStart(c);
      } catch (Throwable t) {
        failed(1, t);
      }
    }
    if ((mask & 1 << 2) != 0) {
      try {
        h2.onStart(c);
      } catch (Throwable t) {
        failed(2, t);
      }
    }
    if ((mask & 1 << 3) != 0) {
      try {
        h3.onStart(c);
      } catch (Throwable t) {
        failed(3, t);
      }
    }
    if ((mask & 1 << 4) != 0) {
      try {
        h4.onStart(c);
      } catch (Throwable t) {
        failed(4, t);
      }
    }
    if ((mask & 1 << 5) != 0) {
      try {
        h5.onStart(c);
      } catch (Throwable t) {
        failed(5, t);
      }
    }
    if ((mask & 1 << 6) != 0) {
      try {
        h6.onStart(c);
      } catch (Throwable t) {
        failed(6, t);
      }
    }
    if ((mask & 1 << 7) != 0) {
      try {
        h7.onStart(c);
      } catch (Throwable t) {
        failed(7, t);
      }
    }
    for (int i = SLOTS; i < handlers.length; i++) {
      if ((mask & (1 << i)) != 0) {
        try {
          handlers[i].onStart(c);
        } catch (Throwable t) {
          failed(i, t);
        }
      }
    }
  }

  /** Calls {@code onScopeOpened} of the handlers in {@code mask}, in registration order. */
  void scopeOpened(int mask, Observation.Context c) {
    if ((mask & 1) != 0) {
      try {
        h0.onScopeOpened(c);
      } catch (Throwable t) {
        failed(0, t);
      }
    }
    if ((mask & 1 << 1) != 0) {
      try {
        h1.onScopeOpened(c);
      } catch (Throwable t) {
        failed(1, t);
      }
    }
    if ((mask & 1 << 2) != 0) {
      try {
        h2.onScopeOpened(c);
      } catch (Throwable t) {
        failed(2, t);
      }
    }
    if ((mask & 1 << 3) != 0) {
      try {
        h3.onScopeOpened(c);
      } catch (Throwable t) {
        failed(3, t);
      }
    }
    if ((mask & 1 << 4) != 0) {
      try {
        h4.onScopeOpened(c);
      } catch (Throwable t) {
        failed(4, t);
      }
    }
    if ((mask & 1 << 5) != 0) {
      try {
        h5.onScopeOpened(c);
      } catch (Throwable t) {
        failed(5, t);
      }
    }
    if ((mask & 1 << 6) != 0) {
      try {
        h6.onScopeOpened(c);
      } catch (Throwable t) {
        failed(6, t);
      }
    }
    if ((mask & 1 << 7) != 0) {
      try {
        h7.onScopeOpened(c);
      } catch (Throwable t) {
        failed(7, t);
      }
    }
    for (int i = SLOTS; i < handlers.length; i++) {
      if ((mask & (1 << i)) != 0) {
        try {
          handlers[i].onScopeOpened(c);
        } catch (Throwable t) {
          failed(i, t);
        }
      }
    }
  }

  /** Calls {@code onScopeClosed} of the handlers in {@code mask}, in reverse order. */
  void scopeClosed(int mask, Observation.Context c) {
    for (int i = handlers.length - 1; i >= SLOTS; i--) {
      if ((mask & (1 << i)) != 0) {
        try {
          handlers[i].onScopeClosed(c);
        } catch (Throwable t) {
          failed(i, t);
        }
      }
    }
    if ((mask & 1 << 7) != 0) {
      try {
        h7.onScopeClosed(c);
      } catch (Throwable t) {
        failed(7, t);
      }
    }
    if ((mask & 1 << 6) != 0) {
      try {
        h6.onScopeClosed(c);
      } catch (Throwable t) {
        failed(6, t);
      }
    }
    if ((mask & 1 << 5) != 0) {
      try {
        h5.onScopeClosed(c);
      } catch (Throwable t) {
        failed(5, t);
      }
    }
    if ((mask & 1 << 4) != 0) {
      try {
        h4.onScopeClosed(c);
      } catch (Throwable t) {
        failed(4, t);
      }
    }
    if ((mask & 1 << 3) != 0) {
      try {
        h3.onScopeClosed(c);
      } catch (Throwable t) {
        failed(3, t);
      }
    }
    if ((mask & 1 << 2) != 0) {
      try {
        h2.onScopeClosed(c);
      } catch (Throwable t) {
        failed(2, t);
      }
    }
    if ((mask & 1 << 1) != 0) {
      try {
        h1.onScopeClosed(c);
      } catch (Throwable t) {
        failed(1, t);
      }
    }
    if ((mask & 1) != 0) {
      try {
        h0.onScopeClosed(c);
      } catch (Throwable t) {
        failed(0, t);
      }
    }
  }

  /** Calls {@code onStop} of the handlers in {@code mask}, in reverse order. */
  void stop(int mask, Observation.Context c) {
    for (int i = handlers.length - 1; i >= SLOTS; i--) {
      if ((mask & (1 << i)) != 0) {
        try {
          handlers[i].onStop(c);
        } catch (Throwable t) {
          failed(i, t);
        }
      }
    }
    if ((mask & 1 << 7) != 0) {
      try {
        h7.onStop(c);
      } catch (Throwable t) {
        failed(7, t);
      }
    }
    if ((mask & 1 << 6) != 0) {
      try {
        h6.onStop(c);
      } catch (Throwable t) {
        failed(6, t);
      }
    }
    if ((mask & 1 << 5) != 0) {
      try {
        h5.onStop(c);
      } catch (Throwable t) {
        failed(5, t);
      }
    }
    if ((mask & 1 << 4) != 0) {
      try {
        h4.onStop(c);
      } catch (Throwable t) {
        failed(4, t);
      }
    }
    if ((mask & 1 << 3) != 0) {
      try {
        h3.onStop(c);
      } catch (Throwable t) {
        failed(3, t);
      }
    }
    if ((mask & 1 << 2) != 0) {
      try {
        h2.onStop(c);
      } catch (Throwable t) {
        failed(2, t);
      }
    }
    if ((mask & 1 << 1) != 0) {
      try {
        h1.onStop(c);
      } catch (Throwable t) {
        failed(1, t);
      }
    }
    if ((mask & 1) != 0) {
      try {
        h0.onStop(c);
      } catch (Throwable t) {
        failed(0, t);
      }
    }
  }

  /** Calls {@code onError} of the handlers in {@code mask}, in registration order. */
  void error(int mask, Observation.Context c) {
    for (int i = 0; i < handlers.length; i++) {
      if ((mask & (1 << i)) != 0) {
        try {
          handlers[i].onError(c);
        } catch (Throwable t) {
          failed(i, t);
        }
      }
    }
  }

  /** Calls {@code onEvent} of the handlers in {@code mask}, in registration order. */
  void event(int mask, Observation.Event event, Observation.Context c) {
    for (int i = 0; i < handlers.length; i++) {
      if ((mask & (1 << i)) != 0) {
        try {
          handlers[i].onEvent(event, c);
        } catch (Throwable t) {
          failed(i, t);
        }
      }
    }
  }

  /** Calls {@code onScopeReset} of the handlers in {@code mask}, in registration order. */
  @SuppressWarnings("deprecation") // forwarded as Micrometer's own scope does
  void scopeReset(int mask, Observation.Context c) {
    for (int i = 0; i < handlers.length; i++) {
      if ((mask & (1 << i)) != 0) {
        try {
          handlers[i].onScopeReset(c);
        } catch (Throwable t) {
          failed(i, t);
        }
      }
    }
  }

  /**
   * What handler {@code i} threw: counted against its module when it is a module's, else thrown on
   * unchanged.
   */
  private void failed(int i, Throwable t) {
    SafeObservationHandler<Observation.Context> guard = guards[i];
    if (guard == null || t instanceof VirtualMachineError) {
      throw HandlerSlots.<RuntimeException>sneaky(t);
    }
    guard.failed(t);
  }

  /**
   * Throws {@code t} as it is: a handler's methods declare no checked exception, but may throw one.
   */
  @SuppressWarnings("unchecked")
  private static <T extends Throwable> T sneaky(Throwable t) throws T {
    throw (T) t;
  }
}
