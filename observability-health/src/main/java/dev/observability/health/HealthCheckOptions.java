package dev.observability.health;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * How the registry runs one check: whether its failure makes the service unhealthy, its deadline,
 * how long a result is reused, and which probe groups it belongs to.
 *
 * <pre>{@code
 * HealthCheckOptions.builder()
 *     .critical(false)                        // DOWN makes the service degraded, not unhealthy
 *     .timeout(Duration.ofMillis(500))
 *     .refreshPeriod(Duration.ofSeconds(10))  // run in the background; probes read the last result
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class HealthCheckOptions {

  /** The longest timeout a check may have. */
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  /** The shortest background refresh period. */
  public static final Duration MIN_REFRESH_PERIOD = Duration.ofMillis(100);

  private static final HealthCheckOptions DEFAULTS = new Builder().build();

  private final boolean critical;
  private final Duration timeout;
  private final Duration cacheTtl;
  private final @Nullable Duration refreshPeriod;
  private final Set<HealthGroup> groups;

  private HealthCheckOptions(Builder builder) {
    this.critical = builder.critical;
    this.timeout = builder.timeout;
    this.cacheTtl = builder.cacheTtl;
    this.refreshPeriod = builder.refreshPeriod;
    this.groups = Set.copyOf(builder.groups);
  }

  /**
   * The defaults: critical, a 2 s timeout, no caching (every request runs the check, concurrent
   * requests sharing one run), in the readiness group.
   *
   * @return the default options
   */
  public static HealthCheckOptions defaults() {
    return DEFAULTS;
  }

  /**
   * A builder starting from the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A builder starting from these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.critical = critical;
    builder.timeout = timeout;
    builder.cacheTtl = cacheTtl;
    builder.refreshPeriod = refreshPeriod;
    builder.groups = EnumSet.copyOf(groups);
    return builder;
  }

  /**
   * Whether a DOWN makes the whole service unhealthy (HTTP 503); a non-critical DOWN makes it
   * degraded (HTTP 200).
   *
   * @return true when the check is critical
   */
  public boolean isCritical() {
    return critical;
  }

  /**
   * How long a request waits for the check before reporting it DOWN ("timed out after N ms").
   *
   * @return the timeout
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * How long a result is reused by later requests; zero when every request runs the check.
   *
   * @return the time to live of a result; zero when results are not cached
   */
  public Duration cacheTtl() {
    return cacheTtl;
  }

  /**
   * The background refresh period, if the check runs on a schedule instead of on request.
   *
   * @return the refresh period, or empty when the check runs on request
   */
  public Optional<Duration> refreshPeriod() {
    return Optional.ofNullable(refreshPeriod);
  }

  /**
   * The probe groups the check belongs to; never empty. Unmodifiable.
   *
   * @return the groups
   */
  public Set<HealthGroup> groups() {
    return groups;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof HealthCheckOptions other
        && other.critical == critical
        && other.timeout.equals(timeout)
        && other.cacheTtl.equals(cacheTtl)
        && Objects.equals(other.refreshPeriod, refreshPeriod)
        && other.groups.equals(groups);
  }

  @Override
  public int hashCode() {
    return Objects.hash(critical, timeout, cacheTtl, refreshPeriod, groups);
  }

  @Override
  public String toString() {
    return "HealthCheckOptions{critical="
        + critical
        + ", timeout="
        + timeout
        + ", cacheTtl="
        + cacheTtl
        + ", refreshPeriod="
        + refreshPeriod
        + ", groups="
        + groups
        + "}";
  }

  /**
   * Builds {@link HealthCheckOptions}. Setters reject bad values at once.
   *
   * <p>Not thread-safe.
   */
  public static final class Builder {

    private boolean critical = true;
    private Duration timeout = Duration.ofSeconds(2);
    private Duration cacheTtl = Duration.ZERO;
    private @Nullable Duration refreshPeriod;
    private EnumSet<HealthGroup> groups = EnumSet.of(HealthGroup.READINESS);

    Builder() {}

    /**
     * Whether a DOWN makes the service unhealthy (default) rather than degraded.
     *
     * @param critical false to make a DOWN degrade the service instead
     * @return this builder
     */
    public Builder critical(boolean critical) {
      this.critical = critical;
      return this;
    }

    /**
     * How long a request waits for the check (default 2 s). Past it the check is reported DOWN and
     * keeps running in the background; it is not started again until that run ends.
     *
     * @param timeout the timeout
     * @return this builder
     * @throws IllegalArgumentException unless positive and at most {@link #MAX_TIMEOUT}
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException(
            "health check timeout must be positive and at most 5 minutes, not " + timeout);
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * Reuses a result for {@code ttl} after it was taken (default zero: every request runs the
     * check, and concurrent requests share one run). Clears any {@link #refreshPeriod}.
     *
     * @param ttl how long a result is reused; zero to run the check on every request
     * @return this builder
     * @throws IllegalArgumentException when negative
     */
    public Builder cacheTtl(Duration ttl) {
      Objects.requireNonNull(ttl, "ttl");
      if (ttl.isNegative()) {
        throw new IllegalArgumentException("health check cache ttl must not be negative: " + ttl);
      }
      this.cacheTtl = ttl;
      this.refreshPeriod = null;
      return this;
    }

    /**
     * Runs the check in the background every {@code period}, starting at registration; requests
     * read the last result and never wait, except for the first result. Clears any {@link
     * #cacheTtl}.
     *
     * @param period the refresh period
     * @return this builder
     * @throws IllegalArgumentException when shorter than {@link #MIN_REFRESH_PERIOD}
     */
    public Builder refreshPeriod(Duration period) {
      Objects.requireNonNull(period, "period");
      if (period.compareTo(MIN_REFRESH_PERIOD) < 0) {
        throw new IllegalArgumentException(
            "health check refresh period must be at least 100ms, not " + period);
      }
      this.refreshPeriod = period;
      this.cacheTtl = Duration.ZERO;
      return this;
    }

    /**
     * The probe groups the check belongs to (default {@link HealthGroup#READINESS}), replacing the
     * previous choice.
     *
     * @param first a group
     * @param more further groups
     * @return this builder
     */
    public Builder groups(HealthGroup first, HealthGroup... more) {
      Objects.requireNonNull(first, "first");
      EnumSet<HealthGroup> set = EnumSet.of(first);
      for (HealthGroup group : more) {
        set.add(Objects.requireNonNull(group, "group"));
      }
      this.groups = set;
      return this;
    }

    /**
     * The options.
     *
     * @return the options
     */
    public HealthCheckOptions build() {
      return new HealthCheckOptions(this);
    }
  }
}
