package dev.observability.errors.internal;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Checks a Sentry DSN, {@code http[s]://<key>@<host>[:<port>]/[<path>/]<project id>}, at start-up.
 *
 * <p>Sentry's own parser accepts DSNs it cannot send to (no host, a space in the key, a port past
 * 65535), so the DSN is first read as a strict URI and checked part by part, then given to Sentry's
 * parser. What is reported never holds the DSN, which carries the project's key: Sentry quotes the
 * whole DSN when it is not a URI, so only its reason is kept. Stateless and thread-safe.
 */
public final class SentryDsn {

  private SentryDsn() {}

  /** Null when {@code dsn} is valid, else what is wrong with it, without any part of it. */
  public static @Nullable String problem(String dsn) {
    URI uri;
    try {
      uri = new URI(dsn);
    } catch (URISyntaxException e) {
      return "not a URI: "
          + e.getReason()
          + (e.getIndex() >= 0 ? " at character " + (e.getIndex() + 1) : "");
    }
    String scheme = uri.getScheme();
    if (scheme == null) {
      return "no scheme";
    }
    String lower = scheme.toLowerCase(Locale.ROOT);
    if (!lower.equals("http") && !lower.equals("https")) {
      return "the scheme is not http or https";
    }
    String userInfo = uri.getRawUserInfo();
    if (userInfo == null || userInfo.isEmpty() || userInfo.startsWith(":")) {
      return "no public key before '@'";
    }
    if (uri.getHost() == null) {
      return "no host after '@'";
    }
    if (uri.getPort() > 65535) {
      return "the port is past 65535";
    }
    String path = uri.getRawPath();
    if (path == null || path.isEmpty() || path.endsWith("/")) {
      return "no project id at the end of the path";
    }
    return sentryProblem(dsn, userInfo);
  }

  private static @Nullable String sentryProblem(String dsn, String userInfo) {
    try {
      new io.sentry.RequestDetailsResolver(dsn, null).resolve();
      return null;
    } catch (IllegalArgumentException | NullPointerException e) {
      String message = String.valueOf(e.getMessage());
      if (e.getCause() != null || message.contains(userInfo)) {
        return "rejected by Sentry's parser";
      }
      if (message.startsWith("Invalid DSN: ")) {
        message = message.substring("Invalid DSN: ".length());
      }
      if (message.endsWith(".")) {
        message = message.substring(0, message.length() - 1);
      }
      return message.isEmpty()
          ? "rejected by Sentry's parser"
          : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }
  }
}
