package dev.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.scrub.Scrubber;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class JsonEventWriterTest {

  private final JsonEventWriter writer =
      new JsonEventWriter(
          JsonEventWriter.MIN_EVENT_SIZE, false, new StackTraceRenderer(50, 5, 8192));

  @Test
  void accessMessage_leftUnchanged_isScrubbedOncePerScrubber() {
    CountingScrubber first = new CountingScrubber(Scrubber.defaults());
    CountingScrubber second = new CountingScrubber(Scrubber.defaults());

    for (int i = 0; i < 3; i++) {
      assertThat(writer.scrubbedMessage(LoggingObservationHandler.ACCESS_MESSAGE, first))
          .isSameAs(LoggingObservationHandler.ACCESS_MESSAGE);
    }
    assertThat(first.calls.get()).isEqualTo(1);
    assertThat(writer.scrubbedMessage(LoggingObservationHandler.ACCESS_MESSAGE, second))
        .isSameAs(LoggingObservationHandler.ACCESS_MESSAGE);
    assertThat(second.calls.get()).isEqualTo(1);
  }

  @Test
  void accessMessage_maskedByTheScrubber_isScrubbedOnEveryLine() {
    CountingScrubber masking =
        new CountingScrubber(Scrubber.builder().addPattern("complet\\w+").build());

    for (int i = 0; i < 3; i++) {
      assertThat(writer.scrubbedMessage(LoggingObservationHandler.ACCESS_MESSAGE, masking))
          .isEqualTo("request [REDACTED]");
    }
    assertThat(masking.calls.get()).isEqualTo(3);
  }

  @Test
  void otherMessages_equalOrNot_areScrubbedEveryTime() {
    CountingScrubber scrubber = new CountingScrubber(Scrubber.defaults());
    String sameText = new String(LoggingObservationHandler.ACCESS_MESSAGE.toCharArray());

    writer.scrubbedMessage(sameText, scrubber);
    writer.scrubbedMessage(sameText, scrubber);
    assertThat(writer.scrubbedMessage("token=hunter2hunter2", scrubber))
        .isEqualTo("token=[REDACTED]");
    assertThat(scrubber.calls.get()).isEqualTo(3);
  }

  /** Counts the texts it is asked to scrub. */
  private static final class CountingScrubber implements Scrubber {
    private final Scrubber delegate;
    final AtomicInteger calls = new AtomicInteger();

    CountingScrubber(Scrubber delegate) {
      this.delegate = delegate;
    }

    @Override
    public String scrub(String text) {
      calls.incrementAndGet();
      return delegate.scrub(text);
    }

    @Override
    public void scrubTo(CharSequence text, StringBuilder out) {
      calls.incrementAndGet();
      delegate.scrubTo(text, out);
    }

    @Override
    public boolean isSensitiveKey(String key) {
      return delegate.isSensitiveKey(key);
    }

    @Override
    public String scrubValue(String key, String value) {
      return delegate.scrubValue(key, value);
    }

    @Override
    public String mask() {
      return delegate.mask();
    }
  }
}
