package dev.observability.examples.spring;

import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** The service's endpoints. Thread-safe. */
@RestController
public class ApiController {

  private static final Logger log = LoggerFactory.getLogger(ApiController.class);

  private final UserDirectory users;

  /**
   * The endpoints over {@code users}.
   *
   * @param users the directory
   */
  public ApiController(UserDirectory users) {
    this.users = users;
  }

  /**
   * {@code GET /api/users/{id}}: the user, or 404. The route in metrics, spans and the access log
   * is Spring MVC's pattern {@code /api/users/{id}}, never the raw path.
   *
   * @param id the user id
   * @return the user as JSON, or a 404 with an error
   */
  @GetMapping("/api/users/{id}")
  public ResponseEntity<Map<String, Object>> user(@PathVariable("id") long id) {
    return users
        .find(id)
        .<ResponseEntity<Map<String, Object>>>map(
            u -> {
              log.atInfo().setMessage("user found").addKeyValue("user_id", u.id()).log();
              return ResponseEntity.ok(Map.of("id", u.id(), "name", u.name(), "email", u.email()));
            })
        .orElseGet(() -> ResponseEntity.status(404).body(Map.of("error", "no such user")));
  }

  /**
   * {@code GET /api/fail}: throws, as a failing dependency would: a 500, an error span kept by the
   * tail sampler, an error event (with {@code SENTRY_DSN} set).
   *
   * @return never
   */
  @GetMapping("/api/fail")
  public String fail() {
    throw new IllegalStateException("payment provider rejected the request");
  }
}
