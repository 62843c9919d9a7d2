package dev.observability.health.internal;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A minimal JSON writer for objects of strings, numbers and booleans (all the health output needs),
 * escaping strings as RFC 8259 requires: quotation mark, reverse solidus and every control
 * character; also DEL and U+2028/U+2029 (which break JavaScript embedding), and a lone surrogate
 * becomes U+FFFD so that the UTF-8 encoding of the output is always valid.
 *
 * <p>Not thread-safe; one instance per document.
 */
public final class JsonWriter {

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final StringBuilder out;
  private boolean needComma;

  /** A writer with an initial capacity of {@code capacity} characters. */
  public JsonWriter(int capacity) {
    this.out = new StringBuilder(capacity);
  }

  /** Opens an object (as a value). */
  public JsonWriter beginObject() {
    comma();
    out.append('{');
    needComma = false;
    return this;
  }

  /** Closes the current object. */
  public JsonWriter endObject() {
    out.append('}');
    needComma = true;
    return this;
  }

  /** Writes a member name; the next call writes its value. */
  public JsonWriter name(String name) {
    comma();
    string(name);
    out.append(':');
    needComma = false;
    return this;
  }

  /** Writes a string value. */
  public JsonWriter value(String value) {
    comma();
    string(value);
    needComma = true;
    return this;
  }

  /** Writes an integer value. */
  public JsonWriter value(long value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  /** Writes a boolean value. */
  public JsonWriter value(boolean value) {
    comma();
    out.append(value);
    needComma = true;
    return this;
  }

  /**
   * Writes a simple value: a {@link Boolean}, a {@link Long} or {@link Integer}, a finite {@link
   * Double}, a {@link BigInteger} or {@link BigDecimal}; anything else (including a non-finite
   * number) as a string of its {@code toString()}.
   */
  public JsonWriter simpleValue(Object value) {
    if (value instanceof Boolean b) {
      return value(b.booleanValue());
    }
    if (value instanceof Long || value instanceof Integer) {
      return value(((Number) value).longValue());
    }
    if (value instanceof Double d && Double.isFinite(d)) {
      comma();
      out.append(d.doubleValue());
      needComma = true;
      return this;
    }
    if (value instanceof BigInteger || value instanceof BigDecimal) {
      comma();
      out.append(value);
      needComma = true;
      return this;
    }
    return value(String.valueOf(value));
  }

  /** The document written so far. */
  @Override
  public String toString() {
    return out.toString();
  }

  private void comma() {
    if (needComma) {
      out.append(',');
    }
  }

  private void string(String s) {
    out.append('"');
    int n = s.length();
    int run = 0;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && c < 0x7f) {
        continue;
      }
      if (c >= 0xa0 && c != 0x2028 && c != 0x2029 && !Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
        continue;
      }
      out.append(s, run, i);
      escape(c);
      run = i + 1;
    }
    out.append(s, run, n).append('"');
  }

  private void escape(char c) {
    switch (c) {
      case '"' -> out.append("\\\"");
      case '\\' -> out.append("\\\\");
      case '\n' -> out.append("\\n");
      case '\r' -> out.append("\\r");
      case '\t' -> out.append("\\t");
      case '\b' -> out.append("\\b");
      case '\f' -> out.append("\\f");
      default -> {
        // A lone surrogate cannot be encoded as UTF-8: replace it.
        char shown = Character.isSurrogate(c) ? '\ufffd' : c;
        out.append("\\u")
            .append(HEX[(shown >> 12) & 0xf])
            .append(HEX[(shown >> 8) & 0xf])
            .append(HEX[(shown >> 4) & 0xf])
            .append(HEX[shown & 0xf]);
      }
    }
  }
}
