/**
 * Health checks: register {@link dev.observability.health.HealthCheck}s with the {@link
 * dev.observability.health.HealthRegistry}, and the module answers {@code /health}, {@code
 * /health/live} and {@code /health/ready} within every check's deadline, with checks run in
 * parallel, shared between concurrent callers, cached or refreshed in the background, and error
 * texts scrubbed of secrets.
 */
@NullMarked
package dev.observability.health;

import org.jspecify.annotations.NullMarked;
