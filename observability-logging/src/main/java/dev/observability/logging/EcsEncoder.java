package dev.observability.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import dev.observability.logging.internal.EcsEventWriter;
import dev.observability.logging.internal.LogCounters;
import dev.observability.logging.internal.LoggingRuntime;
import dev.observability.logging.internal.ServiceFields;
import dev.observability.logging.internal.StackTraceRenderer;
import dev.observability.scrub.Scrubber;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A Logback encoder that writes each event as one line of Elastic Common Schema (ECS) JSON, so that
 * Filebeat or Elastic Agent ingest it into Elasticsearch with no pipeline: {@code @timestamp},
 * {@code log.level}, {@code message}, {@code ecs.version}, {@code service.name}, {@code
 * service.version}, {@code service.environment}, {@code event.dataset}, {@code
 * process.thread.name}, {@code log.logger}, {@code trace.id}, {@code span.id}, {@code
 * transaction.id}, {@code http.request.id}, {@code error.type}/{@code .message}/{@code
 * .stack_trace}, {@code http.*}, {@code url.*} and {@code event.duration} on the access line, and
 * every other key-value and MDC entry under {@code labels}. The field list, compared with Elastic's
 * own {@code logback-ecs-encoder}, is in {@code docs/logging.md}.
 *
 * <p>The logging module installs it with {@code logging.format=ecs}. It also works from {@code
 * logback.xml}:
 *
 * <pre>{@code
 * <appender name="ECS" class="ch.qos.logback.core.ConsoleAppender">
 *   <encoder class="dev.observability.logging.EcsEncoder"/>
 * </appender>
 * }</pre>
 *
 * <p>Scrubbing, bounds and failure handling are those of {@link JsonEncoder}: every message, label
 * value, exception message and stack trace passes the scrubber (the running instance's, or {@link
 * Scrubber#defaults()} before one runs); a line is at most {@link #setMaxEventSize max event size}
 * bytes, cut in the same order and then tagged {@code "tags":["truncated"]}; encoding never throws
 * (a failure goes to Logback's status manager, is counted in {@code
 * observability_log_encode_failures_total}, and the event is written as a minimal line tagged
 * {@code encoding_error}).
 *
 * <p>Configure through the setters, then {@link #start()}; after that, {@link #encode} is
 * thread-safe.
 */
public class EcsEncoder extends EncoderBase<ILoggingEvent> {

  private static final int REPORT_FIRST = 5;
  private static final int REPORT_EVERY = 1000;

  private int maxEventSize = JsonEncoder.DEFAULT_MAX_EVENT_SIZE;
  private boolean callerData;
  private int maxStackFrames = JsonEncoder.DEFAULT_MAX_STACK_FRAMES;
  private int maxCauses = JsonEncoder.DEFAULT_MAX_CAUSES;
  private int maxStackTraceLength = JsonEncoder.DEFAULT_MAX_STACK_TRACE_LENGTH;
  private @Nullable String service;
  private @Nullable String environment;
  private @Nullable String version;
  private @Nullable String eventDataset;
  private @Nullable Scrubber scrubber;

  private volatile @Nullable EcsEventWriter writer;
  private volatile @Nullable Fixed fixed;
  private final AtomicLong failures = new AtomicLong();

  /** Creates an encoder with the defaults; configure it with the setters, then start it. */
  public EcsEncoder() {}

  /**
   * Sets the cap on one line in bytes, newline included (default 16 KiB, at least 2 KiB).
   *
   * @param bytes the cap on one line, in bytes
   * @throws IllegalArgumentException when below 2048
   */
  public void setMaxEventSize(int bytes) {
    if (bytes < 2048) {
      throw new IllegalArgumentException("maxEventSize must be at least 2048, was " + bytes);
    }
    this.maxEventSize = bytes;
  }

  /**
   * Whether to write {@code log.origin.file.name}, {@code log.origin.file.line} and {@code
   * log.origin.function} (default off: they cost a stack walk per event).
   *
   * @param callerData true to write the origin fields
   */
  public void setCallerData(boolean callerData) {
    this.callerData = callerData;
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
   * Sets {@code service.name}; without it the running instance's service name is used.
   *
   * @param service the service name
   */
  public void setServiceName(String service) {
    this.service = Objects.requireNonNull(service, "service");
    this.fixed = null;
  }

  /**
   * Sets {@code service.environment}; without it the running instance's is used.
   *
   * @param environment the environment
   */
  public void setServiceEnvironment(String environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
    this.fixed = null;
  }

  /**
   * Sets {@code service.version}; without it the running instance's is used.
   *
   * @param version the service version
   */
  public void setServiceVersion(String version) {
    this.version = Objects.requireNonNull(version, "version");
    this.fixed = null;
  }

  /**
   * Sets {@code event.dataset}; without it {@code <service.name>.log}, as the ECS spec says.
   *
   * @param dataset the dataset
   */
  public void setEventDataset(String dataset) {
    this.eventDataset = Objects.requireNonNull(dataset, "dataset");
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
    return failures.get();
  }

  @Override
  public void start() {
    writer = newWriter();
    super.start();
  }

  private EcsEventWriter newWriter() {
    return new EcsEventWriter(
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
   * Encodes one event as an ECS JSON line ending in a newline. Never throws (except {@link
   * VirtualMachineError}).
   */
  @Override
  public byte[] encode(ILoggingEvent event) {
    try {
      EcsEventWriter w = writer;
      if (w == null) {
        w = newWriter();
        writer = w;
      }
      Scrubber s = scrubber;
      return w.encode(
          event, s != null ? s : LoggingRuntime.scrubber(), serviceFields(), eventDataset);
    } catch (VirtualMachineError e) {
      throw e;
    } catch (Throwable t) {
      return failed(event, t);
    }
  }

  private byte[] failed(ILoggingEvent event, Throwable error) {
    long n = failures.incrementAndGet();
    LogCounters.ENCODE_FAILURES.increment();
    try {
      if (n <= REPORT_FIRST) {
        addError("Could not encode a log event as ECS; wrote a minimal line instead", error);
      } else if (n % REPORT_EVERY == 0) {
        addWarn(n + " log events could not be encoded as ECS so far; latest: " + error);
      }
    } catch (RuntimeException | LinkageError ignored) {
      // Reporting must not fail the append.
    }
    return EcsEventWriter.minimalLine(event, error, serviceFields());
  }

  private ServiceFields serviceFields() {
    ServiceFields running = LoggingRuntime.service();
    if (service == null && environment == null && version == null) {
      return running;
    }
    // Values set here win; the others follow the running instance, which may start later.
    Fixed f = fixed;
    if (f == null || f.base() != running) {
      f =
          new Fixed(
              running,
              new ServiceFields(
                  service != null ? service : running.name(),
                  environment != null ? environment : running.environment(),
                  version != null ? version : running.version()));
      fixed = f;
    }
    return f.fields();
  }

  private record Fixed(ServiceFields base, ServiceFields fields) {}

  private static int requirePositive(int value, String name) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be at least 1, was " + value);
    }
    return value;
  }
}
