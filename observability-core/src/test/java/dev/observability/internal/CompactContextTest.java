package dev.observability.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The inline entries behave as Micrometer's map does, past the inline slots too. */
class CompactContextTest {

  /** The same operations on a plain context, for comparison. */
  private static List<Object> script(Observation.Context c) {
    List<Object> seen = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      c.put("k" + i, "v" + i);
    }
    c.put("k3", "v3b");
    seen.add(c.get("k3"));
    seen.add(c.get("k11"));
    seen.add(c.remove("k2"));
    seen.add(c.get("k2"));
    seen.add(c.containsKey("k2"));
    seen.add(c.remove("k10"));
    seen.add(c.containsKey("k10"));
    seen.add(c.getOrDefault("k2", "default"));
    seen.add(c.computeIfAbsent("k2", k -> "computed"));
    seen.add(c.computeIfAbsent("k2", k -> "again"));
    seen.add(c.computeIfAbsent("k12", k -> "late"));
    seen.add(c.computeIfAbsent("k13", k -> null));
    seen.add(c.containsKey("k13"));
    seen.add(c.<Object>getOrDefault("k12", "default"));
    c.put(String.class, 42);
    seen.add(c.get(String.class));
    seen.add(c.get(Integer.class));
    seen.add(c.get(new StringBuilder("k0").toString()));
    seen.add(c.getRequired("k0"));
    c.clear();
    seen.add(c.get("k0"));
    seen.add(c.get("k11"));
    c.put("k0", "fresh");
    seen.add(c.get("k0"));
    return seen;
  }

  @Test
  void everyOperation_givesWhatMicrometersMapGives_inlineAndPastTheSlots() {
    assertThat(script(new CompactContext())).isEqualTo(script(new Observation.Context()));
  }

  /** A key equal to another instance of itself, as a user's key may be. */
  private record Key(String name) {}

  /** Keys of several types side by side in the slots, looked up by equal and by other keys. */
  private static List<Object> keyTypesScript(Observation.Context c) {
    List<Object> seen = new ArrayList<>();
    c.put(new Key("a"), "record");
    c.put(Key.class, "class");
    c.put(new StringBuilder("name").toString(), "string");
    c.put(7L, "long");
    seen.add(c.get(new Key("a")));
    seen.add(c.get(new Key("b")));
    seen.add(c.get(Key.class));
    seen.add(c.get(Long.class));
    seen.add(c.get("name"));
    seen.add(c.get("other"));
    seen.add(c.get(7L));
    seen.add(c.get(7));
    seen.add(c.remove(new Key("a")));
    seen.add(c.containsKey(new Key("a")));
    seen.add(c.computeIfAbsent(new Key("a"), k -> "again"));
    seen.add(c.get(new Key("a")));
    return seen;
  }

  @Test
  void keysOfEveryType_areFoundByEquality_asTheMapFindsThem() {
    assertThat(keyTypesScript(new CompactContext()))
        .isEqualTo(keyTypesScript(new Observation.Context()))
        .containsExactly(
            "record", null, "class", null, "string", null, "long", null, "record", false, "again",
            "again");
  }

  /** Key values through every way to add and remove them, read back by every getter. */
  private static List<Object> keyValueScript(Observation.Context c) {
    List<Object> seen = new ArrayList<>();
    seen.add(c.getLowCardinalityKeyValues());
    seen.add(c.getHighCardinalityKeyValues());
    seen.add(c.getAllKeyValues());
    seen.add(c.getLowCardinalityKeyValue("a"));
    c.addLowCardinalityKeyValue(KeyValue.of("a", "1"));
    seen.add(c.getLowCardinalityKeyValues());
    seen.add(c.getHighCardinalityKeyValues());
    seen.add(c.getLowCardinalityKeyValue("a"));
    c.addHighCardinalityKeyValue(KeyValue.of("h", "x"));
    seen.add(c.getHighCardinalityKeyValue("h"));
    c.addLowCardinalityKeyValues(KeyValues.of("b", "2", "c", "3"));
    c.addHighCardinalityKeyValues(KeyValues.of("i", "y"));
    seen.add(c.getAllKeyValues());
    c.removeLowCardinalityKeyValues("a", "b");
    c.removeHighCardinalityKeyValue("h");
    seen.add(c.getLowCardinalityKeyValues());
    seen.add(c.getHighCardinalityKeyValues());
    seen.add(c.getAllKeyValues());
    return seen;
  }

  @Test
  void keyValues_readAsMicrometersMapsGiveThem_beforeAndAfterTheFirst() {
    CompactContext compact = new CompactContext();

    assertThat(keyValueScript(compact)).isEqualTo(keyValueScript(new Observation.Context()));
    assertThat(new CompactContext().getLowCardinalityKeyValues()).isSameAs(KeyValues.empty());
    assertThat(new CompactContext().getHighCardinalityKeyValues()).isSameAs(KeyValues.empty());
  }

  @Test
  void nullKeyOrValue_isRefusedAsByTheMap_andMissingRequiredNamesTheKey() {
    CompactContext context = new CompactContext();

    assertThatThrownBy(() -> context.put("key", null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> context.getRequired("missing"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Context does not have an entry for key [missing]");
  }

  @Test
  void toString_listsTheInlineEntries() {
    CompactContext context = new CompactContext();
    context.put("span", "abc");

    assertThat(context.toString()).contains("entries=[span='abc']");
  }

  @Test
  void readersWhileTheArrayGrows_seeEveryEntryPutBeforeAndNeverFail() throws Exception {
    for (int round = 0; round < 500; round++) {
      CompactContext context = new CompactContext();
      context.put("k0", "v0");
      AtomicInteger wrong = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      List<Thread> readers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread reader =
            new Thread(
                () -> {
                  try {
                    go.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < 200; i++) {
                      if (!"v0".equals(context.get("k0")) || !context.containsKey("k0")) {
                        wrong.incrementAndGet();
                      }
                      context.get("k" + (i % 12));
                      context.toString();
                    }
                  } catch (RuntimeException e) {
                    failed.incrementAndGet();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                });
        readers.add(reader);
        reader.start();
      }
      go.countDown();
      for (int i = 1; i < 12; i++) {
        context.put("k" + i, "v" + i);
      }
      for (Thread reader : readers) {
        reader.join(TimeUnit.SECONDS.toMillis(10));
      }
      assertThat(failed.get()).isZero();
      assertThat(wrong.get()).isZero();
      for (int i = 0; i < 12; i++) {
        assertThat(context.<String>get("k" + i)).isEqualTo("v" + i);
      }
    }
  }

  @Test
  void concurrentWriters_everyEntryVisibleToEveryReader() throws Exception {
    for (int round = 0; round < 200; round++) {
      CompactContext context = new CompactContext();
      int threads = 4;
      CountDownLatch go = new CountDownLatch(1);
      AtomicInteger missing = new AtomicInteger();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        Thread worker =
            new Thread(
                () -> {
                  try {
                    go.await(10, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  for (int i = 0; i < 4; i++) {
                    String key = id + ":" + i;
                    context.put(key, key);
                    if (!key.equals(context.get(key))) {
                      missing.incrementAndGet();
                    }
                    context.computeIfAbsent("shared", k -> "first");
                  }
                });
        workers.add(worker);
        worker.start();
      }
      go.countDown();
      for (Thread worker : workers) {
        worker.join(TimeUnit.SECONDS.toMillis(10));
      }
      assertThat(missing.get()).isZero();
      for (int t = 0; t < threads; t++) {
        for (int i = 0; i < 4; i++) {
          assertThat(context.<String>get(t + ":" + i)).isEqualTo(t + ":" + i);
        }
      }
      assertThat(context.<String>get("shared")).isEqualTo("first");
    }
  }

  @Test
  void sdkObservation_stampsTheStartBeforeTheHandlersRun_micrometersDoesNot() {
    List<Object> seen = new ArrayList<>();
    FacadeObservationRegistry registry = new FacadeObservationRegistry();
    registry
        .observationConfig()
        .observationHandler(
            new io.micrometer.observation.ObservationHandler<Observation.Context>() {
              @Override
              public boolean supportsContext(Observation.Context context) {
                return true;
              }

              @Override
              public void onStart(Observation.Context context) {
                CompactContext compact = (CompactContext) context;
                seen.add(compact.isStarted());
                seen.add(compact.startNanos());
              }
            });
    registry.seal();
    assertThat(registry.isDirect()).isTrue();
    CompactContext context = new CompactContext();
    assertThat(context.isStarted()).isFalse();

    long before = System.nanoTime();
    registry.observation("work", context).start().stop();
    long after = System.nanoTime();

    assertThat(seen.get(0)).isEqualTo(true);
    assertThat((Long) seen.get(1)).isBetween(before, after);
    assertThat(context.startNanos()).isEqualTo(seen.get(1));

    // Micrometer's own observation (a configuration the SDK does not drive) stamps nothing.
    seen.clear();
    CompactContext micrometers = new CompactContext();
    Observation.createNotStarted("work", () -> micrometers, registry).start().stop();
    assertThat(seen).containsExactly(false, 0L);
  }
}
