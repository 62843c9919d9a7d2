package dev.observability.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ReportedThrowablesTest {

  private final AtomicLong evicted = new AtomicLong();
  private final ReportedThrowables reported = new ReportedThrowables(8, evicted::addAndGet);

  @Test
  void claim_firstTime_isGranted_thenReturnsRecordedId() {
    RuntimeException error = new RuntimeException("x");

    assertThat(reported.claim(error)).isNull();
    reported.record(error, "abc");

    assertThat(reported.claim(error)).isEqualTo("abc");
  }

  @Test
  void claim_ofWrapperOfReported_returnsTheReportedId() {
    RuntimeException cause = new RuntimeException("cause");
    reported.claim(cause);
    reported.record(cause, "id-1");

    assertThat(reported.claim(new IllegalStateException("wrapper", cause))).isEqualTo("id-1");
  }

  @Test
  void claim_ofCauseOfReportedWrapper_returnsTheReportedId() {
    RuntimeException cause = new RuntimeException("cause");
    RuntimeException wrapper = new IllegalStateException("wrapper", cause);
    reported.claim(wrapper);
    reported.record(wrapper, "id-2");

    assertThat(reported.claim(cause)).isEqualTo("id-2");
  }

  @Test
  void claim_usesIdentityNotEquals() {
    EqualThrowable first = new EqualThrowable();
    reported.claim(first);

    assertThat(reported.claim(new EqualThrowable())).isNull();
  }

  @Test
  void claim_notRecorded_returnsEmptyId() {
    RuntimeException error = new RuntimeException("suppressed");
    reported.claim(error);

    assertThat(reported.claim(error)).isEmpty();
  }

  @Test
  void claim_cyclicCauseChain_terminates() {
    CyclicThrowable a = new CyclicThrowable();
    CyclicThrowable b = new CyclicThrowable();
    a.cause = b;
    b.cause = a;

    assertThat(reported.claim(a)).isNull();
    assertThat(reported.claim(b)).isEmpty();
  }

  @Test
  void entries_areBounded_andEvictionsCounted() {
    RuntimeException[] errors = new RuntimeException[20];
    for (int i = 0; i < errors.length; i++) {
      errors[i] = new RuntimeException("e" + i);
      reported.claim(errors[i]);
    }

    assertThat(reported.size()).isEqualTo(8);
    assertThat(evicted.get()).isEqualTo(12);
    assertThat(reported.claim(errors[0])).isNull();
  }

  /** A throwable whose equals says every instance is the same. */
  private static final class EqualThrowable extends RuntimeException {
    @Override
    public boolean equals(Object o) {
      return o instanceof EqualThrowable;
    }

    @Override
    public int hashCode() {
      return 1;
    }
  }

  private static final class CyclicThrowable extends RuntimeException {
    Throwable cause;

    @Override
    public synchronized Throwable getCause() {
      return cause;
    }
  }
}
