package dev.observability.examples;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.observability.Observability;
import dev.observability.metrics.Metrics;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The example's endpoints, one servlet each. Each servlet is thread-safe. */
final class ApiServlets {

  private static final Logger log = LoggerFactory.getLogger(ApiServlets.class);
  private static final int MAX_BODY = 64 * 1024;

  private ApiServlets() {}

  static void json(HttpServletResponse resp, ObjectMapper json, int status, Object body)
      throws IOException {
    resp.setStatus(status);
    resp.setContentType("application/json");
    resp.setCharacterEncoding("UTF-8");
    json.writeValue(resp.getOutputStream(), body);
  }

  static @Nullable JsonNode readJson(HttpServletRequest req, ObjectMapper json) throws IOException {
    byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      return null;
    }
    try {
      JsonNode node = json.readTree(body);
      return node != null && node.isObject() ? node : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** {@code GET /}: says hello, inside an observed child operation. */
  static final class Hello extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient Observability obs;
    private final transient ObjectMapper json;

    Hello(Observability obs, ObjectMapper json) {
      this.obs = obs;
      this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      log.debug("composing a greeting for {}", req.getRemoteAddr());
      String greeting = obs.observe("greeting.compose", () -> "hello from " + obs.service().name());
      log.info("served greeting");
      json(resp, json, 200, Map.of("message", greeting));
    }
  }

  /** Anything no other servlet maps: 404. */
  static final class NotFound extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      resp.sendError(404);
    }
  }

  /**
   * {@code POST /api/register} with {@code {email, password, source}}: stores the user, logs "User
   * registered" with every submitted field (the password too, as a careless application would: the
   * scrubber masks it), counts {@code user_registrations_total{source}}.
   */
  static final class Register extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient UserStore store;
    private final transient Metrics metrics;
    private final transient ActiveUsers active;
    private final transient ObjectMapper json;

    Register(UserStore store, Metrics metrics, ActiveUsers active, ObjectMapper json) {
      this.store = store;
      this.metrics = metrics;
      this.active = active;
      this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      JsonNode body = readJson(req, json);
      String email = body == null ? "" : body.path("email").asText("");
      if (body == null || email.indexOf('@') <= 0 || email.length() > 320) {
        json(resp, json, 400, Map.of("error", "expected JSON {email, password, source}"));
        return;
      }
      String password = body.path("password").asText("");
      String source = body.path("source").asText("direct");
      long id = store.insertUser(email, source);
      log.atInfo()
          .setMessage("User registered")
          .addKeyValue("user_id", id)
          .addKeyValue("email", email)
          .addKeyValue("password", password)
          .addKeyValue("source", source)
          .log();
      metrics.counter("user_registrations_total", "source", source).increment();
      active.seen(id);
      json(resp, json, 201, Map.of("id", id));
    }
  }

  /** {@code GET /api/users/{id}}: one user from H2, 404 for unknown ids. */
  static final class Users extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient UserStore store;
    private final transient ActiveUsers active;
    private final transient ObjectMapper json;

    Users(UserStore store, ActiveUsers active, ObjectMapper json) {
      this.store = store;
      this.active = active;
      this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      String info = req.getPathInfo();
      long id;
      try {
        id = Long.parseLong(info == null ? "" : info.substring(1));
      } catch (NumberFormatException e) {
        json(resp, json, 404, Map.of("error", "no such user"));
        return;
      }
      Optional<UserStore.User> user = store.find(id);
      if (user.isEmpty()) {
        json(resp, json, 404, Map.of("error", "no such user"));
        return;
      }
      UserStore.User u = user.get();
      active.seen(u.id());
      json(resp, json, 200, Map.of("id", u.id(), "email", u.email(), "source", u.source()));
    }
  }

  /**
   * {@code POST /api/checkout} with {@code {user_id, items: [{sku, quantity, price}]}}: runs the
   * instrumented checkout (validate_cart, process_payment, create_order, inventory.reserve over
   * HTTP, send_confirmation); 201 with {@code "inventory":"reserved"}, or 200 with {@code
   * "inventory":"deferred"} when the inventory service failed and the checkout fell back.
   */
  static final class Checkout extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient CheckoutService checkout;
    private final transient ActiveUsers active;
    private final transient ObjectMapper json;

    Checkout(CheckoutService checkout, ActiveUsers active, ObjectMapper json) {
      this.checkout = checkout;
      this.active = active;
      this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      JsonNode body = readJson(req, json);
      List<Inventory.Item> items = new ArrayList<>();
      if (body != null) {
        for (JsonNode line : body.path("items")) {
          items.add(
              new Inventory.Item(
                  line.path("sku").asText(""),
                  line.path("quantity").asInt(0),
                  line.path("price").asDouble(-1)));
        }
      }
      boolean valid =
          body != null
              && body.path("user_id").canConvertToLong()
              && !items.isEmpty()
              && items.stream().allMatch(i -> !i.sku().isEmpty() && i.quantity() > 0);
      if (!valid) {
        json(resp, json, 400, Map.of("error", "expected JSON {user_id, items: [...]}"));
        return;
      }
      long userId = body.path("user_id").asLong();
      active.seen(userId);
      CheckoutService.Order order = checkout.checkout(userId, items);
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("order_id", order.id());
      reply.put("total", order.total());
      reply.put("inventory", order.inventory());
      if (order.reservationId() != null) {
        reply.put("reservation_id", order.reservationId());
      }
      // A deferred reservation is a fallback, not a new resource yet: 200 rather than 201.
      json(resp, json, order.deferred() ? 200 : 201, reply);
    }
  }

  /**
   * {@code POST /api/inventory/reserve}: the "inventory service" the checkout calls over HTTP. A
   * cart line with the sku {@code FAIL-INVENTORY} makes it fail with 503 (its own trace fragment is
   * kept for the error, and its response says so with {@code traceresponse}).
   */
  static final class InventoryReserve extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient ObjectMapper json;

    InventoryReserve(ObjectMapper json) {
      this.json = json;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      JsonNode body = readJson(req, json);
      if (body == null || !body.hasNonNull("order_id")) {
        json(resp, json, 400, Map.of("error", "expected JSON {order_id, items}"));
        return;
      }
      for (JsonNode line : body.path("items")) {
        if (CheckoutService.FAIL_INVENTORY_SKU.equals(line.path("sku").asText())) {
          log.atWarn()
              .setMessage("stock service unavailable")
              .addKeyValue("order_id", body.path("order_id").asText())
              .log();
          json(resp, json, 503, Map.of("error", "inventory unavailable"));
          return;
        }
      }
      String reservation = "res_" + UUID.randomUUID();
      log.atInfo()
          .setMessage("Inventory reserved")
          .addKeyValue("order_id", body.path("order_id").asText())
          .addKeyValue("lines", body.path("items").size())
          .log();
      json(resp, json, 200, Map.of("reservation_id", reservation));
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
      // The inventory's own status page, which the health check polls.
      json(resp, json, 200, Map.of("status", "ok"));
    }
  }

  /**
   * {@code GET /api/slow}: answers asynchronously after the tracing latency threshold, so the trace
   * is kept by the latency policy. Holds no request thread while it waits.
   */
  static final class Slow extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private final transient ScheduledExecutorService scheduler;
    private final transient ObjectMapper json;
    private final long delayMillis;

    Slow(ScheduledExecutorService scheduler, ObjectMapper json, Duration delay) {
      this.scheduler = scheduler;
      this.json = json;
      this.delayMillis = delay.toMillis();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      AsyncContext async = req.startAsync();
      async.setTimeout(delayMillis + 10_000);
      scheduler.schedule(
          () -> {
            try {
              json(
                  (HttpServletResponse) async.getResponse(),
                  json,
                  200,
                  Map.of("slept_ms", delayMillis));
            } catch (IOException | RuntimeException e) {
              log.warn("slow response failed", e);
            } finally {
              async.complete();
            }
          },
          delayMillis,
          TimeUnit.MILLISECONDS);
    }
  }

  /**
   * {@code GET /api/fail}: throws an exception whose message carries the request's query string (as
   * careless code does): a 500, one error event, a kept trace, and the query scrubbed in all of
   * them.
   */
  static final class Fail extends HttpServlet {
    private static final long serialVersionUID = 1L;

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
      // Written only when DEBUG is on, or (logging.debug-on-error) because this request fails.
      log.debug("sending the payment request {}", req.getQueryString());
      throw new IllegalStateException(
          "payment provider rejected the request: " + req.getQueryString());
    }
  }
}
