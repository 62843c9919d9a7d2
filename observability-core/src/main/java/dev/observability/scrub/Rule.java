package dev.observability.scrub;

/**
 * The fixed set of rules that mask data; each is the {@code rule} tag of {@code
 * observability_scrubbed_total}. Kept small and closed so that the counter's cardinality is known.
 */
enum Rule {
  KEY("key"),
  CARD("card"),
  SSN("ssn"),
  JWT("jwt"),
  BEARER("bearer"),
  BASIC("basic"),
  PRIVATE_KEY("private_key"),
  AWS_KEY("aws_key"),
  GITHUB_TOKEN("github_token"),
  SLACK_TOKEN("slack_token"),
  STRIPE_KEY("stripe_key"),
  GOOGLE_API_KEY("google_api_key"),
  URL_CREDENTIALS("url_credentials"),
  KEY_VALUE("key_value"),
  EMAIL("email"),
  CUSTOM("custom");

  private static final Rule[] VALUES = values();

  private final String tag;

  Rule(String tag) {
    this.tag = tag;
  }

  /** The value of the {@code rule} tag. */
  String tag() {
    return tag;
  }

  static Rule[] all() {
    return VALUES;
  }
}
