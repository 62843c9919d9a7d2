package dev.observability.logging;

import dev.observability.scrub.Scrubber;
import java.util.Locale;

/**
 * A stand-in with a tiny policy (the word {@code hunter2}; keys containing password, token,
 * authorization or api_key), to check that the encoder routes every field through the scrubber. The
 * real policy is tested in core and against the running instance in {@code SecretsTest}.
 */
final class FakeScrubber implements Scrubber {

  static final String MASK = "[MASKED]";

  @Override
  public String scrub(String text) {
    return text.contains("hunter2") ? text.replace("hunter2", MASK) : text;
  }

  @Override
  public void scrubTo(CharSequence text, StringBuilder out) {
    out.append(scrub(text.toString()));
  }

  @Override
  public boolean isSensitiveKey(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("token")
        || k.contains("authorization")
        || k.contains("api_key");
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
