/** Implementation of the servlet integration. Not public API: it may change in any release. */
@NullMarked
package dev.observability.servlet.internal;

import org.jspecify.annotations.NullMarked;
