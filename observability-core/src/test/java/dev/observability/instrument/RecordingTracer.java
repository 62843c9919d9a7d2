package dev.observability.instrument;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.TracerProvider;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.ContextPropagators;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The smallest recording implementation of the OpenTelemetry tracing API, because core's test class
 * path has the API but not the SDK. Records every ended span with its parent, kind, attributes,
 * status and exceptions.
 */
final class RecordingTracer implements Tracer, TracerProvider, OpenTelemetry {

  @Override
  public io.opentelemetry.api.trace.TracerBuilder tracerBuilder(String instrumentationScopeName) {
    return TracerProvider.super.tracerBuilder(instrumentationScopeName);
  }

  private final AtomicLong ids = new AtomicLong();
  final List<RecordedSpan> ended = new CopyOnWriteArrayList<>();

  @Override
  public SpanBuilder spanBuilder(String spanName) {
    return new Builder(spanName);
  }

  @Override
  public Tracer get(String instrumentationScopeName) {
    return this;
  }

  @Override
  public Tracer get(String instrumentationScopeName, String instrumentationScopeVersion) {
    return this;
  }

  @Override
  public TracerProvider getTracerProvider() {
    return this;
  }

  @Override
  public ContextPropagators getPropagators() {
    return ContextPropagators.noop();
  }

  RecordedSpan only() {
    if (ended.size() != 1) {
      throw new AssertionError("expected one ended span, got " + ended);
    }
    return ended.get(0);
  }

  /** An ended (or running) span. */
  final class RecordedSpan implements Span {
    final String name;
    final SpanKind kind;
    final @Nullable SpanContext parent;
    final SpanContext context;
    final Map<String, Object> attributes = new ConcurrentHashMap<>();
    final List<Throwable> exceptions = new CopyOnWriteArrayList<>();
    volatile StatusCode status = StatusCode.UNSET;

    RecordedSpan(String name, SpanKind kind, @Nullable SpanContext parent, Map<String, Object> a) {
      this.name = name;
      this.kind = kind;
      this.parent = parent;
      this.attributes.putAll(a);
      String traceId =
          parent != null
              ? parent.getTraceId()
              : String.format("%032x", ids.incrementAndGet() + 0x1000);
      this.context =
          SpanContext.create(
              traceId,
              String.format("%016x", ids.incrementAndGet() + 0x1000),
              TraceFlags.getSampled(),
              TraceState.getDefault());
    }

    @Override
    public <T> Span setAttribute(AttributeKey<T> key, T value) {
      attributes.put(key.getKey(), value);
      return this;
    }

    @Override
    public Span addEvent(String name, Attributes attributes) {
      return this;
    }

    @Override
    public Span addEvent(String name, Attributes attributes, long timestamp, TimeUnit unit) {
      return this;
    }

    @Override
    public Span setStatus(StatusCode statusCode, String description) {
      status = statusCode;
      return this;
    }

    @Override
    public Span recordException(Throwable exception, Attributes additionalAttributes) {
      exceptions.add(exception);
      return this;
    }

    @Override
    public Span updateName(String name) {
      return this;
    }

    @Override
    public void end() {
      ended.add(this);
    }

    @Override
    public void end(long timestamp, TimeUnit unit) {
      end();
    }

    @Override
    public SpanContext getSpanContext() {
      return context;
    }

    @Override
    public boolean isRecording() {
      return true;
    }

    @Override
    public String toString() {
      return name;
    }
  }

  private final class Builder implements SpanBuilder {
    private final String name;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();
    private SpanKind kind = SpanKind.INTERNAL;
    private @Nullable Context parent;
    private boolean noParent;

    Builder(String name) {
      this.name = name;
    }

    @Override
    public SpanBuilder setParent(Context context) {
      parent = context;
      return this;
    }

    @Override
    public SpanBuilder setNoParent() {
      noParent = true;
      return this;
    }

    @Override
    public SpanBuilder addLink(SpanContext spanContext) {
      return this;
    }

    @Override
    public SpanBuilder addLink(SpanContext spanContext, Attributes attributes) {
      return this;
    }

    @Override
    public SpanBuilder setAttribute(String key, String value) {
      attributes.put(key, value);
      return this;
    }

    @Override
    public SpanBuilder setAttribute(String key, long value) {
      attributes.put(key, value);
      return this;
    }

    @Override
    public SpanBuilder setAttribute(String key, double value) {
      attributes.put(key, value);
      return this;
    }

    @Override
    public SpanBuilder setAttribute(String key, boolean value) {
      attributes.put(key, value);
      return this;
    }

    @Override
    public <T> SpanBuilder setAttribute(AttributeKey<T> key, T value) {
      attributes.put(key.getKey(), value);
      return this;
    }

    @Override
    public SpanBuilder setSpanKind(SpanKind spanKind) {
      kind = spanKind;
      return this;
    }

    @Override
    public SpanBuilder setStartTimestamp(long startTimestamp, TimeUnit unit) {
      return this;
    }

    @Override
    public Span startSpan() {
      SpanContext parentContext = null;
      if (!noParent) {
        Span current = Span.fromContext(parent != null ? parent : Context.current());
        if (current.getSpanContext().isValid()) {
          parentContext = current.getSpanContext();
        }
      }
      return new RecordedSpan(name, kind, parentContext, attributes);
    }
  }
}
