package dev.observability.examples;

import dev.observability.instrument.Attribute;
import dev.observability.instrument.Instrumented;
import io.micrometer.core.annotation.Counted;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkout flow of the guide: validate the cart, take the payment, create the order, reserve
 * stock with the inventory service, send the confirmation. Each step is an {@code @Instrumented}
 * method, so each is a child span of {@code checkout} with its own timing.
 *
 * <p>A concrete class: the service gets an instrumented subclass from {@code
 * Instrumentation.subclass(...)} (Byte Buddy), so the calls {@code checkout} makes on itself are
 * recorded too, which an interface proxy could not do. Thread-safe.
 */
class CheckoutService {

  private static final Logger log = LoggerFactory.getLogger(CheckoutService.class);

  /** A confirmed order. */
  record Order(String id, long userId, double total, String paymentId, String reservationId) {}

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
    String reservationId = inventory.reserve(orderId, items);
    Order order = new Order(orderId, userId, total, paymentId, reservationId);
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
