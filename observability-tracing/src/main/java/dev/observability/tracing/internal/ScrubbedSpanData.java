package dev.observability.tracing.internal;

import dev.observability.scrub.Scrubber;
import dev.observability.tracing.SamplingPolicy;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.AttributeType;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.trace.data.DelegatingSpanData;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * A span as it is exported: its name, string attribute values (of the span, its events, among them
 * {@code exception.message} and {@code exception.stacktrace}, and its links) and status description
 * passed through the {@link Scrubber}, plus the {@code sampling.policy} attribute on a kept local
 * root.
 *
 * <p>Built on the export thread, once per exported span; immutable afterwards. Parts that the
 * scrubber leaves unchanged are shared with the original, not copied.
 */
final class ScrubbedSpanData extends DelegatingSpanData {

  private final String name;
  private final Attributes attributes;
  private final int totalAttributeCount;
  private final List<EventData> events;
  private final List<LinkData> links;
  private final StatusData status;

  ScrubbedSpanData(SpanData delegate, Scrubber scrubber, @Nullable SamplingPolicy policy) {
    super(delegate);
    this.name = scrubber.scrub(delegate.getName());
    Attributes scrubbed = scrub(delegate.getAttributes(), scrubber);
    if (policy != null) {
      scrubbed = scrubbed.toBuilder().put(SamplingPolicy.ATTRIBUTE, policy.value()).build();
      this.totalAttributeCount = delegate.getTotalAttributeCount() + 1;
    } else {
      this.totalAttributeCount = delegate.getTotalAttributeCount();
    }
    this.attributes = scrubbed;
    this.events = scrubEvents(delegate.getEvents(), scrubber);
    this.links = scrubLinks(delegate.getLinks(), scrubber);
    StatusData original = delegate.getStatus();
    String description = original.getDescription();
    String scrubbedDescription = description.isEmpty() ? description : scrubber.scrub(description);
    this.status =
        scrubbedDescription.equals(description)
            ? original
            : StatusData.create(original.getStatusCode(), scrubbedDescription);
  }

  /** Returns {@code attributes} with string values scrubbed; the same instance if none changed. */
  static Attributes scrub(Attributes attributes, Scrubber scrubber) {
    if (attributes.isEmpty()) {
      return attributes;
    }
    // forEach, not asMap(): the SDK's attributes build a HashMap copy for asMap().
    Scrubbing scrubbing = new Scrubbing(scrubber);
    attributes.forEach(scrubbing);
    List<Change> changes = scrubbing.changes;
    if (changes == null) {
      return attributes;
    }
    AttributesBuilder builder = attributes.toBuilder();
    for (Change change : changes) {
      put(builder, change.key(), change.value());
    }
    return builder.build();
  }

  /** Scrubs each string value it is given and collects those that changed. */
  private static final class Scrubbing implements BiConsumer<AttributeKey<?>, Object> {
    private final Scrubber scrubber;
    @Nullable List<Change> changes;

    Scrubbing(Scrubber scrubber) {
      this.scrubber = scrubber;
    }

    @Override
    public void accept(AttributeKey<?> key, Object value) {
      Object replacement = null;
      if (key.getType() == AttributeType.STRING && value instanceof String text) {
        String clean = scrubber.scrubValue(key.getKey(), text);
        if (!clean.equals(text)) {
          replacement = clean;
        }
      } else if (key.getType() == AttributeType.STRING_ARRAY && value instanceof List<?> list) {
        List<String> clean = new ArrayList<>(list.size());
        boolean changed = false;
        for (Object item : list) {
          String text = String.valueOf(item);
          String scrubbed = scrubber.scrubValue(key.getKey(), text);
          changed |= !scrubbed.equals(text);
          clean.add(scrubbed);
        }
        if (changed) {
          replacement = clean;
        }
      }
      if (replacement != null) {
        if (changes == null) {
          changes = new ArrayList<>();
        }
        changes.add(new Change(key, replacement));
      }
    }
  }

  private record Change(AttributeKey<?> key, Object value) {}

  @SuppressWarnings("unchecked") // the key's type was checked when the replacement was made
  private static void put(AttributesBuilder builder, AttributeKey<?> key, Object value) {
    if (key.getType() == AttributeType.STRING) {
      builder.put((AttributeKey<String>) key, (String) value);
    } else {
      builder.put((AttributeKey<List<String>>) key, (List<String>) value);
    }
  }

  private static List<EventData> scrubEvents(List<EventData> events, Scrubber scrubber) {
    if (events.isEmpty()) {
      return events;
    }
    List<EventData> result = null;
    for (int i = 0; i < events.size(); i++) {
      EventData event = events.get(i);
      Attributes original = event.getAttributes();
      Attributes clean = scrub(original, scrubber);
      if (clean != original && result == null) {
        result = new ArrayList<>(events.subList(0, i));
      }
      if (result != null) {
        result.add(
            clean == original
                ? event
                : EventData.create(
                    event.getEpochNanos(), event.getName(), clean, event.getTotalAttributeCount()));
      }
    }
    return result == null ? events : List.copyOf(result);
  }

  private static List<LinkData> scrubLinks(List<LinkData> links, Scrubber scrubber) {
    if (links.isEmpty()) {
      return links;
    }
    List<LinkData> result = new ArrayList<>(links.size());
    boolean changed = false;
    for (LinkData link : links) {
      Attributes original = link.getAttributes();
      Attributes clean = scrub(original, scrubber);
      if (clean != original) {
        changed = true;
        result.add(LinkData.create(link.getSpanContext(), clean, link.getTotalAttributeCount()));
      } else {
        result.add(link);
      }
    }
    return changed ? List.copyOf(result) : links;
  }

  @Override
  public String getName() {
    return name;
  }

  @Override
  public Attributes getAttributes() {
    return attributes;
  }

  @Override
  public int getTotalAttributeCount() {
    return totalAttributeCount;
  }

  @Override
  public List<EventData> getEvents() {
    return events;
  }

  @Override
  public List<LinkData> getLinks() {
    return links;
  }

  @Override
  public StatusData getStatus() {
    return status;
  }
}
