package dev.observability.instrument;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records what the spine tells handlers, for assertions. Thread-safe. */
final class RecordingHandler implements ObservationHandler<Observation.Context> {

  final List<String> events = new CopyOnWriteArrayList<>();
  final List<Observation.Context> started = new CopyOnWriteArrayList<>();
  final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

  @Override
  public void onStart(Observation.Context context) {
    started.add(context);
    events.add("start " + context.getName());
  }

  @Override
  public void onError(Observation.Context context) {
    Throwable error = context.getError();
    events.add(
        "error " + context.getName() + " " + (error == null ? "?" : error.getClass().getName()));
  }

  @Override
  public void onScopeOpened(Observation.Context context) {
    events.add("open " + context.getName());
  }

  @Override
  public void onScopeClosed(Observation.Context context) {
    events.add("close " + context.getName());
  }

  @Override
  public void onStop(Observation.Context context) {
    stopped.add(context);
    events.add("stop " + context.getName());
  }

  @Override
  public boolean supportsContext(Observation.Context context) {
    return true;
  }

  Observation.Context only() {
    if (stopped.size() != 1) {
      throw new AssertionError("expected one stopped observation, got " + events);
    }
    return stopped.get(0);
  }
}
