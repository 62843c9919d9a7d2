package dev.observability.servlet.internal;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The request-header getter of an {@code HttpServerObservationContext}: a header sent as several
 * fields reads as one value, the fields joined in order by a comma and a space, as RFC 9110 §5.3
 * says a recipient may combine them ({@code Cookie} fields by a semicolon and a space, as RFC 6265
 * and RFC 9113 §8.2.3 say). So a {@code tracestate} or {@code baggage} split over fields is read
 * whole, and two {@code traceparent} fields read as one invalid value, as W3C Trace Context
 * requires; {@code HttpServletRequest.getHeader} alone returns only the first field.
 *
 * <p>A header that is absent costs one {@code getHeader} call, as before; one that is present also
 * asks the container for its fields ({@code getHeaders}), and only a header sent more than once
 * builds a new string.
 *
 * <p>Also lists the request's header names ({@link #get}), so that one object per request serves
 * both of the context's header readers.
 *
 * <p>One instance per request; used on the threads that handle that request.
 */
public final class RequestHeaders
    implements Function<String, @Nullable String>, Supplier<Iterable<String>> {

  private final HttpServletRequest request;

  /** The getter for {@code request}'s headers. */
  public RequestHeaders(HttpServletRequest request) {
    this.request = Objects.requireNonNull(request, "request");
  }

  @Override
  public @Nullable String apply(String name) {
    return combined(request, name);
  }

  /** The names of the request's headers, as the container lists them. */
  @Override
  public Iterable<String> get() {
    return Collections.list(request.getHeaderNames());
  }

  /** Every field of {@code name} in {@code request}, combined; null when absent. */
  public static @Nullable String combined(HttpServletRequest request, String name) {
    String first = request.getHeader(name);
    if (first == null) {
      return null;
    }
    Enumeration<String> fields = request.getHeaders(name);
    if (fields == null || !fields.hasMoreElements()) {
      // A container may refuse to list headers; the first field is all there is to read.
      return first;
    }
    String head = fields.nextElement();
    if (!fields.hasMoreElements()) {
      return head;
    }
    String separator = name.equalsIgnoreCase("cookie") ? "; " : ", ";
    StringBuilder combined = new StringBuilder(head.length() * 2 + 16).append(head);
    while (fields.hasMoreElements()) {
      combined.append(separator).append(fields.nextElement());
    }
    return combined.toString();
  }
}
