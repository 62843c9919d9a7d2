/**
 * The module service-provider interface: how a module on the class path is found, configured and
 * plugged into the Observation spine. Modules implement {@link
 * dev.observability.spi.ObservabilityModule} and list it in {@code
 * META-INF/services/dev.observability.spi.ObservabilityModule}.
 */
@NullMarked
package dev.observability.spi;

import org.jspecify.annotations.NullMarked;
