package dev.observability.logging.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.logs.Severity;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.logs.data.LogRecordData;
import io.opentelemetry.sdk.resources.Resource;
import org.jspecify.annotations.Nullable;

/** One log record as the OTLP exporter reads it: an immutable value, built on the export thread. */
final class OtlpLogRecord implements LogRecordData {

  private final Resource resource;
  private final InstrumentationScopeInfo scope;
  private final long epochNanos;
  private final long observedNanos;
  private final SpanContext span;
  private final Severity severity;
  private final @Nullable String severityText;
  private final String body;
  private final Attributes attributes;
  private final int totalAttributes;

  OtlpLogRecord(
      Resource resource,
      InstrumentationScopeInfo scope,
      long epochNanos,
      long observedNanos,
      SpanContext span,
      Severity severity,
      @Nullable String severityText,
      String body,
      Attributes attributes,
      int totalAttributes) {
    this.resource = resource;
    this.scope = scope;
    this.epochNanos = epochNanos;
    this.observedNanos = observedNanos;
    this.span = span;
    this.severity = severity;
    this.severityText = severityText;
    this.body = body;
    this.attributes = attributes;
    this.totalAttributes = totalAttributes;
  }

  @Override
  public Resource getResource() {
    return resource;
  }

  @Override
  public InstrumentationScopeInfo getInstrumentationScopeInfo() {
    return scope;
  }

  @Override
  public long getTimestampEpochNanos() {
    return epochNanos;
  }

  @Override
  public long getObservedTimestampEpochNanos() {
    return observedNanos;
  }

  @Override
  public SpanContext getSpanContext() {
    return span;
  }

  @Override
  public Severity getSeverity() {
    return severity;
  }

  @Override
  public @Nullable String getSeverityText() {
    return severityText;
  }

  /** The SDK's interface still declares this; {@link #getBodyValue()} is what exporters read. */
  @Override
  @Deprecated
  @SuppressWarnings("deprecation")
  public io.opentelemetry.sdk.logs.data.Body getBody() {
    return io.opentelemetry.sdk.logs.data.Body.string(body);
  }

  @Override
  public Value<?> getBodyValue() {
    return Value.of(body);
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return totalAttributes;
  }

  @Override
  public String toString() {
    return "OtlpLogRecord{scope=" + scope.getName() + ", severity=" + severity + "}";
  }
}
