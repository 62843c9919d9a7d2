package dev.observability.logging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class ThreadMdcTest {

  @AfterEach
  void clear() {
    MDC.clear();
  }

  @Test
  void logbackOnTheClassPath_isReadWithoutCopy() {
    // Fails when a Logback upgrade moves the adapter's map: every access line would copy again.
    assertThat(MDC.getMDCAdapter()).isInstanceOf(LogbackMDCAdapter.class);
    assertThat(ThreadMdc.readsDirectly((LogbackMDCAdapter) MDC.getMDCAdapter())).isTrue();
  }

  @Test
  void logbackOnTheClassPath_eventsAreReadWithoutCopy() {
    assertThat(ThreadMdc.readsEventsDirectly((LogbackMDCAdapter) MDC.getMDCAdapter())).isTrue();
  }

  private static LoggingEvent event() {
    Logger logger = (Logger) LoggerFactory.getLogger("com.example.Orders");
    return new LoggingEvent(
        Logger.class.getName(), logger, Level.INFO, "message", null, new Object[0]);
  }

  @Test
  void eventNotYetTakingItsMdc_isReadFromTheThread_andStillTakesItLater() {
    MDC.put("tenant", "acme");
    LoggingEvent event = event();

    assertThat(ThreadMdc.ofEvent(event)).isEqualTo(Map.of("tenant", "acme"));

    // Nothing was taken for the event: Logback still takes the MDC when first asked, as before.
    MDC.put("region", "eu");
    assertThat(event.getMDCPropertyMap()).isEqualTo(Map.of("tenant", "acme", "region", "eu"));
  }

  @Test
  void eventThatTookItsMdc_keepsIt_onAnyThread() throws InterruptedException {
    MDC.put("tenant", "acme");
    LoggingEvent event = event();
    event.prepareForDeferredProcessing();
    MDC.put("tenant", "other");

    assertThat(ThreadMdc.ofEvent(event)).isEqualTo(Map.of("tenant", "acme"));
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    Thread other = new Thread(() -> seen.set(ThreadMdc.ofEvent(event)));
    other.start();
    other.join();
    assertThat(seen.get()).isEqualTo(Map.of("tenant", "acme"));
  }

  @Test
  void eventWithoutMdc_isEmpty() {
    assertThat(ThreadMdc.ofEvent(event())).isEmpty();
  }

  @Test
  void emptiedMdc_isEmptyAndImmutable() {
    MDC.put("trace_id", "t");
    MDC.remove("trace_id");

    Map<String, String> mdc = ThreadMdc.current();

    assertThat(mdc).isEmpty();
    assertThatThrownBy(() -> mdc.put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void neverSetMdc_isEmpty() {
    assertThat(ThreadMdc.current()).isEmpty();
  }

  @Test
  void entries_areTakenAsTheyAre_andLaterChangesDoNotReachThem() {
    MDC.put("tenant", "acme");
    MDC.put("region", "eu");

    Map<String, String> mdc = ThreadMdc.current();
    MDC.put("tenant", "other");
    MDC.remove("region");

    assertThat(mdc).isEqualTo(Map.of("tenant", "acme", "region", "eu"));
    assertThat(ThreadMdc.current()).isEqualTo(Map.of("tenant", "other"));
  }

  @Test
  void anotherThreadsEntries_areNotSeen() throws InterruptedException {
    MDC.put("tenant", "acme");
    AtomicReference<Map<String, String>> seen = new AtomicReference<>();
    Thread other = new Thread(() -> seen.set(ThreadMdc.current()));
    other.start();
    other.join();

    assertThat(seen.get()).isEmpty();
    assertThat(ThreadMdc.current()).containsEntry("tenant", "acme");
  }
}
