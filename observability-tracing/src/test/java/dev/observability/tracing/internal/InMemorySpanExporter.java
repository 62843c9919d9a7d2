package dev.observability.tracing.internal;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/** Keeps exported spans in memory; the result of each export can be chosen. */
final class InMemorySpanExporter implements SpanExporter {

  private final List<SpanData> spans = new CopyOnWriteArrayList<>();
  private volatile Supplier<CompletableResultCode> result = CompletableResultCode::ofSuccess;

  /** Makes later exports return {@code next} (after keeping the spans). */
  void respondWith(Supplier<CompletableResultCode> next) {
    this.result = next;
  }

  List<SpanData> spans() {
    return List.copyOf(spans);
  }

  @Override
  public CompletableResultCode export(Collection<SpanData> batch) {
    spans.addAll(batch);
    return result.get();
  }

  @Override
  public CompletableResultCode flush() {
    return CompletableResultCode.ofSuccess();
  }

  @Override
  public CompletableResultCode shutdown() {
    return CompletableResultCode.ofSuccess();
  }
}
