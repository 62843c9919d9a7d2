package dev.observability.tracing.internal;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.data.SpanData;

/** A span whose snapshot fails, standing for any bug on the recording path. */
final class BrokenSpan implements ReadableSpan {

  @Override
  public SpanContext getSpanContext() {
    return SpanContext.getInvalid();
  }

  @Override
  public SpanContext getParentSpanContext() {
    return SpanContext.getInvalid();
  }

  @Override
  public String getName() {
    return "broken";
  }

  @Override
  public SpanData toSpanData() {
    throw new IllegalStateException("snapshot failed");
  }

  @Override
  @Deprecated
  public InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
    return InstrumentationLibraryInfo.empty();
  }

  @Override
  public boolean hasEnded() {
    return true;
  }

  @Override
  public long getLatencyNanos() {
    return 0;
  }

  @Override
  public SpanKind getKind() {
    return SpanKind.INTERNAL;
  }

  @Override
  public <T> T getAttribute(AttributeKey<T> key) {
    return null;
  }
}
