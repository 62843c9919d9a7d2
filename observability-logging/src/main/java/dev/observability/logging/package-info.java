/**
 * The logging module: a Logback {@link dev.observability.logging.JsonEncoder} that writes one JSON
 * object per line with correlation ids, key-values, bounded stack traces and scrubbing; a
 * human-readable {@link dev.observability.logging.TextEncoder} for local development; a {@link
 * dev.observability.logging.BatchingAppender} that writes lines in batches from a background
 * thread; volume control ({@link dev.observability.logging.LogVolumeFilter}, {@link
 * dev.observability.logging.BoundedAsyncAppender}); and the {@link
 * dev.observability.logging.LoggingModule} that installs them when the facade starts. See {@code
 * docs/logging.md}.
 */
@NullMarked
package dev.observability.logging;

import org.jspecify.annotations.NullMarked;
