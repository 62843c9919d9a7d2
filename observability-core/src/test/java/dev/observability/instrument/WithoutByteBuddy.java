package dev.observability.instrument;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.concurrent.Callable;

/**
 * What a host without Byte Buddy meets, run by {@link SubclassWithoutByteBuddyTest} inside a class
 * loader that cannot see Byte Buddy. Returns one line per step, so that the answer crosses class
 * loaders as a plain {@link String}.
 */
public final class WithoutByteBuddy implements Callable<String> {

  /** A concrete class with an annotated method, to subclass. */
  public static class Service {
    /** The annotated method. */
    @Instrumented(name = "service.call")
    public String call() {
      return "called";
    }
  }

  /** An interface and its implementation, to proxy. */
  public interface Greeter {
    /** The annotated method. */
    @Instrumented(name = "greeter.greet")
    String greet(String name);
  }

  @Override
  public String call() {
    StringBuilder out = new StringBuilder();
    out.append("available=").append(Instrumentation.isSubclassingAvailable()).append('\n');
    Instrumentation instrumentation =
        Instrumentation.of(
            ObservationRegistry.create(), new SimpleMeterRegistry(), OpenTelemetry.noop());
    try {
      instrumentation.subclass(Service.class);
      out.append("subclass=created\n");
    } catch (Throwable t) {
      out.append("subclass=").append(t.getClass().getName()).append(": ").append(t.getMessage());
      out.append('\n');
    }
    Greeter proxy = instrumentation.instrument(Greeter.class, name -> "hello " + name);
    out.append("proxy=").append(proxy.greet("ann")).append('\n');
    return out.toString();
  }
}
