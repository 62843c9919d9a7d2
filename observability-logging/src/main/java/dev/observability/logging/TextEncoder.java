package dev.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.observability.internal.ScratchPool;
import dev.observability.logging.internal.Fields;
import dev.observability.logging.internal.LineSpan;
import dev.observability.logging.internal.LoggingRuntime;
import dev.observability.logging.internal.StackTraceRenderer;
import dev.observability.scrub.Scrubber;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.event.KeyValuePair;

/**
 * A human-readable Logback encoder for local development ({@code OBSERVABILITY_LOG_FORMAT=text}):
 *
 * <pre>
 * 2026-11-26T07:33:00.123Z INFO  [main] com.example.Orders - order created order_id=42
 *     trace_id=4bf9... span_id=00f0... request_id=req-1
 * </pre>
 *
 * <p>(on one line), followed by the stack trace, root cause first, on the next lines. Key-values,
 * MDC entries, messages and stack traces are scrubbed as in {@link JsonEncoder}; control characters
 * in the message are escaped so that one event stays one line (except its stack trace).
 *
 * <p>Configure through the setters, then {@link #start()}; {@link #encode} is thread-safe.
 */
public class TextEncoder extends EncoderBase<ILoggingEvent> {

  // One per platform thread, held softly; a few shared by virtual threads (see ScratchPool).
  private static final ScratchPool<Text> BUFFERS = new ScratchPool<>(Text::new);

  private static final int RETAIN_LIMIT = 64 * 1024;

  private int maxStackFrames = JsonEncoder.DEFAULT_MAX_STACK_FRAMES;
  private int maxCauses = JsonEncoder.DEFAULT_MAX_CAUSES;
  private int maxStackTraceLength = JsonEncoder.DEFAULT_MAX_STACK_TRACE_LENGTH;
  private @Nullable Scrubber scrubber;
  private volatile @Nullable StackTraceRenderer stackTraces;

  /** Creates an encoder with the defaults. */
  public TextEncoder() {}

  /**
   * Sets how many frames are printed per throwable (default 64).
   *
   * @param frames the most frames per throwable
   */
  public void setMaxStackFrames(int frames) {
    this.maxStackFrames = Math.max(1, frames);
  }

  /**
   * Sets how many throwables of a cause chain are printed (default 10).
   *
   * @param causes the most throwables per chain
   */
  public void setMaxCauses(int causes) {
    this.maxCauses = Math.max(1, causes);
  }

  /**
   * Sets the cap on the stack trace text in characters (default 8192).
   *
   * @param chars the most characters of stack trace text
   */
  public void setMaxStackTraceLength(int chars) {
    this.maxStackTraceLength = Math.max(1, chars);
  }

  /**
   * Sets the scrubber; without it the running instance's is used.
   *
   * @param scrubber the scrubber
   */
  public void setScrubber(Scrubber scrubber) {
    this.scrubber = Objects.requireNonNull(scrubber, "scrubber");
  }

  @Override
  public void start() {
    stackTraces = new StackTraceRenderer(maxStackFrames, maxCauses, maxStackTraceLength);
    super.start();
  }

  @Override
  public byte @Nullable [] headerBytes() {
    return null;
  }

  @Override
  public byte @Nullable [] footerBytes() {
    return null;
  }

  /** Encodes one event as a text line (plus its stack trace). Never throws. */
  @Override
  public byte[] encode(ILoggingEvent event) {
    Text text = BUFFERS.acquire();
    StringBuilder sb = text.sb;
    sb.setLength(0);
    try {
      write(event, sb);
      return sb.toString().getBytes(StandardCharsets.UTF_8);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      addWarn("Could not encode a log event as text", t);
      return (Instant.ofEpochMilli(event.getTimeStamp())
              + " "
              + event.getLevel()
              + " "
              + event.getLoggerName()
              + " - log event could not be encoded ("
              + t.getClass().getName()
              + ")\n")
          .getBytes(StandardCharsets.UTF_8);
    } finally {
      if (sb.capacity() > RETAIN_LIMIT) {
        text.sb = new StringBuilder(256);
      }
      BUFFERS.release(text);
    }
  }

  /** The line being written, kept between events. */
  private static final class Text extends ScratchPool.Scratch {
    StringBuilder sb = new StringBuilder(256);
  }

  private void write(ILoggingEvent event, StringBuilder sb) {
    Scrubber s = scrubber != null ? scrubber : LoggingRuntime.scrubber();
    String time = Instant.ofEpochMilli(event.getTimeStamp()).toString();
    // Instant prints no fraction on a whole second: keep the column width constant.
    sb.append(time.length() == 20 ? time.substring(0, 19) + ".000Z" : time).append(' ');
    String level = String.valueOf(event.getLevel());
    sb.append(level);
    for (int i = level.length(); i < 5; i++) {
      sb.append(' ');
    }
    sb.append(" [").append(event.getThreadName()).append("] ");
    sb.append(event.getLoggerName()).append(" - ");
    String message = event.getFormattedMessage();
    oneLine(s.scrub(message == null ? "" : message), sb);
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    if (pairs != null) {
      for (KeyValuePair pair : pairs) {
        if (pair == null || pair.key == null) {
          continue;
        }
        String value;
        if (pair.value == null) {
          value = "null";
        } else if (s.isSensitiveKey(pair.key)) {
          value = s.mask();
        } else {
          value = s.scrubValue(pair.key, safeToString(pair.value));
        }
        sb.append(' ');
        oneLine(pair.key, sb);
        sb.append('=');
        oneLine(value, sb);
      }
    }
    Map<String, String> mdc = event.getMDCPropertyMap();
    String traceId = null;
    String spanId = null;
    String requestId = null;
    if (mdc != null) {
      for (Map.Entry<String, String> entry : mdc.entrySet()) {
        String key = entry.getKey();
        if (key == null) {
          continue;
        }
        switch (key) {
          case Fields.TRACE_ID -> traceId = entry.getValue();
          case Fields.SPAN_ID -> spanId = entry.getValue();
          case Fields.REQUEST_ID -> requestId = entry.getValue();
          default -> {
            sb.append(' ');
            oneLine(key, sb);
            sb.append('=');
            String value = entry.getValue();
            oneLine(value == null ? "null" : s.scrubValue(key, value), sb);
          }
        }
      }
    }
    if (traceId == null) {
      SpanContext span = Span.current().getSpanContext();
      if (span.isValid()) {
        traceId = span.getTraceId();
        spanId = span.getSpanId();
      }
    } else if (!LogVolumeFilter.ACCESS_LOGGER.equals(event.getLoggerName())) {
      SpanContext inner = LineSpan.inner(traceId);
      if (inner != null) {
        spanId = inner.getSpanId();
      }
    }
    if (traceId != null) {
      sb.append(" trace_id=");
      oneLine(traceId, sb);
      if (spanId != null) {
        sb.append(" span_id=");
        oneLine(spanId, sb);
      }
    }
    if (requestId != null) {
      sb.append(" request_id=");
      oneLine(requestId, sb);
    }
    sb.append('\n');
    IThrowableProxy throwable = event.getThrowableProxy();
    StackTraceRenderer renderer = stackTraces;
    if (throwable != null) {
      if (renderer == null) {
        renderer = new StackTraceRenderer(maxStackFrames, maxCauses, maxStackTraceLength);
        stackTraces = renderer;
      }
      int start = sb.length();
      renderer.render(throwable, s, sb);
      if (sb.length() > start && sb.charAt(sb.length() - 1) != '\n') {
        sb.append('\n');
      }
    }
  }

  private static String safeToString(Object value) {
    try {
      return String.valueOf(value);
    } catch (RuntimeException | LinkageError e) {
      return "<toString() failed>";
    }
  }

  /** Appends {@code text} with CR, LF and other control characters escaped. */
  private static void oneLine(String text, StringBuilder sb) {
    for (int i = 0, n = text.length(); i < n; i++) {
      char c = text.charAt(i);
      if (c == '\n') {
        sb.append("\\n");
      } else if (c == '\r') {
        sb.append("\\r");
      } else if (c == '\t') {
        sb.append("\\t");
      } else if (c < 0x20 || c == '\u2028' || c == '\u2029' || c == 0x7f) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
  }
}
