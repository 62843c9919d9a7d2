package dev.observability.errors.internal;

import dev.observability.scrub.Scrubber;
import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.SentryOptions;
import io.sentry.protocol.Contexts;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.User;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Sentry's {@code beforeSend} and {@code beforeBreadcrumb}: passes everything an event carries
 * through the instance's {@link Scrubber} just before it is queued: message, exception messages,
 * request (URL, query string, headers, data, environment), user fields other than the id, extras,
 * custom contexts, tags, breadcrumbs and transaction name. Headers named in {@link
 * ErrorEventConvention#MASKED_HEADERS} are masked whatever the scrubber's key rules say; cookies
 * are never sent; the user's IP address only when {@code errors.send-client-ip} is on.
 *
 * <p>Runs on the capturing thread (for events captured before Sentry's client was built, on the
 * thread that builds it), CPU only. A failure while scrubbing drops the event (it is never sent
 * unscrubbed) and is reported as an internal error.
 *
 * <p>Thread-safe (stateless apart from its immutable settings).
 */
final class EventScrubber
    implements SentryOptions.BeforeSendCallback, SentryOptions.BeforeBreadcrumbCallback {

  private static final int MAX_DEPTH = 8;
  private static final int MAX_ENTRIES = 256;

  private final Scrubber scrubber;
  private final boolean sendDefaultPii;
  private final boolean sendClientIp;
  private final Consumer<Throwable> onFailure;

  EventScrubber(
      Scrubber scrubber,
      boolean sendDefaultPii,
      boolean sendClientIp,
      Consumer<Throwable> onFailure) {
    this.scrubber = scrubber;
    this.sendDefaultPii = sendDefaultPii;
    this.sendClientIp = sendClientIp;
    this.onFailure = onFailure;
  }

  @Override
  public @Nullable SentryEvent execute(SentryEvent event, Hint hint) {
    try {
      scrub(event);
      return event;
    } catch (RuntimeException e) {
      onFailure.accept(e);
      return null;
    }
  }

  @Override
  public @Nullable Breadcrumb execute(Breadcrumb breadcrumb, Hint hint) {
    try {
      scrub(breadcrumb);
      return breadcrumb;
    } catch (RuntimeException e) {
      onFailure.accept(e);
      return null;
    }
  }

  /** Scrubs {@code event} in place. */
  void scrub(SentryEvent event) {
    Message message = event.getMessage();
    if (message != null) {
      message.setFormatted(text(message.getFormatted()));
      message.setMessage(text(message.getMessage()));
      List<String> params = message.getParams();
      if (params != null) {
        List<String> scrubbed = new ArrayList<>(params.size());
        for (String param : params) {
          scrubbed.add(scrubber.scrub(param == null ? "" : param));
        }
        message.setParams(scrubbed);
      }
    }
    List<SentryException> exceptions = event.getExceptions();
    if (exceptions != null) {
      for (SentryException exception : exceptions) {
        exception.setValue(text(exception.getValue()));
      }
    }
    event.setTransaction(text(event.getTransaction()));
    Request request = event.getRequest();
    if (request != null) {
      scrub(request);
    }
    User user = event.getUser();
    if (user != null) {
      scrub(user);
    }
    Map<String, Object> extras = event.getExtras();
    if (extras != null) {
      event.setExtras(map(extras, 0));
    }
    scrub(event.getContexts());
    Map<String, String> tags = event.getTags();
    if (tags != null) {
      Map<String, String> scrubbed = new LinkedHashMap<>();
      for (Map.Entry<String, String> tag : tags.entrySet()) {
        String key = tag.getKey();
        String value = tag.getValue();
        boolean ownId =
            ErrorEventConvention.TAG_TRACE_ID.equals(key)
                || ErrorEventConvention.TAG_SPAN_ID.equals(key)
                || ErrorEventConvention.TAG_FINGERPRINT.equals(key);
        scrubbed.put(key, value == null || ownId ? value : scrubber.scrubValue(key, value));
      }
      event.setTags(scrubbed);
    }
    List<Breadcrumb> breadcrumbs = event.getBreadcrumbs();
    if (breadcrumbs != null) {
      for (Breadcrumb breadcrumb : breadcrumbs) {
        scrub(breadcrumb);
      }
    }
  }

  private void scrub(Breadcrumb breadcrumb) {
    String message = breadcrumb.getMessage();
    if (message != null) {
      breadcrumb.setMessage(scrubber.scrub(message));
    }
    Map<String, Object> data = breadcrumb.getData();
    if (!data.isEmpty()) {
      for (Map.Entry<String, Object> entry : new ArrayList<>(data.entrySet())) {
        Object value = value(entry.getKey(), entry.getValue(), 0);
        if (value != null) {
          breadcrumb.setData(entry.getKey(), value);
        }
      }
    }
  }

  private void scrub(Request request) {
    request.setUrl(text(request.getUrl()));
    request.setQueryString(text(request.getQueryString()));
    request.setCookies(null);
    Map<String, String> headers = request.getHeaders();
    if (headers != null) {
      request.setHeaders(headers(headers));
    }
    Object data = request.getData();
    if (data != null) {
      request.setData(value(null, data, 0));
    }
    Map<String, String> envs = request.getEnvs();
    if (envs != null) {
      request.setEnvs(stringMap(envs));
    }
    Map<String, String> others = request.getOthers();
    if (others != null) {
      request.setOthers(stringMap(others));
    }
  }

  private Map<String, String> headers(Map<String, String> headers) {
    Map<String, String> scrubbed = new LinkedHashMap<>();
    for (Map.Entry<String, String> header : headers.entrySet()) {
      if (scrubbed.size() >= ErrorEventConvention.MAX_HEADERS) {
        break;
      }
      String name = header.getKey();
      String value = header.getValue();
      if (name == null || value == null) {
        continue;
      }
      String lower = name.toLowerCase(Locale.ROOT);
      if (!ErrorEventConvention.sendHeader(lower, sendDefaultPii)) {
        continue;
      }
      scrubbed.put(
          name,
          ErrorEventConvention.MASKED_HEADERS.contains(lower)
              ? scrubber.mask()
              : scrubber.scrubValue(name, ErrorEventConvention.cut(value)));
    }
    return scrubbed;
  }

  private void scrub(User user) {
    if (!sendClientIp) {
      user.setIpAddress(null);
    }
    if (sendDefaultPii) {
      user.setEmail(text(user.getEmail()));
      user.setUsername(text(user.getUsername()));
      Map<String, String> data = user.getData();
      if (data != null) {
        user.setData(stringMap(data));
      }
    } else {
      user.setEmail(null);
      user.setUsername(null);
      user.setData(null);
      user.setGeo(null);
    }
  }

  private void scrub(Contexts contexts) {
    List<String> keys = Collections.list(contexts.keys());
    for (String key : keys) {
      Object value = contexts.get(key);
      if (value instanceof Map<?, ?> map) {
        contexts.put(key, map(map, 0));
      } else if (value instanceof String s) {
        contexts.put(key, scrubber.scrubValue(key, s));
      }
    }
  }

  private Map<String, String> stringMap(Map<String, String> map) {
    Map<String, String> scrubbed = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : map.entrySet()) {
      if (scrubbed.size() >= MAX_ENTRIES) {
        break;
      }
      String key = entry.getKey();
      String value = entry.getValue();
      if (key != null && value != null) {
        scrubbed.put(key, scrubber.scrubValue(key, value));
      }
    }
    return scrubbed;
  }

  private Map<String, Object> map(Map<?, ?> map, int depth) {
    Map<String, Object> scrubbed = new LinkedHashMap<>();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      if (scrubbed.size() >= MAX_ENTRIES) {
        break;
      }
      String key = String.valueOf(entry.getKey());
      Object value = value(key, entry.getValue(), depth + 1);
      if (value != null) {
        scrubbed.put(key, value);
      }
    }
    return scrubbed;
  }

  /**
   * A scrubbed copy of a structured value: strings scrubbed by key, maps and collections walked,
   * numbers and booleans kept, anything else turned into its scrubbed string (so that Sentry's
   * serializer never walks an arbitrary object graph).
   */
  private @Nullable Object value(@Nullable String key, @Nullable Object value, int depth) {
    if (value == null) {
      return null;
    }
    if (key != null && scrubber.isSensitiveKey(key)) {
      return scrubber.mask();
    }
    if (value instanceof String s) {
      return key == null ? scrubber.scrub(s) : scrubber.scrubValue(key, s);
    }
    if (value instanceof Number || value instanceof Boolean) {
      return value;
    }
    if (depth >= MAX_DEPTH) {
      return scrubber.mask();
    }
    if (value instanceof Map<?, ?> map) {
      return map(map, depth);
    }
    if (value instanceof Collection<?> collection) {
      List<Object> scrubbed = new ArrayList<>(Math.min(collection.size(), MAX_ENTRIES));
      for (Object element : collection) {
        if (scrubbed.size() >= MAX_ENTRIES) {
          break;
        }
        Object v = value(key, element, depth + 1);
        if (v != null) {
          scrubbed.add(v);
        }
      }
      return scrubbed;
    }
    String text = ErrorEventConvention.cut(String.valueOf(value));
    return key == null ? scrubber.scrub(text) : scrubber.scrubValue(key, text);
  }

  private @Nullable String text(@Nullable String text) {
    return text == null ? null : scrubber.scrub(text);
  }
}
