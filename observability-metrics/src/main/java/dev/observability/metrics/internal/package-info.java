/** Implementation of the metrics module. Not public API: it may change in any release. */
@NullMarked
package dev.observability.metrics.internal;

import org.jspecify.annotations.NullMarked;
