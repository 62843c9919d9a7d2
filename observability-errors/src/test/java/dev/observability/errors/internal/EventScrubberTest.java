package dev.observability.errors.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.scrub.Scrubber;
import io.sentry.Breadcrumb;
import io.sentry.Hint;
import io.sentry.SentryEvent;
import io.sentry.protocol.Message;
import io.sentry.protocol.Request;
import io.sentry.protocol.SentryException;
import io.sentry.protocol.User;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every part of an event passes through the scrubber. The scrubber here masks one marker word and a
 * few keys, so that what is asserted is the routing, not the policy (which core's scrubber owns and
 * {@code ScrubbingTest} checks end to end).
 */
class EventScrubberTest {

  private static final String SECRET = "hunter2";
  private static final String MASK = "[MASKED]";

  private final List<Throwable> failures = new ArrayList<>();

  @Test
  void scrub_routesEveryTextFieldThroughTheScrubber() {
    EventScrubber scrubber = new EventScrubber(new MarkerScrubber(), true, false, failures::add);
    SentryEvent event = eventFullOfSecrets();

    SentryEvent result = scrubber.execute(event, new Hint());

    assertThat(result).isSameAs(event);
    assertThat(event.getMessage().getFormatted()).isEqualTo("login " + MASK);
    assertThat(event.getMessage().getMessage()).isEqualTo("login " + MASK);
    assertThat(event.getMessage().getParams()).containsExactly(MASK);
    assertThat(event.getExceptions().get(0).getValue()).isEqualTo("bad " + MASK);
    assertThat(event.getTransaction()).isEqualTo("GET /" + MASK);
    assertThat(event.getRequest().getUrl()).isEqualTo("https://x/" + MASK);
    assertThat(event.getRequest().getQueryString()).isEqualTo("q=" + MASK);
    assertThat(event.getRequest().getCookies()).isNull();
    assertThat(event.getRequest().getHeaders())
        .containsEntry("Authorization", MASK)
        .containsEntry("Referer", "https://x/?" + MASK);
    assertThat(event.getRequest().getData()).isEqualTo(Map.of("password", MASK, "note", MASK));
    assertThat(event.getRequest().getEnvs()).containsEntry("SECRET_ENV", MASK);
    assertThat(event.getUser().getId()).isEqualTo("user-1");
    assertThat(event.getUser().getEmail()).isEqualTo(MASK + "@example.com");
    assertThat(event.getUser().getIpAddress()).isNull();
    assertThat(event.getExtras())
        .containsEntry("password", MASK)
        .containsEntry("nested", Map.of("list", List.of(MASK, 7)));
    assertThat(event.getContexts().get("custom")).isEqualTo(Map.of("note", MASK));
    assertThat(event.getTags())
        .containsEntry("password", MASK)
        .containsEntry("endpoint", "/" + MASK)
        .containsEntry("trace_id", "0af7651916cd43dd8448eb211c80319c");
    Breadcrumb crumb = event.getBreadcrumbs().get(0);
    assertThat(crumb.getMessage()).isEqualTo("crumb " + MASK);
    assertThat(crumb.getData()).containsEntry("password", MASK).containsEntry("text", MASK);
    assertThat(failures).isEmpty();
  }

  @Test
  void scrub_withoutDefaultPii_dropsUserFieldsOtherThanId() {
    EventScrubber scrubber = new EventScrubber(new MarkerScrubber(), false, false, failures::add);
    SentryEvent event = eventFullOfSecrets();

    scrubber.execute(event, new Hint());

    assertThat(event.getUser().getId()).isEqualTo("user-1");
    assertThat(event.getUser().getEmail()).isNull();
    assertThat(event.getUser().getUsername()).isNull();
    assertThat(event.getUser().getData()).isNull();
  }

  @Test
  void beforeBreadcrumb_scrubsMessageAndData() {
    EventScrubber scrubber = new EventScrubber(new MarkerScrubber(), false, false, failures::add);
    Breadcrumb crumb = new Breadcrumb("sent " + SECRET);
    crumb.setData("authorization", "Bearer x");

    Breadcrumb result = scrubber.execute(crumb, new Hint());

    assertThat(result).isSameAs(crumb);
    assertThat(crumb.getMessage()).isEqualTo("sent " + MASK);
    assertThat(crumb.getData()).containsEntry("authorization", MASK);
  }

  @Test
  void scrubberFailure_dropsTheEventAndReportsIt() {
    Scrubber broken =
        new MarkerScrubber() {
          @Override
          public String scrub(String text) {
            throw new IllegalStateException("scrubber bug");
          }
        };
    EventScrubber scrubber = new EventScrubber(broken, false, false, failures::add);

    assertThat(scrubber.execute(eventFullOfSecrets(), new Hint())).isNull();
    assertThat(failures).singleElement().satisfies(e -> assertThat(e).hasMessage("scrubber bug"));
  }

  private static SentryEvent eventFullOfSecrets() {
    SentryEvent event = new SentryEvent();
    Message message = new Message();
    message.setFormatted("login " + SECRET);
    message.setMessage("login " + SECRET);
    message.setParams(List.of(SECRET));
    event.setMessage(message);
    SentryException exception = new SentryException();
    exception.setValue("bad " + SECRET);
    event.setExceptions(List.of(exception));
    event.setTransaction("GET /" + SECRET);
    Request request = new Request();
    request.setUrl("https://x/" + SECRET);
    request.setQueryString("q=" + SECRET);
    request.setCookies("session=" + SECRET);
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Authorization", "Basic abc");
    headers.put("Referer", "https://x/?" + SECRET);
    request.setHeaders(headers);
    request.setData(Map.of("password", "plain", "note", SECRET));
    request.setEnvs(Map.of("SECRET_ENV", SECRET));
    event.setRequest(request);
    User user = new User();
    user.setId("user-1");
    user.setEmail(SECRET + "@example.com");
    user.setUsername(SECRET);
    user.setIpAddress("203.0.113.9");
    user.setData(Map.of("k", SECRET));
    event.setUser(user);
    event.setExtra("password", "plain");
    event.setExtra("nested", Map.of("list", List.of(SECRET, 7)));
    event.getContexts().put("custom", Map.of("note", SECRET));
    event.setTag("password", "plain");
    event.setTag("endpoint", "/" + SECRET);
    event.setTag("trace_id", "0af7651916cd43dd8448eb211c80319c");
    Breadcrumb crumb = new Breadcrumb("crumb " + SECRET);
    crumb.setData("password", "plain");
    crumb.setData("text", SECRET);
    event.addBreadcrumb(crumb);
    return event;
  }

  /** Masks the marker word, and the values of a few keys. */
  static class MarkerScrubber implements Scrubber {
    private static final Set<String> KEYS = Set.of("password", "authorization");

    @Override
    public String scrub(String text) {
      return text.replace(SECRET, MASK);
    }

    @Override
    public void scrubTo(CharSequence text, StringBuilder out) {
      out.append(scrub(text.toString()));
    }

    @Override
    public boolean isSensitiveKey(String key) {
      return KEYS.contains(key.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String scrubValue(String key, String value) {
      return isSensitiveKey(key) ? MASK : scrub(value);
    }

    @Override
    public String mask() {
      return MASK;
    }
  }
}
