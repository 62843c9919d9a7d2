package dev.observability;

import io.micrometer.observation.Observation;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.jspecify.annotations.Nullable;

/**
 * The fingerprint of a failure: one short, stable id that the access-log line ({@code
 * error_fingerprint}), the span ({@code error.fingerprint}), the Sentry event (its grouping
 * fingerprint and tag {@code error_fingerprint}) and the {@code exception} log line ({@code
 * exception.fingerprint}) of one failure share, so that a person can join them, and that two
 * occurrences of the same failure share too.
 *
 * <p>It is made of the <em>root cause</em> (the last throwable of the cause chain: a wrapper that a
 * framework or container adds does not change it) and of where it was thrown in the application's
 * code: its class name, then, for up to {@value #FRAMES} of its stack frames in application code
 * from the innermost outward, {@code "\n" + class + "." + method}; then the 64-bit FNV-1a hash of
 * that text's UTF-8 bytes, as 16 lowercase hex digits. Not the message (it holds ids, values,
 * secrets) and not line numbers (they move with unrelated edits). Frames in application code are
 * those whose class is not in a well-known runtime, library or framework package ({@link
 * #isLibraryClass}: the JDK, Jakarta, Jetty, Tomcat and the rest of {@code org.apache}, Spring,
 * Micrometer, OpenTelemetry, Sentry, Logback, SLF4J, Jackson, Netty, Hibernate, this SDK's modules,
 * ...) and that is not generated at run time (a {@code $$} or {@code $ByteBuddy$} class, a JDK
 * proxy), whose names change from one start to the next. A root cause thrown without any
 * application frame (a library's worker thread) is fingerprinted by its first {@value #FRAMES}
 * frames; one without stack trace by its class alone.
 *
 * <p>Stateless and thread-safe; never throws. Costs a walk of the cause chain and of the root
 * cause's frames, hashed as they are read, and the 16-character result: for failures only.
 */
public final class ErrorFingerprint {

  /** Frames of the root cause that make the fingerprint. */
  public static final int FRAMES = 5;

  /** Length of a fingerprint, in hex digits. */
  public static final int LENGTH = 16;

  private static final int MAX_CAUSES = 64;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private static final long FNV_OFFSET = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  /** Packages whose classes are not the application's (prefixes of class names). */
  private static final List<String> LIBRARY_PREFIXES =
      List.of(
          "java.",
          "javax.",
          "jdk.",
          "sun.",
          "com.sun.",
          "jakarta.",
          "kotlin.",
          "kotlinx.",
          "scala.",
          "groovy.",
          "org.codehaus.groovy.",
          "org.eclipse.jetty.",
          "org.apache.",
          "org.springframework.",
          "io.micrometer.",
          "io.opentelemetry.",
          "io.sentry.",
          "ch.qos.logback.",
          "org.slf4j.",
          "com.fasterxml.jackson.",
          "io.netty.",
          "reactor.",
          "io.reactivex.",
          "io.undertow.",
          "org.glassfish.",
          "org.jboss.",
          "org.hibernate.",
          "com.zaxxer.hikari.",
          "org.h2.",
          "org.postgresql.",
          "com.mysql.",
          "org.mariadb.",
          "oracle.",
          "com.microsoft.sqlserver.",
          "okhttp3.",
          "okio.",
          "retrofit2.",
          "io.grpc.",
          "com.google.common.",
          "com.google.protobuf.",
          "com.google.gson.",
          "net.bytebuddy.",
          "org.aspectj.",
          "org.junit.",
          "org.assertj.",
          "org.mockito.",
          "dev.observability.internal.",
          "dev.observability.spi.",
          "dev.observability.scrub.",
          "dev.observability.instrument.",
          "dev.observability.logging.",
          "dev.observability.metrics.",
          "dev.observability.tracing.",
          "dev.observability.errors.",
          "dev.observability.health.",
          "dev.observability.servlet.",
          "dev.observability.spring.");

  /** The package of the facade ({@code dev.observability.Observability} and its peers). */
  private static final String SDK_PACKAGE = "dev.observability.";

  private ErrorFingerprint() {}

  /**
   * The fingerprint of the failure an observation ended with, made once per observation and kept in
   * its context under {@link ObservationNames#ERROR_FINGERPRINT}; null when it ended without an
   * exception.
   *
   * @param context the observation's context
   * @return the fingerprint, or null
   */
  public static @Nullable String of(Observation.Context context) {
    Throwable error = context.getError();
    if (error == null) {
      return null;
    }
    Object cached = context.get(ObservationNames.ERROR_FINGERPRINT);
    if (cached instanceof String fingerprint) {
      return fingerprint;
    }
    String fingerprint = of(error);
    context.put(ObservationNames.ERROR_FINGERPRINT, fingerprint);
    return fingerprint;
  }

  /**
   * The fingerprint of {@code error}: of its root cause, as the class description says.
   *
   * @param error the exception
   * @return 16 lowercase hex digits
   */
  public static String of(Throwable error) {
    Throwable root = rootCause(error);
    StackTraceElement[] frames;
    try {
      frames = root.getStackTrace();
    } catch (RuntimeException e) {
      // A throwable whose getStackTrace() fails: fingerprinted by its class.
      frames = new StackTraceElement[0];
    }
    return of(root.getClass().getName(), frames);
  }

  /**
   * The fingerprint of a root cause of class {@code type} thrown with {@code frames} (innermost
   * first): for outputs that hold a throwable's description rather than the throwable.
   *
   * @param type the root cause's class name
   * @param frames its stack trace, innermost first, or null
   * @return 16 lowercase hex digits
   */
  public static String of(String type, StackTraceElement @Nullable [] frames) {
    StackTraceElement[] f = frames == null ? new StackTraceElement[0] : frames;
    return of(type, f.length, i -> f[i]);
  }

  /**
   * The fingerprint of a root cause of class {@code type} thrown with {@code count} frames that
   * {@code frame} gives, innermost first (a frame may be null): for outputs that hold the frames in
   * their own form (a log event's throwable proxy), without copying them.
   *
   * @param type the root cause's class name
   * @param count how many frames there are
   * @param frame the frame at an index, innermost first; may return null
   * @return 16 lowercase hex digits
   */
  public static String of(String type, int count, IntFunction<@Nullable StackTraceElement> frame) {
    long hash = update(FNV_OFFSET, type);
    int taken = 0;
    for (int i = 0; i < count && taken < FRAMES; i++) {
      StackTraceElement element = frame.apply(i);
      if (element != null && isApplicationFrame(element.getClassName())) {
        hash = append(hash, element);
        taken++;
      }
    }
    if (taken == 0) {
      for (int i = 0; i < count && i < FRAMES; i++) {
        StackTraceElement element = frame.apply(i);
        if (element != null) {
          hash = append(hash, element);
        }
      }
    }
    return hex(hash);
  }

  private static long append(long hash, StackTraceElement frame) {
    long h = update(hash, "\n");
    h = update(h, frame.getClassName());
    h = update(h, ".");
    return update(h, frame.getMethodName());
  }

  /** FNV-1a over the UTF-8 bytes of {@code text}, without encoding it into an array. */
  private static long update(long hash, @Nullable String text) {
    long h = hash;
    if (text == null) {
      return h;
    }
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        h = (h ^ c) * FNV_PRIME;
      } else if (c < 0x800) {
        h = (h ^ (0xc0 | (c >> 6))) * FNV_PRIME;
        h = (h ^ (0x80 | (c & 0x3f))) * FNV_PRIME;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        h = (h ^ (0xf0 | (cp >> 18))) * FNV_PRIME;
        h = (h ^ (0x80 | ((cp >> 12) & 0x3f))) * FNV_PRIME;
        h = (h ^ (0x80 | ((cp >> 6) & 0x3f))) * FNV_PRIME;
        h = (h ^ (0x80 | (cp & 0x3f))) * FNV_PRIME;
      } else if (Character.isSurrogate(c)) {
        // A lone surrogate is encoded as '?', as String.getBytes(UTF_8) does.
        h = (h ^ '?') * FNV_PRIME;
      } else {
        h = (h ^ (0xe0 | (c >> 12))) * FNV_PRIME;
        h = (h ^ (0x80 | ((c >> 6) & 0x3f))) * FNV_PRIME;
        h = (h ^ (0x80 | (c & 0x3f))) * FNV_PRIME;
      }
    }
    return h;
  }

  private static String hex(long value) {
    char[] hex = new char[LENGTH];
    long v = value;
    for (int i = LENGTH - 1; i >= 0; i--) {
      hex[i] = HEX[(int) (v & 0xf)];
      v >>>= 4;
    }
    return new String(hex);
  }

  /**
   * The last throwable of {@code error}'s cause chain (bounded, cycles stopped).
   *
   * @param error the exception
   * @return its root cause, or {@code error} itself when it has no cause
   */
  public static Throwable rootCause(Throwable error) {
    Throwable current = error;
    Map<Throwable, Boolean> seen = null;
    for (int depth = 0; depth < MAX_CAUSES; depth++) {
      Throwable cause = current.getCause();
      if (cause == null || cause == current) {
        return current;
      }
      if (depth > 4) {
        // Deep chains only: look for a cycle.
        if (seen == null) {
          seen = new IdentityHashMap<>();
        }
        if (seen.put(cause, Boolean.TRUE) != null) {
          return current;
        }
      }
      current = cause;
    }
    return current;
  }

  /**
   * Whether a frame of {@code className} is application code: not in a runtime, library or
   * framework package, and not a class generated at run time.
   *
   * @param className the frame's class name
   * @return whether the frame is application code
   */
  public static boolean isApplicationFrame(String className) {
    return !isLibraryClass(className) && !isGenerated(className);
  }

  /**
   * Whether {@code className} is in a well-known runtime, library or framework package.
   *
   * @param className a class name
   * @return whether it is a runtime, library or framework class
   */
  public static boolean isLibraryClass(String className) {
    for (int i = 0; i < LIBRARY_PREFIXES.size(); i++) {
      if (className.startsWith(LIBRARY_PREFIXES.get(i))) {
        return true;
      }
    }
    // The facade's own package, not its sub-packages (the examples live in one).
    return className.startsWith(SDK_PACKAGE) && className.indexOf('.', SDK_PACKAGE.length()) < 0;
  }

  private static boolean isGenerated(String className) {
    return className.contains("$$")
        || className.contains("$ByteBuddy$")
        || className.contains("$Proxy")
        || className.startsWith("jdk.proxy");
  }
}
