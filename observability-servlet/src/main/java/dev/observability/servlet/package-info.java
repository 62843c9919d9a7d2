/**
 * Jakarta Servlet 6 integration: {@link dev.observability.servlet.ObservabilityFilter} observes
 * every request once (metrics, span, log correlation, access log and error capture come from the
 * running modules' handlers), the {@code /metrics} and {@code /health*} servlets expose the metrics
 * and health modules, and {@link dev.observability.servlet.ObservabilityServlets} registers them
 * with one call. WAR deployments get them registered automatically by {@link
 * dev.observability.servlet.ObservabilityInitializer}.
 */
@NullMarked
package dev.observability.servlet;

import org.jspecify.annotations.NullMarked;
