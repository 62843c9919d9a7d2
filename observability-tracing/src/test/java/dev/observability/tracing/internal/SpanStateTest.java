package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.context.Scope;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The scopes of one observation's span: each thread closes its own, latest first. */
class SpanStateTest {

  private static Scope scope() {
    return () -> {};
  }

  @Test
  void oneThread_nestedScopes_arePoppedLatestFirst_thenNothing() {
    TracingObservationHandler.SpanState state = new TracingObservationHandler.SpanState();
    Scope first = scope();
    Scope nested = scope();
    Scope innermost = scope();
    state.push(first);
    assertThat(state.ownedBy(Thread.currentThread())).isTrue();
    state.push(nested);
    state.push(innermost);

    assertThat(state.pop()).isSameAs(innermost);
    assertThat(state.pop()).isSameAs(nested);
    assertThat(state.ownedBy(Thread.currentThread())).isTrue();
    assertThat(state.pop()).isSameAs(first);
    assertThat(state.ownedBy(Thread.currentThread())).isFalse();
    assertThat(state.pop()).isNull();
  }

  @Test
  void anotherThreadsScope_isItsOwn_andTheFirstSlotIsFreeForWhoeverOpensNext() throws Exception {
    TracingObservationHandler.SpanState state = new TracingObservationHandler.SpanState();
    Scope mine = scope();
    Scope theirs = scope();
    state.push(mine);
    AtomicReference<Scope> poppedThere = new AtomicReference<>();
    Thread other =
        new Thread(
            () -> {
              state.push(theirs);
              assertThat(state.ownedBy(Thread.currentThread())).isFalse();
              poppedThere.set(state.pop());
            });
    other.start();
    other.join();
    assertThat(poppedThere.get()).isSameAs(theirs);

    Thread stranger = new Thread(() -> poppedThere.set(state.pop()));
    stranger.start();
    stranger.join();
    assertThat(poppedThere.get()).isNull();
    assertThat(state.pop()).isSameAs(mine);

    Thread next =
        new Thread(
            () -> {
              Scope again = scope();
              state.push(again);
              assertThat(state.ownedBy(Thread.currentThread())).isTrue();
              assertThat(state.pop()).isSameAs(again);
            });
    next.start();
    next.join();
    assertThat(state.pop()).isNull();
  }

  @Test
  void threadsOpeningAndClosingAtOnce_eachGetsBackItsOwnScopes_latestFirst() throws Exception {
    TracingObservationHandler.SpanState state = new TracingObservationHandler.SpanState();
    int rounds = 20_000;
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    Race.run(
        4,
        () -> {
          try {
            Deque<Scope> open = new ArrayDeque<>();
            for (int i = 0; i < rounds; i++) {
              // Up to three nested scopes, closed in turn.
              int depth = 1 + i % 3;
              for (int d = 0; d < depth; d++) {
                Scope s = scope();
                state.push(s);
                open.push(s);
              }
              for (int d = 0; d < depth; d++) {
                Scope popped = state.pop();
                Scope expected = open.pop();
                if (popped != expected) {
                  throw new AssertionError("round " + i + ": another scope came back");
                }
              }
            }
            if (state.pop() != null) {
              throw new AssertionError("a scope was left");
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
    assertThat(failures).isEmpty();
    assertThat(state.pop()).isNull();
  }
}
