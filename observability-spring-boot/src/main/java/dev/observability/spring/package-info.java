/**
 * Spring Boot auto-configuration of the SDK: {@link
 * dev.observability.spring.ObservabilityAutoConfiguration} starts the instance from Spring's {@code
 * Environment} and meets Boot's own observability as one pipeline; {@link
 * dev.observability.spring.ObservabilityJsonFormatter} is the console format of Boot's logging. See
 * {@code docs/spring-boot.md}.
 */
@NullMarked
package dev.observability.spring;

import org.jspecify.annotations.NullMarked;
