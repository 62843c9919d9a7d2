/**
 * Implementation of the errors module. Not public API: it may change in any release, and is left
 * out of the module's recorded API baseline ({@code api/*.api}, checked in every build) and of its
 * Javadoc.
 */
@NullMarked
package dev.observability.errors.internal;

import org.jspecify.annotations.NullMarked;
