package dev.observability.logging.internal;

import dev.observability.logging.EcsEncoder;
import dev.observability.scrub.Scrubber;

/** The {@link EcsEncoder} the module installs for {@code logging.format=ecs}. */
public final class EcsEncoders {

  private EcsEncoders() {}

  /** An encoder configured from the module's settings, not started. */
  public static EcsEncoder of(LoggingSettings settings, Scrubber scrubber) {
    EcsEncoder ecs = new EcsEncoder();
    ecs.setMaxEventSize(settings.maxEventSize());
    ecs.setCallerData(settings.callerData());
    ecs.setMaxStackFrames(settings.maxFrames());
    ecs.setMaxCauses(settings.maxCauses());
    ecs.setMaxStackTraceLength(settings.maxStackTraceLength());
    ecs.setScrubber(scrubber);
    return ecs;
  }
}
