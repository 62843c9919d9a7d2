package dev.observability.examples.spring;

import dev.observability.health.HealthCheck;
import dev.observability.health.HealthRegistry;
import dev.observability.instrument.Attribute;
import dev.observability.instrument.Instrumented;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Service;

/**
 * The users the service knows. {@link #find} is {@code @Instrumented}: the starter records each
 * call (a child span of the request, {@code method_duration_seconds}) without any call of the
 * SDK's. The directory registers a health check that {@code /health} and Actuator's health show.
 * Thread-safe.
 */
@Service
public class UserDirectory {

  /** A user. */
  public record User(long id, String name, String email) {}

  private final Map<Long, User> users = new ConcurrentHashMap<>();

  /**
   * A directory with three users, whose health check is registered in {@code health}.
   *
   * @param health the SDK's health registry (a bean of the starter's)
   */
  public UserDirectory(HealthRegistry health) {
    users.put(1L, new User(1, "Ada", "ada@example.com"));
    users.put(2L, new User(2, "Grace", "grace@example.com"));
    users.put(3L, new User(3, "Linus", "linus@example.com"));
    health.register("user-directory", () -> HealthCheck.Result.up(Map.of("users", users.size())));
  }

  /**
   * The user with {@code id}, if any.
   *
   * @param id the user id
   * @return the user, or empty
   */
  @Instrumented(name = "users.find")
  public Optional<User> find(@Attribute("user.id") long id) {
    return Optional.ofNullable(users.get(id));
  }
}
