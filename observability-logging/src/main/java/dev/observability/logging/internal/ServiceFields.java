package dev.observability.logging.internal;

import dev.observability.ServiceInfo;

/**
 * The {@code service}, {@code environment} and {@code version} fields, encoded once: in full, and
 * cut to a small size for the minimal line written when an event exceeds the size cap. Immutable.
 */
public final class ServiceFields {

  /** Used when neither the encoder nor a running instance names the service. */
  public static final ServiceFields UNKNOWN =
      new ServiceFields("unknown_service:java", "production", "unknown");

  private final String name;
  private final String environment;
  private final String version;
  private final byte[] full;
  private final byte[] minimal;

  /** Encodes the three values. */
  public ServiceFields(String name, String environment, String version) {
    this.name = name;
    this.environment = environment;
    this.version = version;
    this.full = encode(name, environment, version, Integer.MAX_VALUE);
    this.minimal = encode(name, environment, version, 128);
  }

  /** From a running instance's service info. */
  public static ServiceFields of(ServiceInfo info) {
    return new ServiceFields(info.name(), info.environment(), info.version());
  }

  private static byte[] encode(String name, String environment, String version, int cap) {
    JsonBuffer b = new JsonBuffer();
    b.write(",\"service\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.writeEscaped(name, cap);
    b.write("\",\"environment\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.writeEscaped(environment, cap);
    b.write("\",\"version\":\"".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    b.writeEscaped(version, cap);
    b.write('"');
    return b.toByteArray();
  }

  /** The service name. */
  public String name() {
    return name;
  }

  /** The deployment environment. */
  public String environment() {
    return environment;
  }

  /** The service version. */
  public String version() {
    return version;
  }

  byte[] full() {
    return full;
  }

  byte[] minimal() {
    return minimal;
  }
}
