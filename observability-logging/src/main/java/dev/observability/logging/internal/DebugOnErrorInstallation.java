package dev.observability.logging.internal;

import ch.qos.logback.classic.LoggerContext;
import io.micrometer.observation.ObservationRegistry;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * The {@link DebugOnErrorFilter} in the Logback context behind SLF4J while the module runs ({@code
 * logging.debug-on-error}); nothing when SLF4J is bound to another backend. {@link #close()}
 * removes it. Installed and closed by the module's start and close.
 */
public final class DebugOnErrorInstallation implements AutoCloseable {

  private final @Nullable LoggerContext context;
  private final @Nullable DebugOnErrorFilter filter;

  private DebugOnErrorInstallation(
      @Nullable LoggerContext context, @Nullable DebugOnErrorFilter filter) {
    this.context = context;
    this.filter = filter;
  }

  /** Adds the filter to Logback's turbo filters. */
  public static DebugOnErrorInstallation install(
      ObservationRegistry registry,
      DebugOnErrorSettings settings,
      boolean callerData,
      Consumer<Throwable> errors) {
    ILoggerFactory factory = LoggerFactory.getILoggerFactory();
    if (!(factory instanceof LoggerContext context)) {
      return new DebugOnErrorInstallation(null, null);
    }
    DebugOnErrorFilter filter = new DebugOnErrorFilter(registry, settings, callerData, errors);
    filter.setContext(context);
    filter.start();
    context.addTurboFilter(filter);
    return new DebugOnErrorInstallation(context, filter);
  }

  /** The installed filter, or null without Logback. */
  public @Nullable DebugOnErrorFilter filter() {
    return filter;
  }

  /** Removes the filter. Idempotent. */
  @Override
  public void close() {
    if (context != null && filter != null) {
      context.getTurboFilterList().remove(filter);
      filter.stop();
    }
  }
}
