package dev.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.observability.logging.internal.EncoderFailures;
import dev.observability.logging.internal.JsonEventWriter;
import dev.observability.logging.internal.LoggingRuntime;
import dev.observability.logging.internal.ServiceFields;
import dev.observability.logging.internal.StackTraceRenderer;
import dev.observability.scrub.Scrubber;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A Logback encoder that writes each event as one line of JSON, UTF-8, with the fields of the
 * log-line contract ({@code docs/signals.md}): {@code timestamp}, {@code level}, {@code logger},
 * {@code thread}, {@code service}, {@code environment}, {@code version}, {@code trace_id}, {@code
 * span_id}, {@code request_id}, {@code message}, the SLF4J 2 key-values and MDC entries at top
 * level with their JSON types kept, and {@code exception} as {@code {type, message, stacktrace}}.
 *
 * <p>The logging module builds one from the facade's configuration. It also works from {@code
 * logback.xml}:
 *
 * <pre>{@code
 * <appender name="JSON" class="ch.qos.logback.core.ConsoleAppender">
 *   <encoder class="dev.observability.logging.JsonEncoder">
 *     <maxEventSize>16384</maxEventSize>
 *     <callerData>false</callerData>
 *   </encoder>
 * </appender>
 * }</pre>
 *
 * <p>Without an explicit scrubber, service, environment or version, the encoder uses those of the
 * running {@link dev.observability.Observability} instance (published by its logging module), and
 * before one runs (or with the logging module disabled) the scrubber's default policy ({@link
 * Scrubber#defaults()}) and {@code unknown_service:java}.
 *
 * <p>Every message, key-value, MDC value, exception message and stack trace passes through the
 * scrubber. Output is bounded: a line is at most {@link #setMaxEventSize max event size} bytes and
 * is then marked {@code "truncated":true}. Encoding never throws: a failure is reported to
 * Logback's status manager and the event is written as a minimal valid line.
 *
 * <p>Configure through the setters, then {@link #start()}; after that, {@link #encode} is
 * thread-safe and allocates little more than the returned array.
 */
public class JsonEncoder extends EncoderBase<ILoggingEvent> {

  /** Default cap on one line, in bytes. */
  public static final int DEFAULT_MAX_EVENT_SIZE = 16 * 1024;

  /** Default number of frames printed per throwable. */
  public static final int DEFAULT_MAX_STACK_FRAMES = 64;

  /** Default number of throwables of a cause chain printed. */
  public static final int DEFAULT_MAX_CAUSES = 10;

  /** Default cap on the stack trace text, in characters. */
  public static final int DEFAULT_MAX_STACK_TRACE_LENGTH = 8 * 1024;

  private int maxEventSize = DEFAULT_MAX_EVENT_SIZE;
  private boolean callerData;
  private int maxStackFrames = DEFAULT_MAX_STACK_FRAMES;
  private int maxCauses = DEFAULT_MAX_CAUSES;
  private int maxStackTraceLength = DEFAULT_MAX_STACK_TRACE_LENGTH;
  private @Nullable String service;
  private @Nullable String environment;
  private @Nullable String version;
  private @Nullable Scrubber scrubber;

  private volatile @Nullable JsonEventWriter writer;
  private volatile @Nullable Fixed fixedService;
  private final EncoderFailures failures = new EncoderFailures(this);

  /** Creates an encoder with the defaults; configure it with the setters, then start it. */
  public JsonEncoder() {}

  /**
   * Sets the cap on one line in bytes, newline included (default 16 KiB, at least 2 KiB).
   *
   * @param bytes the cap on one line, in bytes
   * @throws IllegalArgumentException when below 2048
   */
  public void setMaxEventSize(int bytes) {
    if (bytes < JsonEventWriter.MIN_EVENT_SIZE) {
      throw new IllegalArgumentException(
          "maxEventSize must be at least " + JsonEventWriter.MIN_EVENT_SIZE + ", was " + bytes);
    }
    this.maxEventSize = bytes;
  }

  /**
   * The cap on one line, in bytes.
   *
   * @return the cap in bytes
   */
  public int getMaxEventSize() {
    return maxEventSize;
  }

  /**
   * Whether to write the caller fields {@code module} (class), {@code function} (method) and {@code
   * line} (default off: they cost a stack walk per event).
   *
   * @param callerData true to write the caller fields
   */
  public void setCallerData(boolean callerData) {
    this.callerData = callerData;
  }

  /**
   * Whether caller fields are written.
   *
   * @return true when caller fields are written
   */
  public boolean isCallerData() {
    return callerData;
  }

  /**
   * Sets how many frames are printed per throwable (default 64).
   *
   * @param frames the most frames per throwable
   */
  public void setMaxStackFrames(int frames) {
    this.maxStackFrames = requirePositive(frames, "maxStackFrames");
  }

  /**
   * Sets how many throwables of a cause chain are printed (default 10).
   *
   * @param causes the most throwables per chain
   */
  public void setMaxCauses(int causes) {
    this.maxCauses = requirePositive(causes, "maxCauses");
  }

  /**
   * Sets the cap on the stack trace text in characters (default 8192).
   *
   * @param chars the most characters of stack trace text
   */
  public void setMaxStackTraceLength(int chars) {
    this.maxStackTraceLength = requirePositive(chars, "maxStackTraceLength");
  }

  /**
   * Sets the {@code service} field; without it the running instance's service name is used.
   *
   * @param service the service name
   */
  public void setService(String service) {
    this.service = Objects.requireNonNull(service, "service");
    this.fixedService = null;
  }

  /**
   * Sets the {@code environment} field.
   *
   * @param environment the environment
   */
  public void setEnvironment(String environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.fixedService = null;
  }

  /**
   * Sets the {@code version} field.
   *
   * @param version the service version
   */
  public void setVersion(String version) {
    this.version = Objects.requireNonNull(version, "version");
    this.fixedService = null;
  }

  /**
   * Sets the scrubber; without it the running instance's is used (or the scrubber's defaults when
   * none runs).
   *
   * @param scrubber the scrubber
   */
  public void setScrubber(Scrubber scrubber) {
    this.scrubber = Objects.requireNonNull(scrubber, "scrubber");
  }

  /**
   * How many events could not be encoded normally and were written as a minimal line.
   *
   * @return the number of events written as a minimal line
   */
  public long getFailureCount() {
    return failures.count();
  }

  @Override
  public void start() {
    writer = newWriter();
    super.start();
  }

  private JsonEventWriter newWriter() {
    return new JsonEventWriter(
        maxEventSize,
        callerData,
        new StackTraceRenderer(maxStackFrames, maxCauses, maxStackTraceLength));
  }

  @Override
  public byte @Nullable [] headerBytes() {
    return null;
  }

  @Override
  public byte @Nullable [] footerBytes() {
    return null;
  }

  /**
   * Encodes one event as a JSON line ending in a newline. Never throws (except {@link
   * VirtualMachineError}).
   */
  @Override
  public byte[] encode(ILoggingEvent event) {
    try {
      JsonEventWriter w = writer;
      if (w == null) {
        w = newWriter();
        writer = w;
      }
      return w.encode(event, scrubber(), serviceFields());
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return failures.failed(event, t, serviceFields(), maxEventSize);
    }
  }

  /**
   * Writes one event as a JSON line straight to {@code out}, without allocating the array that
   * {@link #encode(ILoggingEvent)} returns; for appenders that own a stream. A failure to encode is
   * handled as in {@link #encode(ILoggingEvent)}.
   *
   * @param event the event
   * @param out the stream the line is written to
   * @throws IOException only from {@code out}
   */
  public void encode(ILoggingEvent event, OutputStream out) throws IOException {
    JsonEventWriter w = writer;
    if (w == null) {
      w = newWriter();
      writer = w;
    }
    try {
      w.encodeTo(event, scrubber(), serviceFields(), out);
    } catch (IOException | VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      out.write(failures.failed(event, t, serviceFields(), maxEventSize));
    }
  }

  private Scrubber scrubber() {
    Scrubber s = scrubber;
    return s != null ? s : LoggingRuntime.scrubber();
  }

  private ServiceFields serviceFields() {
    Fixed fixed = fixedService;
    if (fixed != null && fixed.complete()) {
      return fixed.fields();
    }
    ServiceFields running = LoggingRuntime.service();
    if (service == null && environment == null && version == null) {
      return running;
    }
    // Values set here win; the others follow the running instance, which may start later.
    if (fixed == null || fixed.base() != running) {
      fixed =
          new Fixed(
              service != null && environment != null && version != null,
              running,
              new ServiceFields(
                  service != null ? service : running.name(),
                  environment != null ? environment : running.environment(),
                  version != null ? version : running.version()));
      fixedService = fixed;
    }
    return fixed.fields();
  }

  private record Fixed(boolean complete, ServiceFields base, ServiceFields fields) {}

  private static int requirePositive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }
}
