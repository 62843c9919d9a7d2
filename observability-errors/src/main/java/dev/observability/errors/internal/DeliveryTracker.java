package dev.observability.errors.internal;

import dev.observability.errors.internal.ErrorsMeters.FailureReason;
import io.sentry.AsyncHttpTransportFactory;
import io.sentry.DataCategory;
import io.sentry.Hint;
import io.sentry.ITransportFactory;
import io.sentry.RequestDetails;
import io.sentry.SentryEnvelope;
import io.sentry.SentryOptions;
import io.sentry.clientreport.DiscardReason;
import io.sentry.hints.SubmissionResult;
import io.sentry.protocol.SentryId;
import io.sentry.transport.ITransport;
import io.sentry.transport.RateLimiter;
import io.sentry.util.HintUtils;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Follows every event from capture to its outcome, so that what does not reach Sentry is counted by
 * reason and the number of events held for delivery is known.
 *
 * <p>Sentry's {@code AsyncHttpTransport} does the sending: one daemon thread, a queue bounded by
 * {@code maxQueueSize}, nothing written to disk. This class wraps its factory and its transport and
 * learns each event's outcome from three signals Sentry gives:
 *
 * <ul>
 *   <li>the event's hint carries a {@link Delivery} ({@link SubmissionResult}), which the sender
 *       thread marks success or failure when the request ends, and which the rate limiter marks
 *       failed when it drops the event;
 *   <li>the {@code onDiscard} callback names the reason of a drop (queue overflow, rate-limit
 *       back-off, send error, network error) on the thread that drops, just before the hint is
 *       marked or, for a full queue, instead of it;
 *   <li>at close, events still held are counted as lost to shutdown.
 * </ul>
 *
 * <p>The bound on held events is enforced here, with a slot reserved atomically before an event is
 * handed over and freed when its outcome is known: Sentry's own {@code maxQueueSize} check is a
 * check-then-act that concurrent callers can overshoot.
 *
 * <p>Thread-safe. {@link TrackingTransport#send} runs on the capturing thread (or, for an event
 * captured before Sentry's client was built, on the thread that builds it) and only enqueues.
 */
final class DeliveryTracker implements ITransportFactory, SentryOptions.OnDiscardCallback {

  private static final ThreadLocal<@Nullable DiscardReason> LAST_DISCARD = new ThreadLocal<>();

  private final ITransportFactory delegate;
  private final int capacity;
  private final Set<Delivery> unsettled = ConcurrentHashMap.newKeySet();
  private final AtomicInteger queued = new AtomicInteger();
  private final AtomicInteger maxQueued = new AtomicInteger();
  private volatile @Nullable ErrorsMeters meters;
  private volatile @Nullable RateLimiter rateLimiter;
  private volatile boolean closing;

  /** Tracks deliveries through Sentry's HTTP transport, holding at most {@code capacity}. */
  DeliveryTracker(int capacity) {
    this(new AsyncHttpTransportFactory(), capacity);
  }

  DeliveryTracker(ITransportFactory delegate, int capacity) {
    this.delegate = delegate;
    this.capacity = capacity;
  }

  /** Sets where outcomes are counted; called once, before the first event. */
  void countIn(ErrorsMeters meters) {
    this.meters = meters;
  }

  /** A new delivery for one event, to be passed to Sentry inside {@link #hint}. */
  Delivery begin() {
    Delivery delivery = new Delivery();
    unsettled.add(delivery);
    return delivery;
  }

  /**
   * Reserves a slot for {@code delivery}, whose event waits for Sentry's client to be built; with
   * every slot taken it is settled as a full queue and this answers false.
   */
  boolean hold(Delivery delivery) {
    if (reserve(delivery)) {
      return true;
    }
    settle(delivery, FailureReason.QUEUE_FULL);
    return false;
  }

  /** Settles a delivery whose event was dropped before reaching Sentry's client. */
  void drop(Delivery delivery) {
    settle(delivery, FailureReason.DROPPED);
  }

  /** The hint that carries {@code delivery} through Sentry's pipeline. */
  static Hint hint(Delivery delivery) {
    return HintUtils.createWithTypeCheckHint(delivery);
  }

  /** Settles a delivery whose event Sentry did not hand to the transport. */
  void afterCapture(Delivery delivery, SentryId id) {
    LAST_DISCARD.remove();
    if (SentryId.EMPTY_ID.equals(id)) {
      settle(delivery, FailureReason.DROPPED);
    }
  }

  /** Events accepted by the sender and not settled yet (queued or being sent). */
  int queued() {
    return queued.get();
  }

  /** The highest {@link #queued()} seen since start. */
  int maxQueued() {
    return maxQueued.get();
  }

  /**
   * Marks the start of close(): a failure without a named reason from now on is the sender being
   * stopped.
   */
  void closing() {
    closing = true;
  }

  /** Counts every delivery still unsettled as lost to shutdown. */
  void abandonUnsettled() {
    List<Delivery> left = new ArrayList<>(unsettled);
    for (Delivery delivery : left) {
      settle(delivery, FailureReason.SHUTDOWN);
    }
  }

  @Override
  public ITransport create(SentryOptions options, RequestDetails requestDetails) {
    ITransport transport = delegate.create(options, requestDetails);
    this.rateLimiter = transport.getRateLimiter();
    return new TrackingTransport(transport);
  }

  @Override
  public void execute(DiscardReason reason, DataCategory category, Long number) {
    if (category == DataCategory.Error) {
      LAST_DISCARD.set(reason);
    }
  }

  private void settle(Delivery delivery, @Nullable FailureReason failure) {
    if (delivery.done.getAndSet(true)) {
      return;
    }
    if (delivery.holdsSlot) {
      queued.decrementAndGet();
    }
    unsettled.remove(delivery);
    delivery.outcome = failure == null ? Delivery.SENT : Delivery.FAILED;
    ErrorsMeters m = meters;
    if (m != null) {
      if (failure == null) {
        m.sent();
      } else {
        m.failed(failure);
      }
    }
  }

  /** Reserves one of the {@code capacity} slots for {@code delivery}, or answers false. */
  private boolean reserve(Delivery delivery) {
    while (true) {
      int now = queued.get();
      if (now >= capacity) {
        return false;
      }
      if (queued.compareAndSet(now, now + 1)) {
        delivery.holdsSlot = true;
        maxQueued.accumulateAndGet(now + 1, Math::max);
        return true;
      }
    }
  }

  private FailureReason reasonOf(@Nullable DiscardReason discard) {
    if (discard == null && closing) {
      return FailureReason.SHUTDOWN;
    }
    if (discard == null) {
      // Sentry records no discard for a 429 answer: it is not the SDK that drops. It does start
      // a back-off for the category, which tells a 429 apart from other unsuccessful answers.
      RateLimiter limiter = rateLimiter;
      return limiter != null && limiter.isActiveForCategory(DataCategory.Error)
          ? FailureReason.RATE_LIMITED
          : FailureReason.HTTP_ERROR;
    }
    return switch (discard) {
      case QUEUE_OVERFLOW, CACHE_OVERFLOW, BACKPRESSURE -> FailureReason.QUEUE_FULL;
      case RATELIMIT_BACKOFF -> FailureReason.RATE_LIMITED;
      case NETWORK_ERROR -> FailureReason.NETWORK_ERROR;
      case SEND_ERROR -> FailureReason.HTTP_ERROR;
      default -> FailureReason.DROPPED;
    };
  }

  /** One event's way through the sender; Sentry sees it as the hint's submission result. */
  final class Delivery implements SubmissionResult {
    static final int SENT = 1;
    static final int FAILED = 2;

    final AtomicBoolean done = new AtomicBoolean();
    volatile boolean holdsSlot;
    volatile int outcome;

    /** Whether the event is known not to have reached Sentry. */
    boolean failed() {
      return outcome == FAILED;
    }

    @Override
    public void setResult(boolean ok) {
      if (ok) {
        LAST_DISCARD.remove();
        settle(this, null);
      } else {
        DiscardReason discard = LAST_DISCARD.get();
        LAST_DISCARD.remove();
        settle(this, reasonOf(discard));
      }
    }

    @Override
    public boolean isSuccess() {
      return outcome == SENT;
    }
  }

  private final class TrackingTransport implements ITransport {
    private final ITransport transport;

    TrackingTransport(ITransport transport) {
      this.transport = transport;
    }

    @Override
    public void send(SentryEnvelope envelope, Hint hint) throws IOException {
      Object sdkHint = HintUtils.getSentrySdkHint(hint);
      Delivery delivery = sdkHint instanceof Delivery d ? d : null;
      // An event held while the client was built already has its slot.
      if (delivery != null && !delivery.holdsSlot && !reserve(delivery)) {
        settle(delivery, FailureReason.QUEUE_FULL);
        return;
      }
      LAST_DISCARD.remove();
      boolean handedOver = false;
      try {
        transport.send(envelope, hint);
        handedOver = true;
      } finally {
        DiscardReason discard = LAST_DISCARD.get();
        LAST_DISCARD.remove();
        if (delivery != null) {
          if (!handedOver) {
            settle(delivery, FailureReason.DROPPED);
          } else if (discard != null) {
            // Dropped on the spot: Sentry's back-off marks the hint (already settled then), its
            // queue check does not; the discard names both.
            settle(delivery, reasonOf(discard));
          }
        }
      }
    }

    @Override
    public boolean isHealthy() {
      return transport.isHealthy();
    }

    @Override
    public void flush(long timeoutMillis) {
      transport.flush(timeoutMillis);
    }

    @Override
    public @Nullable RateLimiter getRateLimiter() {
      return transport.getRateLimiter();
    }

    @Override
    public void close(boolean isRestarting) throws IOException {
      transport.close(isRestarting);
    }

    @Override
    public void close() throws IOException {
      transport.close();
    }
  }
}
