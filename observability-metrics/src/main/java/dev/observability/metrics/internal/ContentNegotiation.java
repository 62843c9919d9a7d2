package dev.observability.metrics.internal;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the exposition format from an {@code Accept} header and the compression from an {@code
 * Accept-Encoding} header. Stateless and thread-safe; never throws on any header text.
 */
public final class ContentNegotiation {

  /** The exposition formats the endpoint writes. */
  public enum Format {
    /** Prometheus text format 0.0.4. */
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),
    /** OpenMetrics text format 1.0.0. */
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    Format(String contentType) {
      this.contentType = contentType;
    }

    /** The {@code Content-Type} of a response in this format. */
    public String contentType() {
      return contentType;
    }
  }

  /** Longest header read; the rest is ignored. */
  private static final int MAX_HEADER = 4096;

  private ContentNegotiation() {}

  /**
   * The format for {@code accept}: the acceptable one with the highest quality, a named type
   * winning over a wildcard at equal quality and the Prometheus text format winning a full tie.
   * OpenMetrics is acceptable as {@code application/openmetrics-text} with no version or version
   * 1.0.0; the text format as {@code text/plain} with no version or version 0.0.4, or through
   * {@code text/*} and {@code *}{@code /*}. With no header, or nothing acceptable, the text format
   * (a scraper gets an answer it can read rather than 406).
   */
  public static Format format(@Nullable String accept) {
    if (accept == null || accept.isBlank()) {
      return Format.PROMETHEUS_TEXT;
    }
    String header = accept.length() > MAX_HEADER ? accept.substring(0, MAX_HEADER) : accept;
    double textQ = -1;
    int textSpecificity = -1;
    double omQ = -1;
    int omSpecificity = -1;
    for (String range : header.split(",", -1)) {
      String[] parts = range.split(";", -1);
      String type = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      String version = null;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim();
        int eq = param.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = param.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(param.substring(eq + 1).trim());
        if (name.equals("q")) {
          q = quality(value);
        } else if (name.equals("version")) {
          version = value;
        }
      }
      switch (type) {
        case "application/openmetrics-text" -> {
          if (version == null || version.equals("1.0.0")) {
            if (better(q, 2, omQ, omSpecificity)) {
              omQ = q;
              omSpecificity = 2;
            }
          }
        }
        case "text/plain" -> {
          if (version == null || version.equals("0.0.4")) {
            if (better(q, 2, textQ, textSpecificity)) {
              textQ = q;
              textSpecificity = 2;
            }
          }
        }
        case "text/*", "*/*" -> {
          int specificity = type.equals("text/*") ? 1 : 0;
          if (better(q, specificity, textQ, textSpecificity)) {
            textQ = q;
            textSpecificity = specificity;
          }
        }
        default -> {
          // A type we do not write.
        }
      }
    }
    if (omQ > 0 && (omQ > textQ || (omQ == textQ && omSpecificity > textSpecificity))) {
      return Format.OPENMETRICS;
    }
    return Format.PROMETHEUS_TEXT;
  }

  /**
   * Whether to gzip the response: {@code gzip} (or {@code x-gzip}, or {@code *} when gzip is not
   * named) with a quality above zero.
   */
  public static boolean gzip(@Nullable String acceptEncoding) {
    if (acceptEncoding == null || acceptEncoding.isBlank()) {
      return false;
    }
    String header =
        acceptEncoding.length() > MAX_HEADER
            ? acceptEncoding.substring(0, MAX_HEADER)
            : acceptEncoding;
    double gzipQ = -1;
    double anyQ = -1;
    for (String coding : header.split(",", -1)) {
      String[] parts = coding.split(";", -1);
      String name = parts[0].trim().toLowerCase(Locale.ROOT);
      double q = 1;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].trim();
        if (param.length() > 2 && (param.charAt(0) == 'q' || param.charAt(0) == 'Q')) {
          int eq = param.indexOf('=');
          if (eq > 0 && param.substring(0, eq).trim().equalsIgnoreCase("q")) {
            q = quality(param.substring(eq + 1).trim());
          }
        }
      }
      if (name.equals("gzip") || name.equals("x-gzip")) {
        gzipQ = Math.max(gzipQ, q);
      } else if (name.equals("*")) {
        anyQ = Math.max(anyQ, q);
      }
    }
    return gzipQ >= 0 ? gzipQ > 0 : anyQ > 0;
  }

  private static boolean better(double q, int specificity, double bestQ, int bestSpecificity) {
    return q > bestQ || (q == bestQ && specificity > bestSpecificity);
  }

  private static double quality(String value) {
    try {
      double q = Double.parseDouble(value);
      return Double.isNaN(q) ? 0 : Math.max(0, Math.min(1, q));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String unquote(String value) {
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }
}
