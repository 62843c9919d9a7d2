package dev.observability.health;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.temporal.TemporalAccessor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * One health check: whether a dependency or a part of the process works right now.
 *
 * <pre>{@code
 * HealthRegistry.of(observability)
 *     .register("cache", () -> redis.ping() ? HealthCheck.Result.up() : HealthCheck.Result.down("no PONG"));
 * }</pre>
 *
 * <p>The registry runs {@link #check()} on its own bounded thread pool, never on the caller's
 * thread, and never more than once at a time per check. An implementation may block (it is bounded
 * by the check's timeout) and may throw: any exception becomes a DOWN result whose error text is
 * the exception's class name and its message, scrubbed of secrets. Implementations must be
 * thread-safe, as successive runs may happen on different threads.
 */
@FunctionalInterface
public interface HealthCheck {

  /**
   * Checks the dependency.
   *
   * @return the result; never null (a null counts as DOWN)
   * @throws Exception any failure, reported as DOWN with its scrubbed message
   */
  Result check() throws Exception;

  /** The state of one check. */
  enum Status {
    /** The check passed. */
    UP,
    /** The check failed, threw, timed out or could not run. */
    DOWN
  }

  /**
   * The immutable outcome of one {@link #check()}: a status, an optional error text and optional
   * details (simple values: strings, numbers, booleans).
   *
   * <p>Error texts and detail values are scrubbed before they are shown; a detail whose key names a
   * secret ({@code password}, {@code token}, ...) is shown masked.
   *
   * <p>Immutable and thread-safe.
   */
  final class Result {

    /** The largest number of details a result holds. */
    public static final int MAX_DETAILS = 64;

    private static final Result UP = new Result(Status.UP, null, Map.of());

    private final Status status;
    private final @Nullable String error;
    private final Map<String, Object> details;

    private Result(Status status, @Nullable String error, Map<String, Object> details) {
      this.status = status;
      this.error = error;
      this.details = details;
    }

    /**
     * UP, without details.
     *
     * @return the result
     */
    public static Result up() {
      return UP;
    }

    /**
     * UP, with details.
     *
     * @param details the details, in order; simple values only
     * @return the result
     * @throws IllegalArgumentException when a detail is not a simple value, or there are more than
     *     {@value #MAX_DETAILS}
     */
    public static Result up(Map<String, ?> details) {
      return new Result(Status.UP, null, copyDetails(details));
    }

    /**
     * DOWN, with an error text (scrubbed before it is shown).
     *
     * @param error the error text
     * @return the result
     */
    public static Result down(String error) {
      return new Result(Status.DOWN, Objects.requireNonNull(error, "error"), Map.of());
    }

    /**
     * DOWN, with an error text and details.
     *
     * @param error the error text
     * @param details the details, in order; simple values only
     * @return the result
     * @throws IllegalArgumentException when a detail is not a simple value, or there are more than
     *     {@value #MAX_DETAILS}
     */
    public static Result down(String error, Map<String, ?> details) {
      return new Result(Status.DOWN, Objects.requireNonNull(error, "error"), copyDetails(details));
    }

    /**
     * DOWN, with details and no error text.
     *
     * @param details the details, in order; simple values only
     * @return the result
     * @throws IllegalArgumentException when a detail is not a simple value, or there are more than
     *     {@value #MAX_DETAILS}
     */
    public static Result down(Map<String, ?> details) {
      return new Result(Status.DOWN, null, copyDetails(details));
    }

    /**
     * DOWN because of {@code error}: the error text is its class name and message (scrubbed before
     * it is shown). The throwable itself is not kept.
     *
     * @param error the failure
     * @return the result
     */
    public static Result down(Throwable error) {
      return new Result(Status.DOWN, describe(error), Map.of());
    }

    /**
     * The status.
     *
     * @return the status
     */
    public Status status() {
      return status;
    }

    /**
     * Whether the status is {@link Status#UP}.
     *
     * @return true when UP
     */
    public boolean isUp() {
      return status == Status.UP;
    }

    /**
     * The error text as the check gave it (not yet scrubbed), or null.
     *
     * @return the error text, or null
     */
    public @Nullable String error() {
      return error;
    }

    /**
     * The details in the order given: values are {@link String}, {@link Boolean}, {@link Long},
     * {@link Double}, {@link BigInteger} or {@link BigDecimal}. Unmodifiable.
     *
     * @return the details
     */
    public Map<String, Object> details() {
      return details;
    }

    /** {@code ClassName: message}, or the class name alone when there is no message. */
    static String describe(Throwable error) {
      String message = error.getMessage();
      String type = error.getClass().getName();
      return message == null || message.isBlank() ? type : type + ": " + message;
    }

    private static Map<String, Object> copyDetails(Map<String, ?> details) {
      Objects.requireNonNull(details, "details");
      if (details.isEmpty()) {
        return Map.of();
      }
      if (details.size() > MAX_DETAILS) {
        throw new IllegalArgumentException(
            "a health check result holds at most "
                + MAX_DETAILS
                + " details, not "
                + details.size());
      }
      Map<String, Object> copy = new LinkedHashMap<>();
      for (Map.Entry<String, ?> e : details.entrySet()) {
        String key = Objects.requireNonNull(e.getKey(), "detail key");
        if (key.isBlank()) {
          throw new IllegalArgumentException("a health check detail key must not be blank");
        }
        copy.put(key, simpleValue(key, e.getValue()));
      }
      return Collections.unmodifiableMap(copy);
    }

    private static Object simpleValue(String key, @Nullable Object value) {
      if (value == null) {
        throw new IllegalArgumentException("health check detail '" + key + "' is null");
      }
      if (value instanceof String || value instanceof Boolean) {
        return value;
      }
      if (value instanceof Integer
          || value instanceof Long
          || value instanceof Short
          || value instanceof Byte
          || value instanceof AtomicInteger
          || value instanceof AtomicLong) {
        return ((Number) value).longValue();
      }
      if (value instanceof BigInteger || value instanceof BigDecimal) {
        return value;
      }
      if (value instanceof Number number) {
        double d = number.doubleValue();
        // JSON has no NaN or infinity; show them as text rather than fail the check.
        return Double.isFinite(d) ? (Object) d : String.valueOf(d);
      }
      if (value instanceof CharSequence
          || value instanceof Character
          || value instanceof Enum<?>
          || value instanceof UUID
          || value instanceof Duration
          || value instanceof TemporalAccessor) {
        return value.toString();
      }
      throw new IllegalArgumentException(
          "health check detail '"
              + key
              + "' must be a string, number or boolean, not a "
              + value.getClass().getName());
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Result other
          && other.status == status
          && Objects.equals(other.error, error)
          && other.details.equals(details);
    }

    @Override
    public int hashCode() {
      return Objects.hash(status, error, details);
    }

    @Override
    public String toString() {
      // The raw error text and details may hold secrets until scrubbed: keep them out of logs.
      return "Result{"
          + status
          + (error == null ? "" : ", with error text")
          + ", details="
          + details.keySet()
          + "}";
    }
  }
}
