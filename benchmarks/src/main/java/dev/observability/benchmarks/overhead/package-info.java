/**
 * The whole-service overhead benchmark: a small Jetty app run bare, with the SDK, or under the
 * OpenTelemetry Java agent ({@link dev.observability.benchmarks.overhead.OverheadApp}), the
 * loopback OTLP and Sentry sink it exports to ({@link
 * dev.observability.benchmarks.overhead.OtlpSink}), and a JFR summariser ({@link
 * dev.observability.benchmarks.overhead.JfrSummary}). Driven by {@code benchmarks/overhead/run.sh};
 * not public API.
 */
@NullMarked
package dev.observability.benchmarks.overhead;

import org.jspecify.annotations.NullMarked;
