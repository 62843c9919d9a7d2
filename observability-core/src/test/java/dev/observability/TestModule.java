package dev.observability;

import dev.observability.spi.ModuleContext;
import dev.observability.spi.ObservabilityModule;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A module found through {@code META-INF/services} in the test class path. Its behaviour is
 * switched by its own configuration keys so that each test can ask for what it needs.
 */
public final class TestModule implements ObservabilityModule {

  static final ConfigKey<Boolean> FAIL_START = ConfigKey.bool("test.fail-start", false);
  static final ConfigKey<Boolean> THROWING_HANDLER = ConfigKey.bool("test.throwing-handler", false);
  static final ConfigKey<Integer> LEVEL = ConfigKey.integer("test.level", 3, 1, 5);
  static final ConfigKey<String> CROSS = ConfigKey.string("test.cross", null);

  /** Events seen by the recording handler, across instances. */
  static final List<String> EVENTS = Collections.synchronizedList(new ArrayList<>());

  /** A feature the module offers through the facade. */
  public record Greeting(String text) {}

  @Override
  public String name() {
    return "test";
  }

  @Override
  public int order() {
    return 1000;
  }

  @Override
  public List<ConfigKey<?>> configKeys() {
    return List.of(FAIL_START, THROWING_HANDLER, LEVEL, CROSS);
  }

  @Override
  public List<String> validate(ObservabilityConfig config) {
    if (config.find(CROSS).isPresent() && config.get(LEVEL) < 2) {
      return List.of("test.cross needs test.level of 2 or more");
    }
    return List.of();
  }

  @Override
  public void start(ModuleContext context) {
    if (context.config().get(FAIL_START)) {
      throw new IllegalArgumentException("cannot reach the test backend");
    }
    context.provide(Greeting.class, new Greeting("hello from " + context.service().name()));
    if (context.config().get(THROWING_HANDLER)) {
      context.addObservationHandler(
          new ObservationHandler<Observation.Context>() {
            @Override
            public void onStart(Observation.Context ctx) {
              throw new IllegalStateException("handler bug on start");
            }

            @Override
            public void onStop(Observation.Context ctx) {
              throw new IllegalStateException("handler bug on stop");
            }

            @Override
            public boolean supportsContext(Observation.Context ctx) {
              return true;
            }
          });
    }
    context.addObservationHandler(
        new ObservationHandler<Observation.Context>() {
          @Override
          public void onStart(Observation.Context ctx) {
            EVENTS.add("start:" + ctx.getName());
          }

          @Override
          public void onError(Observation.Context ctx) {
            EVENTS.add("error:" + ctx.getName());
          }

          @Override
          public void onStop(Observation.Context ctx) {
            EVENTS.add("stop:" + ctx.getName());
          }

          @Override
          public boolean supportsContext(Observation.Context ctx) {
            return true;
          }
        });
    context.onClose(() -> EVENTS.add("closed"));
  }
}
