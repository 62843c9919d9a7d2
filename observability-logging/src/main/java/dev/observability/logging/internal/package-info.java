/**
 * Implementation of the logging module: the JSON writer, stack-trace rendering, correlation, the
 * Logback installation and the observation handler. Not public API: it may change in any release,
 * and is left out of the module's recorded API baseline ({@code api/*.api}, checked in every build)
 * and of its Javadoc.
 */
@NullMarked
package dev.observability.logging.internal;

import org.jspecify.annotations.NullMarked;
