package dev.observability.tracing.internal;

import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.TraceStateBuilder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A W3C {@code tracestate} list as an OpenTelemetry {@link TraceState}: members in order, left-most
 * first, keys and values as the {@link TraceContextLevel} in use allows. OpenTelemetry's own trace
 * state accepts only the Level 1 key grammar, so keys of the current draft ({@code 1a}, {@code
 * foo@}, {@code a@b@c}) cannot live in it; spans started under an extracted parent carry this one
 * instead, and every exporter reads it through {@link #forEach}.
 *
 * <p>Immutable and thread-safe. The encoded header is computed once, on first use.
 */
final class W3CTraceState implements TraceState {

  /** Most members a list may have. */
  static final int MAX_MEMBERS = 32;

  private static final int MAX_VALUE_LENGTH = 256;

  private final TraceContextLevel level;
  // key0, value0, key1, value1, ...: left-most member first.
  private final String[] entries;
  private @Nullable String header;

  private W3CTraceState(TraceContextLevel level, String[] entries, @Nullable String header) {
    this.level = level;
    this.entries = entries;
    this.header = header;
  }

  /**
   * Parses a {@code tracestate} field value, repeated fields already joined with commas (RFC 9110
   * §5.3). Spaces and tabs around members and empty members are ignored. The whole list is
   * discarded (the empty trace state is returned) when a member is not {@code key=value} under the
   * level's grammar, when it has more than {@link #MAX_MEMBERS} members, or, at {@link
   * TraceContextLevel#LEVEL_1}, when a key repeats; at {@link TraceContextLevel#LEVEL_2} a repeated
   * key keeps its first occurrence.
   *
   * <p>Linear in the length of {@code combined}; allocates nothing for an absent or empty value.
   */
  static TraceState parse(@Nullable String combined, TraceContextLevel level) {
    if (combined == null || combined.isEmpty()) {
      return TraceState.getDefault();
    }
    int length = combined.length();
    String[] entries = null;
    int size = 0;
    int members = 0;
    // Whether the input is already the canonical encoding (no OWS, no empty or dropped member).
    boolean canonical = true;
    int position = 0;
    while (position <= length) {
      int comma = combined.indexOf(',', position);
      if (comma < 0) {
        comma = length;
      }
      int start = position;
      int end = comma;
      while (start < end && isOws(combined.charAt(start))) {
        start++;
      }
      while (end > start && isOws(combined.charAt(end - 1))) {
        end--;
      }
      if (start == end) {
        canonical = false;
      } else {
        if (start != position || end != comma) {
          canonical = false;
        }
        if (++members > MAX_MEMBERS) {
          return TraceState.getDefault();
        }
        int equals = combined.indexOf('=', start);
        if (equals < 0
            || equals >= end
            || !level.isValidKey(combined, start, equals)
            || !isValidValue(combined, equals + 1, end)) {
          return TraceState.getDefault();
        }
        String key = combined.substring(start, equals);
        if (entries == null) {
          entries = new String[8];
        }
        if (indexOf(entries, size, key) >= 0) {
          if (level.duplicateKeysInvalidate()) {
            return TraceState.getDefault();
          }
          canonical = false;
        } else {
          if (size == entries.length) {
            entries = Arrays.copyOf(entries, Math.min(size * 2, 2 * MAX_MEMBERS));
          }
          entries[size++] = key;
          entries[size++] = combined.substring(equals + 1, end);
        }
      }
      position = comma + 1;
    }
    if (size == 0) {
      return TraceState.getDefault();
    }
    return new W3CTraceState(
        level,
        size == entries.length ? entries : Arrays.copyOf(entries, size),
        canonical ? combined : null);
  }

  /** A builder for an empty list under {@code level}'s grammar. */
  static TraceStateBuilder builder(TraceContextLevel level) {
    return new Builder(level, new ArrayList<>());
  }

  /**
   * The {@code tracestate} field value to send: members joined by commas, left-most first, no
   * optional whitespace.
   */
  String header() {
    String encoded = header;
    if (encoded == null) {
      StringBuilder out = new StringBuilder(16 * entries.length);
      for (int i = 0; i < entries.length; i += 2) {
        if (i > 0) {
          out.append(',');
        }
        out.append(entries[i]).append('=').append(entries[i + 1]);
      }
      encoded = out.toString();
      header = encoded;
    }
    return encoded;
  }

  /** Encodes any trace state as a {@code tracestate} field value. */
  static String encode(TraceState state) {
    if (state instanceof W3CTraceState w3c) {
      return w3c.header();
    }
    StringBuilder out = new StringBuilder();
    state.forEach(
        (key, value) -> {
          if (out.length() > 0) {
            out.append(',');
          }
          out.append(key).append('=').append(value);
        });
    return out.toString();
  }

  @Override
  public @Nullable String get(String key) {
    int index = indexOf(entries, entries.length, key);
    return index < 0 ? null : entries[index + 1];
  }

  @Override
  public int size() {
    return entries.length / 2;
  }

  @Override
  public boolean isEmpty() {
    return entries.length == 0;
  }

  @Override
  public void forEach(BiConsumer<String, String> consumer) {
    for (int i = 0; i < entries.length; i += 2) {
      consumer.accept(entries[i], entries[i + 1]);
    }
  }

  @Override
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    forEach(map::put);
    return Collections.unmodifiableMap(map);
  }

  @Override
  public TraceStateBuilder toBuilder() {
    return new Builder(level, new ArrayList<>(Arrays.asList(entries)));
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof W3CTraceState other && Arrays.equals(entries, other.entries);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(entries);
  }

  @Override
  public String toString() {
    return "W3CTraceState{" + header() + "}";
  }

  private static int indexOf(String[] entries, int size, @Nullable String key) {
    if (key == null) {
      return -1;
    }
    for (int i = 0; i < size; i += 2) {
      if (entries[i].equals(key)) {
        return i;
      }
    }
    return -1;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * {@code value = 0*255(chr) nblk-chr}, {@code chr = %x20 / nblk-chr}, {@code nblk-chr = %x21-2B /
   * %x2D-3C / %x3E-7E}: 1 to 256 printable ASCII characters without {@code ,} and {@code =}, not
   * ending in a space. Leading spaces belong to the value.
   */
  static boolean isValidValue(String text, int from, int to) {
    int length = to - from;
    if (length < 1 || length > MAX_VALUE_LENGTH || text.charAt(to - 1) == ' ') {
      return false;
    }
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < 0x20 || c > 0x7e || c == ',' || c == '=') {
        return false;
      }
    }
    return true;
  }

  /**
   * Builds a changed list as {@link TraceStateBuilder} says: a put adds or moves the member to the
   * front (left), an invalid key or value is ignored, and when a new member would make the list
   * longer than {@link #MAX_MEMBERS} the right-most member is removed, as the draft specifies.
   */
  private static final class Builder implements TraceStateBuilder {
    private final TraceContextLevel level;
    // key0, value0, ...: left-most first.
    private final List<String> entries;

    Builder(TraceContextLevel level, List<String> entries) {
      this.level = level;
      this.entries = entries;
    }

    @Override
    public TraceStateBuilder put(String key, String value) {
      if (key == null
          || value == null
          || !level.isValidKey(key, 0, key.length())
          || !isValidValue(value, 0, value.length())) {
        return this;
      }
      remove(key);
      entries.add(0, value);
      entries.add(0, key);
      if (entries.size() > 2 * MAX_MEMBERS) {
        entries.remove(entries.size() - 1);
        entries.remove(entries.size() - 1);
      }
      return this;
    }

    @Override
    public TraceStateBuilder remove(String key) {
      if (key == null) {
        return this;
      }
      for (int i = 0; i < entries.size(); i += 2) {
        if (entries.get(i).equals(key)) {
          entries.remove(i + 1);
          entries.remove(i);
          return this;
        }
      }
      return this;
    }

    @Override
    public TraceState build() {
      if (entries.isEmpty()) {
        return TraceState.getDefault();
      }
      return new W3CTraceState(level, entries.toArray(new String[0]), null);
    }
  }
}
