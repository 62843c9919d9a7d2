package dev.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import dev.observability.scrub.Scrubber;
import java.nio.charset.StandardCharsets;
import java.util.Map;
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

  @Test
  void accessValues_scrubbedByTheLinesScrubber_areNotScrubbedAgain() {
    CountingScrubber scrubber = new CountingScrubber(Scrubber.defaults());
    AccessLogEvent event = accessEvent("/orders/42?page=2", "/orders/{id}", scrubber);
    line(event, scrubber); // the access message is scrubbed once per scrubber
    int before = scrubber.calls.get();

    String line = line(event, scrubber);

    assertThat(scrubber.calls.get() - before).isZero();
    assertThat(line)
        .contains("\"method\":\"GET\",\"path\":\"/orders/42?page=2\",\"route\":\"/orders/{id}\"");
  }

  @Test
  void accessValues_fromAnotherScrubber_areScrubbedByTheLinesOwn() {
    AccessLogEvent event =
        accessEvent("/login?next=token=hunter2hunter2", "/login", Scrubber.noop());

    String line = line(event, Scrubber.defaults());

    assertThat(line).contains("\"path\":\"/login?next=token=[REDACTED]\"");
    assertThat(line).doesNotContain("hunter2");
  }

  @Test
  void accessKeys_thatTheScrubberDeemsSensitive_areMasked() {
    Scrubber scrubber = Scrubber.builder().addSensitiveKeys("route", "status").build();
    AccessLogEvent event = accessEvent("/orders/42", "/orders/{id}", scrubber);

    String line = line(event, scrubber);

    assertThat(line)
        .contains("\"path\":\"/orders/42\"")
        .contains("\"route\":\"[REDACTED]\"")
        .contains("\"status\":\"[REDACTED]\"")
        .doesNotContain("{id}");
  }

  private static AccessLogEvent accessEvent(String path, String route, Scrubber scrubbedBy) {
    return new AccessLogEvent(
        new LoggerContext().getLoggerContextRemoteView(),
        Level.INFO,
        0L,
        0L,
        "main",
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "00f067aa0ba902b7",
        "req-1",
        Map.of(),
        "GET",
        path,
        route,
        200,
        1.5,
        null,
        null,
        null,
        scrubbedBy);
  }

  private String line(AccessLogEvent event, Scrubber scrubber) {
    return new String(
        writer.encode(event, scrubber, ServiceFields.UNKNOWN), StandardCharsets.UTF_8);
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
