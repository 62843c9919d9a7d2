package dev.observability.tracing.internal;

import java.net.http.HttpHeaders;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Header fields read as RFC 9110 §5.3 says a recipient may combine them: every field of one name,
 * in order, joined into one value by a comma and a space. So a {@code tracestate} split over two
 * fields is read whole, and two {@code traceparent} fields read as one invalid value.
 *
 * <p>Stateless and thread-safe.
 */
public final class HeaderFields {

  private HeaderFields() {}

  /**
   * The combined value of {@code name} (case-insensitive) in {@code headers}, or null when absent.
   * Allocates nothing when the header is absent or sent once.
   */
  public static @Nullable String combined(HttpHeaders headers, String name) {
    // map() is the headers' own case-insensitive map: no Optional or list copy per lookup.
    List<String> values = headers.map().get(name);
    if (values == null || values.isEmpty()) {
      return null;
    }
    return values.size() == 1 ? values.get(0) : String.join(", ", values);
  }
}
