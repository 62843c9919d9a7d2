/**
 * The sensitive-data scrubber: one policy, applied to every output the SDK writes (log lines, span
 * attributes, error events, health details, access-log query strings).
 */
@NullMarked
package dev.observability.scrub;

import org.jspecify.annotations.NullMarked;
