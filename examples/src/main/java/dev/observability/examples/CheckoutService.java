package dev.observability.examples;

import dev.observability.instrument.Attribute;
import dev.observability.instrument.Instrumented;
import io.micrometer.core.annotation.Counted;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkout flow of the guide: validate the cart, take the payment, create the order, reserve
 * stock with the inventory service, send the confirmation. Each step is an {@code @Instrumented}
 * method, so each is a child span of {@code checkout} with its own timing.
 *
 * <p>When the inventory service fails (a cart with the sku {@value #FAIL_INVENTORY_SKU} makes it
 * answer 503), the checkout falls back: the order is taken and its reservation deferred. The
 * request succeeds, yet its trace is kept, because the inventory's response says it kept its own
 * part ({@code traceresponse}): the whole trace of a handled failure reaches the backend.
 *
 * <p>A concrete class: the service gets an instrumented subclass from {@code
 * Instrumentation.subclass(...)} (Byte Buddy), so the calls {@code checkout} makes on itself are
 * recorded too, which an interface proxy could not do. Thread-safe.
 */
class CheckoutService {

  private static final Logger log = LoggerFactory.getLogger(CheckoutService.class);

  /** A confirmed order. */
  record Order(
      String id,
      long userId,
      double total,
      String paymentId,
      @Nullable String reservationId,
      String inventory) {

    /** Whether the stock reservation was deferred because the inventory service failed. */
    boolean deferred() {
      return DEFERRED.equals(inventory);
    }
  }

  /** The sku that makes the example's inventory service fail with 503. */
  static final String FAIL_INVENTORY_SKU = "FAIL-INVENTORY";

  /** The order's inventory state when the reservation succeeded. */
  static final String RESERVED = "reserved";

  /** The order's inventory state when the inventory service failed and the checkout fell back. */
  static final String DEFERRED = "deferred";

  private final UserStore store;
  private final Inventory inventory;

  CheckoutService(UserStore store, Inventory inventory) {
    this.store = store;
    this.inventory = inventory;
  }

  /** Runs the whole checkout for {@code userId}. */
  @Instrumented(
      name = "checkout",
      tags = {"flow=web"})
  public Order checkout(@Attribute("user.id") long userId, List<Inventory.Item> items) {
    double total = validateCart(items);
    String paymentId = processPayment(userId, total);
    String orderId = createOrder(userId, total, paymentId);
    log.debug("order {} created, reserving {} cart lines", orderId, items.size());
    String reservationId = inventory.reserve(orderId, items);
    String state = RESERVED;
    if (reservationId == null) {
      // The inventory service is unavailable: take the order anyway and reserve the stock later.
      state = DEFERRED;
      log.atWarn()
          .setMessage("inventory unavailable, reservation deferred")
          .addKeyValue("order_id", orderId)
          .log();
    }
    Order order = new Order(orderId, userId, total, paymentId, reservationId, state);
    sendConfirmation(order);
    return order;
  }

  /** Checks quantities and prices; returns the total. */
  @Instrumented(name = "validate_cart")
  protected double validateCart(List<Inventory.Item> items) {
    double total = 0;
    for (Inventory.Item item : items) {
      if (item.quantity() <= 0 || item.price() < 0) {
        throw new IllegalArgumentException("invalid cart line for " + item.sku());
      }
      total += item.quantity() * item.price();
    }
    return Math.round(total * 100) / 100.0;
  }

  /** Takes the payment; returns the payment id. */
  @Instrumented(
      name = "process_payment",
      tags = {"provider=demo"})
  protected String processPayment(long userId, @Attribute("cart.total") double total) {
    return "pay_" + Long.toHexString(Double.doubleToLongBits(total) ^ userId);
  }

  /** Stores the order; returns its id. */
  @Instrumented(name = "create_order")
  protected String createOrder(long userId, double total, String paymentId) {
    String orderId = UUID.randomUUID().toString();
    store.insertOrder(orderId, userId, total, paymentId);
    return orderId;
  }

  /** Sends the confirmation (logs it, in this example). */
  @Instrumented(name = "send_confirmation")
  @Counted("confirmations.sent")
  protected void sendConfirmation(Order order) {
    log.atInfo()
        .setMessage("Order confirmation sent")
        .addKeyValue("order_id", order.id())
        .addKeyValue("total", order.total())
        .log();
  }
}
