/**
 * Tools the build runs: {@link dev.observability.buildtools.ApiCheck}, the API baseline check of
 * the published modules. Not published.
 */
package dev.observability.buildtools;
