package dev.observability.instrument.internal;

/**
 * Whether Byte Buddy, an optional dependency of core, is on the class path.
 *
 * <p>Kept apart from {@link Subclasser}: verifying that class links Byte Buddy's types, so asking
 * it whether Byte Buddy is present fails with {@link NoClassDefFoundError} exactly when it is not.
 * This class names no Byte Buddy type; {@link Subclasser} is touched only after it answered yes.
 *
 * <p>Stateless and thread-safe.
 */
public final class ByteBuddyPresence {

  /** The artifact to add, as named in error messages. */
  public static final String ARTIFACT = "net.bytebuddy:byte-buddy";

  private ByteBuddyPresence() {}

  /** Whether Byte Buddy can be loaded by the class loader that loaded core. */
  public static boolean isAvailable() {
    try {
      Class.forName("net.bytebuddy.ByteBuddy", false, ByteBuddyPresence.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
