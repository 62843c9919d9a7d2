package dev.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.internal.FacadeMeterRegistry;
import dev.observability.internal.FirstMeterRead;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DirectMetersTest {

  @Test
  void recording_reachesEveryChildOfTheComposite() {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    first.config().commonTags("region", "eu");
    composite.add(first);
    composite.add(second);
    DirectMeters direct = new DirectMeters(composite);

    DirectMeters.DirectTimer timer =
        direct.timer(Timer.builder("t").tag("k", "v").register(composite));
    DirectMeters.DirectCounter counter = direct.counter(Counter.builder("c").register(composite));
    timer.record(TimeUnit.MILLISECONDS.toNanos(5));
    counter.increment();

    assertThat(first.get("t").tag("k", "v").tag("region", "eu").timer().count()).isEqualTo(1);
    assertThat(second.get("t").tag("k", "v").timer().count()).isEqualTo(1);
    assertThat(first.get("c").counter().count()).isEqualTo(1);
    assertThat(second.get("c").counter().count()).isEqualTo(1);
    assertThat(composite.get("t").timer().totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5);
  }

  @Test
  void aRegistryJoiningLater_receivesLaterRecordings() {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    composite.add(first);
    DirectMeters direct = new DirectMeters(composite);
    DirectMeters.DirectCounter counter = direct.counter(Counter.builder("c").register(composite));
    counter.increment();

    SimpleMeterRegistry late = new SimpleMeterRegistry();
    composite.add(late);
    counter.increment();

    assertThat(first.get("c").counter().count()).isEqualTo(2);
    assertThat(late.get("c").counter().count()).isEqualTo(1);
  }

  @Test
  void theFacade_aRegistryReplacingAnother_receivesLaterRecordings() {
    FacadeMeterRegistry facade = new FacadeMeterRegistry(new FirstMeterRead());
    SimpleMeterRegistry first = new SimpleMeterRegistry();
    facade.add(first);
    DirectMeters direct = new DirectMeters(facade);
    DirectMeters.DirectTimer timer = direct.timer(Timer.builder("t").register(facade));
    DirectMeters.DirectCounter counter = direct.counter(Counter.builder("c").register(facade));
    timer.record(1);
    counter.increment();

    SimpleMeterRegistry replacement = new SimpleMeterRegistry();
    facade.remove(first);
    facade.add(replacement);
    timer.record(1);
    counter.increment();

    assertThat(first.get("t").timer().count()).isEqualTo(1);
    assertThat(first.get("c").counter().count()).isEqualTo(1);
    assertThat(replacement.get("t").timer().count()).isEqualTo(1);
    assertThat(replacement.get("c").counter().count()).isEqualTo(1);
  }

  @Test
  void aNestedComposite_fallsBackToTheCompositeMeter() {
    CompositeMeterRegistry outer = new CompositeMeterRegistry();
    CompositeMeterRegistry inner = new CompositeMeterRegistry();
    SimpleMeterRegistry leaf = new SimpleMeterRegistry();
    inner.add(leaf);
    outer.add(inner);
    DirectMeters direct = new DirectMeters(outer);

    direct.counter(Counter.builder("c").register(outer)).increment();

    assertThat(leaf.get("c").counter().count()).isEqualTo(1);
  }

  @Test
  void aPlainRegistry_isRecordedDirectly() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    DirectMeters direct = new DirectMeters(registry);

    direct.counter(Counter.builder("c").register(registry)).increment();

    assertThat(registry.get("c").counter().count()).isEqualTo(1);
  }

  @Test
  void aChildThatDeniesTheMeter_leavesTheOthersCounting() {
    CompositeMeterRegistry composite = new CompositeMeterRegistry();
    SimpleMeterRegistry denying = new SimpleMeterRegistry();
    denying
        .config()
        .meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyNameStartsWith("c"));
    SimpleMeterRegistry accepting = new SimpleMeterRegistry();
    composite.add(denying);
    composite.add(accepting);
    DirectMeters direct = new DirectMeters(composite);

    direct.counter(Counter.builder("c").register(composite)).increment();

    assertThat(accepting.get("c").counter().count()).isEqualTo(1);
    assertThat(denying.find("c").counter()).isNull();
  }
}
