/** Implementation of the Spring Boot integration; not public API. */
@NullMarked
package dev.observability.spring.internal;

import org.jspecify.annotations.NullMarked;
