/**
 * The observability facade: {@link dev.observability.Observability} starts every module found on
 * the class path from one validated configuration and hands out the parts a service records with.
 */
@NullMarked
package dev.observability;

import org.jspecify.annotations.NullMarked;
