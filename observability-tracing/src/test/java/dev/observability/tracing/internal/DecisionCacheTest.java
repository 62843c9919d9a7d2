package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.trace.IdGenerator;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DecisionCacheTest {

  private final IdGenerator ids = IdGenerator.random();

  @Test
  void lookup_returnsRecordedDecision() {
    DecisionCache cache = new DecisionCache(1024);
    String kept = ids.generateTraceId();
    String dropped = ids.generateTraceId();
    cache.record(kept, true);
    cache.record(dropped, false);

    assertThat(cache.lookup(kept)).isEqualTo(DecisionCache.KEPT);
    assertThat(cache.lookup(dropped)).isEqualTo(DecisionCache.DROPPED);
    assertThat(cache.lookup(ids.generateTraceId())).isEqualTo(DecisionCache.UNKNOWN);
  }

  @Test
  void record_laterDecisionForSameTrace_replacesEarlierOne() {
    DecisionCache cache = new DecisionCache(16);
    String traceId = ids.generateTraceId();
    cache.record(traceId, false);
    cache.record(traceId, true);

    assertThat(cache.lookup(traceId)).isEqualTo(DecisionCache.KEPT);
  }

  @Test
  void lookup_idsWithTheSameLastDigits_areToldApartByTheWholeId() {
    DecisionCache cache = new DecisionCache(16);
    String kept = "0af7651916cd43dd8448eb211c80319c";
    String dropped = "4bf92f3577b34da6a3ce929d1c80319c";
    String unknown = "00000000000000000000000c1c80319c";
    cache.record(kept, true);
    cache.record(dropped, false);

    assertThat(cache.lookup(kept)).isEqualTo(DecisionCache.KEPT);
    assertThat(cache.lookup(dropped)).isEqualTo(DecisionCache.DROPPED);
    assertThat(cache.lookup(unknown)).isEqualTo(DecisionCache.UNKNOWN);
    cache.record(dropped, true);
    assertThat(cache.lookup(kept)).isEqualTo(DecisionCache.UNKNOWN);
    assertThat(cache.lookup(dropped)).isEqualTo(DecisionCache.KEPT);
  }

  @Test
  void halves_findWhatTheIdRecordedAndMarked_andTheIdFindsWhatTheHalvesDid() {
    DecisionCache cache = new DecisionCache(64);
    String traceId = ids.generateTraceId();
    long high = DecisionCache.high(traceId);
    long low = DecisionCache.low(traceId);

    cache.record(high, low, true);
    assertThat(cache.lookup(traceId)).isEqualTo(DecisionCache.KEPT);
    cache.record(traceId, false);
    assertThat(cache.lookup(high, low)).isEqualTo(DecisionCache.DROPPED);
    assertThat(cache.hasErrorMark(high, low)).isFalse();
    cache.markError(high, low);
    assertThat(cache.hasErrorMark(traceId)).isTrue();
    cache.markDecidedError(traceId);
    assertThat(cache.hasDecidedErrorMark(high, low)).isTrue();
    assertThat(cache.hasDownstreamMark(traceId)).isFalse();
    cache.markDownstream(high, low);
    assertThat(cache.hasDownstreamMark(traceId)).isTrue();
    assertThat(cache.lookup(DecisionCache.high(ids.generateTraceId()), low))
        .isEqualTo(DecisionCache.UNKNOWN);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "0af7651916cd43dd8448eb211c80319", "0af7651916cd43dd8448eb211c80319g"})
  void halves_ofAnIdThatIsNotHex_areNeverRemembered(String traceId) {
    DecisionCache cache = new DecisionCache(64);
    long high = DecisionCache.high(traceId);
    long low = DecisionCache.low(traceId);
    cache.record(high, low, true);
    cache.markError(high, low);

    assertThat(cache.lookup(high, low)).isEqualTo(DecisionCache.UNKNOWN);
    assertThat(cache.hasErrorMark(high, low)).isFalse();
  }

  @Test
  void capacity_isRoundedUpToPowerOfTwo() {
    assertThat(new DecisionCache(16_384).capacity()).isEqualTo(16_384);
    assertThat(new DecisionCache(10_000).capacity()).isEqualTo(16_384);
    assertThat(new DecisionCache(1).capacity()).isEqualTo(16);
  }

  @Test
  void record_manyMoreTracesThanSlots_memoryStaysBoundedAndRecentOnesAreMostlyFound() {
    DecisionCache cache = new DecisionCache(1024);
    List<String> traces = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      String traceId = ids.generateTraceId();
      traces.add(traceId);
      cache.record(traceId, i % 2 == 0);
    }
    int found = 0;
    for (String traceId : traces.subList(traces.size() - 100, traces.size())) {
      if (cache.lookup(traceId) != DecisionCache.UNKNOWN) {
        found++;
      }
    }
    assertThat(cache.capacity()).isEqualTo(1024);
    // 100 recent ids in 1,024 slots: a handful may collide, most are still there.
    assertThat(found).isGreaterThan(80);
  }

  @Test
  void markError_isRememberedPerTrace() {
    DecisionCache cache = new DecisionCache(64);
    String traceId = ids.generateTraceId();
    cache.markError(traceId);

    assertThat(cache.hasErrorMark(traceId)).isTrue();
    assertThat(cache.hasErrorMark(ids.generateTraceId())).isFalse();
  }

  @Test
  void marks_areKeptApartAndPerTrace() {
    DecisionCache cache = new DecisionCache(64);
    String traceId = ids.generateTraceId();

    cache.markDecidedError(traceId);
    cache.markDownstream(traceId);

    assertThat(cache.hasDecidedErrorMark(traceId)).isTrue();
    assertThat(cache.hasDownstreamMark(traceId)).isTrue();
    assertThat(cache.hasErrorMark(traceId)).isFalse();
    assertThat(cache.lookup(traceId)).isEqualTo(DecisionCache.UNKNOWN);
    assertThat(cache.hasDownstreamMark(ids.generateTraceId())).isFalse();
  }

  @Test
  void lookup_idSharingOneHalfWithARecordedId_isUnknown() {
    DecisionCache cache = new DecisionCache(16);
    String recorded = "4bf92f3577b34da6a3ce929d0e0e4736";
    cache.record(recorded, true);

    // The same low half (so the same slot) with another high half, then the reverse.
    assertThat(cache.lookup("00f92f3577b34da6a3ce929d0e0e4736")).isEqualTo(DecisionCache.UNKNOWN);
    assertThat(cache.lookup("4bf92f3577b34da6a3ce929d0e0e4700")).isEqualTo(DecisionCache.UNKNOWN);
    assertThat(cache.lookup(recorded)).isEqualTo(DecisionCache.KEPT);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "4bf92f3577b34da6a3ce929d0e0e473",
        "4bf92f3577b34da6a3ce929d0e0e47361",
        "4bf92f3577b34da6a3ce929d0e0e473g",
        "4bf92f3577b34da6-3ce929d0e0e4736",
        "00000000000000000000000000000000"
      })
  void invalidIds_areNeverRemembered(String traceId) {
    DecisionCache cache = new DecisionCache(16);

    cache.record(traceId, true);
    cache.markError(traceId);
    cache.markDecidedError(traceId);
    cache.markDownstream(traceId);

    assertThat(cache.lookup(traceId)).isEqualTo(DecisionCache.UNKNOWN);
    assertThat(cache.hasErrorMark(traceId)).isFalse();
    assertThat(cache.hasDecidedErrorMark(traceId)).isFalse();
    assertThat(cache.hasDownstreamMark(traceId)).isFalse();
  }

  @Test
  void record_keepsNoReferenceToTheIdString() {
    DecisionCache cache = new DecisionCache(16);
    String traceId = new String(ids.generateTraceId().toCharArray());
    WeakReference<String> reference = new WeakReference<>(traceId);
    cache.record(traceId, true);
    cache.markError(traceId);
    String copy = new String(traceId.toCharArray());
    traceId = null;

    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              System.gc();
              return reference.get() == null;
            });
    assertThat(cache.lookup(copy)).isEqualTo(DecisionCache.KEPT);
    assertThat(cache.hasErrorMark(copy)).isTrue();
  }
}
