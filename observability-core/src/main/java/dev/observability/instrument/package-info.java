/** Method-level instrumentation: annotations and the agent-free means of applying them. */
@NullMarked
package dev.observability.instrument;

import org.jspecify.annotations.NullMarked;
