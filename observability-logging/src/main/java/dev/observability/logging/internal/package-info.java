/**
 * Implementation of the logging module: the JSON writer, stack-trace rendering, correlation, the
 * Logback installation and the observation handler. Not public API: it may change in any release.
 */
@NullMarked
package dev.observability.logging.internal;

import org.jspecify.annotations.NullMarked;
