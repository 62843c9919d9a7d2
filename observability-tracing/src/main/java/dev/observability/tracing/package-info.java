/**
 * The tracing module: an OpenTelemetry SDK configured from the facade, one span per observation,
 * W3C propagation, OTLP export, and in-process error-biased tail sampling (every error and every
 * slow trace kept, a ratio of the rest). Also {@link dev.observability.tracing.TracedHttpClient},
 * which traces and propagates outbound calls of {@code java.net.http.HttpClient}.
 */
@NullMarked
package dev.observability.tracing;

import org.jspecify.annotations.NullMarked;
