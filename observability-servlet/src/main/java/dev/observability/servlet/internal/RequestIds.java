package dev.observability.servlet.internal;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** Accepts or generates request ids. Stateless and thread-safe. */
public final class RequestIds {

  /** The longest inbound id accepted. */
  public static final int MAX_LENGTH = 128;

  private RequestIds() {}

  /**
   * Whether an inbound id may be used as it is: 1 to 128 characters out of {@code [A-Za-z0-9._-]},
   * so that it can go into headers, logs and JSON without escaping.
   */
  public static boolean isSafe(@Nullable String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** A new random (version 4) UUID, from {@link ThreadLocalRandom}: fast and never blocking. */
  public static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long most = (random.nextLong() & ~0xF000L) | 0x4000L;
    long least = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(most, least).toString();
  }
}
