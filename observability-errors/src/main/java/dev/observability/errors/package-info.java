/**
 * Error tracking on Sentry: unhandled exceptions and HTTP 5xx of observed operations, ERROR log
 * events with a throwable, uncaught exceptions and explicit captures, each reported once, scrubbed,
 * linked to the operation's trace and log lines, rate-limited per fingerprint, and never blocking
 * the caller on Sentry's network.
 *
 * <p>The module ({@link dev.observability.errors.ErrorsModule}) starts by itself when its jar is on
 * the class path and a DSN is configured ({@code SENTRY_DSN} or {@code errors.dsn}); capture
 * explicitly through {@link dev.observability.Observability#errors()}.
 */
@NullMarked
package dev.observability.errors;

import org.jspecify.annotations.NullMarked;
