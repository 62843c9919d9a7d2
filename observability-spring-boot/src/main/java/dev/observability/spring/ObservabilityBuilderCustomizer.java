package dev.observability.spring;

import dev.observability.ObservabilityBuilder;

/**
 * A bean that adjusts the builder before the starter starts the instance, for what properties
 * cannot say: a module given explicitly, a registry of the application's. Values set here win over
 * {@code observability.*} properties.
 *
 * <pre>{@code
 * @Bean
 * ObservabilityBuilderCustomizer version(BuildProperties build) {
 *   return builder -> builder.version(build.getVersion());
 * }
 * }</pre>
 *
 * <p>Called once, in order ({@code @Order}), on the thread that refreshes the application context.
 */
@FunctionalInterface
public interface ObservabilityBuilderCustomizer {

  /**
   * Adjusts {@code builder}, which already holds the values read from Spring's environment.
   *
   * @param builder the builder the starter will start
   */
  void customize(ObservabilityBuilder builder);
}
