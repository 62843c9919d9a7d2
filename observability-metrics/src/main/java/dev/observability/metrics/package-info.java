/**
 * Golden-signal metrics on Micrometer's Prometheus registry: HTTP server meters with the names of
 * the signal contract, a cardinality guard, JVM and process saturation meters, helpers for
 * business, pool and query metrics ({@link dev.observability.metrics.Metrics}), and the {@code
 * /metrics} scrape endpoint.
 */
@NullMarked
package dev.observability.metrics;

import org.jspecify.annotations.NullMarked;
