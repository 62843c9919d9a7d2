package dev.observability.tracing.internal;

import dev.observability.HttpClientObservationContext;
import io.opentelemetry.api.trace.SpanContext;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The response headers by which a service tells its caller that it kept the caller's trace: {@code
 * traceresponse} (W3C Trace Context Level 2, the draft's {@code version "-" trace-id "-" child-id
 * "-" trace-flags}, written with version {@code 00}) and, for browsers, {@code Server-Timing:
 * traceparent;desc="00-{trace-id}-{span-id}-01"}. Only the sampled flag is read: it says that the
 * callee kept the trace.
 *
 * <p>Reading is strict where a mistake would keep an unrelated trace: the trace id must be the one
 * the call was made with; an invalid value (version {@code ff}, an all-zero id, upper-case hex, a
 * version {@code 00} value of another length, two fields joined by a comma) says nothing.
 *
 * <p>Stateless and thread-safe; reading allocates nothing and never throws.
 */
public final class TraceResponse {

  /** The W3C Level 2 response header. */
  public static final String TRACERESPONSE = "traceresponse";

  /** The header browsers expose to scripts. */
  public static final String SERVER_TIMING = "Server-Timing";

  /** The Server-Timing metric name that carries the trace. */
  static final String SERVER_TIMING_METRIC = "traceparent";

  private static final int LENGTH = 55;
  private static final int TRACE_ID_OFFSET = 3;
  private static final int SPAN_ID_OFFSET = 36;
  private static final int FLAGS_OFFSET = 53;

  private TraceResponse() {}

  /** The {@code traceresponse} value that says {@code server}'s trace was kept. */
  public static String value(SpanContext server) {
    return "00-" + server.getTraceId() + '-' + server.getSpanId() + "-01";
  }

  /** The {@code Server-Timing} field that carries {@link #value}. */
  public static String serverTiming(String value) {
    return SERVER_TIMING_METRIC + ";desc=\"" + value + '"';
  }

  /**
   * Whether the response headers say that the callee kept the trace {@code traceId}: {@code
   * traceresponse}, else a {@code traceparent} metric of {@code Server-Timing}, is valid, names
   * {@code traceId} and has the sampled flag.
   *
   * @param headers reads one response header by name, repeated fields joined by commas, or null
   */
  public static boolean keeps(Function<String, @Nullable String> headers, String traceId) {
    String traceresponse = headers.apply(TRACERESPONSE);
    if (traceresponse != null) {
      return keeps(traceresponse, 0, traceresponse.length(), traceId);
    }
    String serverTiming = headers.apply(SERVER_TIMING);
    return serverTiming != null && serverTimingKeeps(serverTiming, traceId);
  }

  /** As {@link #keeps(Function, String)}, for the response of an observed call. */
  public static boolean keeps(HttpClientObservationContext call, String traceId) {
    String traceresponse = call.getResponseHeader(TRACERESPONSE);
    if (traceresponse != null) {
      return keeps(traceresponse, 0, traceresponse.length(), traceId);
    }
    String serverTiming = call.getResponseHeader(SERVER_TIMING);
    return serverTiming != null && serverTimingKeeps(serverTiming, traceId);
  }

  /**
   * Whether {@code value[from, to)}, spaces and tabs around it ignored, is a valid traceparent-form
   * value naming {@code traceId} with the sampled flag.
   */
  static boolean keeps(String value, int from, int to, String traceId) {
    int start = from;
    int end = to;
    while (start < end && isOws(value.charAt(start))) {
      start++;
    }
    while (end > start && isOws(value.charAt(end - 1))) {
      end--;
    }
    int length = end - start;
    if (length < LENGTH) {
      return false;
    }
    char v0 = value.charAt(start);
    char v1 = value.charAt(start + 1);
    if (!isLowerHex(v0) || !isLowerHex(v1) || (v0 == 'f' && v1 == 'f')) {
      return false;
    }
    if (v0 == '0' && v1 == '0') {
      if (length != LENGTH) {
        return false;
      }
    } else if (length > LENGTH && value.charAt(start + LENGTH) != '-') {
      return false;
    }
    for (int i = start; i < end; i++) {
      if (value.charAt(i) == ',') {
        // Two fields: which one to believe is not known.
        return false;
      }
    }
    if (value.charAt(start + 2) != '-'
        || value.charAt(start + SPAN_ID_OFFSET - 1) != '-'
        || value.charAt(start + FLAGS_OFFSET - 1) != '-'
        || !isNonZeroLowerHex(value, start + SPAN_ID_OFFSET, start + FLAGS_OFFSET - 1)
        || traceId.length() != SPAN_ID_OFFSET - 1 - TRACE_ID_OFFSET
        || !value.regionMatches(start + TRACE_ID_OFFSET, traceId, 0, traceId.length())
        || !isNonZeroLowerHex(traceId, 0, traceId.length())) {
      return false;
    }
    char f0 = value.charAt(start + FLAGS_OFFSET);
    char f1 = value.charAt(start + FLAGS_OFFSET + 1);
    return isLowerHex(f0) && isLowerHex(f1) && (hexValue(f1) & 1) == 1;
  }

  /**
   * Whether a {@code Server-Timing} value (RFC 8673 / W3C Server Timing: metrics separated by
   * commas, parameters by semicolons, values as tokens or quoted strings) has a {@code traceparent}
   * metric whose {@code desc} keeps {@code traceId}.
   */
  static boolean serverTimingKeeps(String header, String traceId) {
    int i = 0;
    int n = header.length();
    while (i < n) {
      // One metric: name, then parameters, up to a comma outside quotes.
      i = skipOws(header, i, n);
      int nameStart = i;
      while (i < n && isTokenChar(header.charAt(i))) {
        i++;
      }
      boolean ours =
          i - nameStart == SERVER_TIMING_METRIC.length()
              && header.regionMatches(
                  true, nameStart, SERVER_TIMING_METRIC, 0, SERVER_TIMING_METRIC.length());
      while (true) {
        i = skipOws(header, i, n);
        if (i >= n || header.charAt(i) != ';') {
          break;
        }
        i = skipOws(header, i + 1, n);
        int paramStart = i;
        while (i < n && isTokenChar(header.charAt(i))) {
          i++;
        }
        boolean desc = i - paramStart == 4 && header.regionMatches(true, paramStart, "desc", 0, 4);
        i = skipOws(header, i, n);
        if (i >= n || header.charAt(i) != '=') {
          continue;
        }
        i = skipOws(header, i + 1, n);
        int valueStart;
        int valueEnd;
        if (i < n && header.charAt(i) == '"') {
          valueStart = i + 1;
          int close = valueStart;
          while (close < n && header.charAt(close) != '"') {
            // A quoted-pair: the traceparent form has none, so an escape makes the value not ours.
            close += header.charAt(close) == '\\' ? 2 : 1;
          }
          if (close >= n) {
            return false;
          }
          valueEnd = close;
          i = close + 1;
        } else {
          valueStart = i;
          while (i < n && isTokenChar(header.charAt(i))) {
            i++;
          }
          valueEnd = i;
        }
        if (ours && desc) {
          return keeps(header, valueStart, valueEnd, traceId);
        }
      }
      // Skip to the next metric.
      while (i < n && header.charAt(i) != ',') {
        i++;
      }
      i++;
    }
    return false;
  }

  private static int skipOws(String text, int i, int n) {
    while (i < n && isOws(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** RFC 9110 tchar. */
  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
  }

  private static boolean isNonZeroLowerHex(String text, int from, int to) {
    boolean nonZero = false;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!isLowerHex(c)) {
        return false;
      }
      nonZero |= c != '0';
    }
    return nonZero;
  }

  private static boolean isLowerHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
  }

  private static int hexValue(char c) {
    return c <= '9' ? c - '0' : c - 'a' + 10;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}
