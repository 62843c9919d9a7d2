package dev.observability.examples;

import io.opentelemetry.instrumentation.annotations.SpanAttribute;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The inventory service the checkout reserves stock with. Instrumented as an interface proxy; its
 * method carries OpenTelemetry's own {@code @WithSpan}, which core honours without an agent.
 */
interface Inventory {

  /** One line of a cart. */
  record Item(String sku, int quantity, double price) {}

  /**
   * Reserves {@code items} for an order.
   *
   * @return the reservation id, or null when the inventory service is unavailable (5xx)
   */
  @WithSpan("inventory.reserve")
  @Nullable String reserve(@SpanAttribute("order.id") String orderId, List<Item> items);
}
