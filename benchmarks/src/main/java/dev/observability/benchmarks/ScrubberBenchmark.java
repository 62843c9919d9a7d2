package dev.observability.benchmarks;

import dev.observability.scrub.Scrubber;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The scrubber against a {@code java.util.regex} alternation of the same rules ({@link
 * ScrubberRegexBaseline}) on (a) clean log messages of 80 to 200 characters, (b) messages with one
 * secret each, (c) a 4 KB JSON body, (d) the string attributes of an exported server span, each
 * value checked by its key first ({@code scrubValue}); and the scrubber alone on pathological
 * inputs at n, 2n and 4n. Set-up checks that both produce the same output on (a) to (d), so both do
 * the same work. Times are per message (per attribute for (d)).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ScrubberBenchmark {

  static final String[] CLEAN = {
    "GET /api/v1/orders/84213/items?page=2&sort=desc completed with status 200 in 12.4 ms for user"
        + " 1042 (region eu-west-1)",
    "Processed batch 2024-06-01T12:30:45.123Z of 512 events from topic payments.settled partition 7"
        + " offset 918273 in 88 ms",
    "Cache miss for key product:sku-55123:v3, loading from database replica db-replica-2.internal"
        + " took 4 ms",
    "User alice logged in from 10.12.4.77 using Mozilla/5.0 (X11; Linux x86_64) after 2 attempts;"
        + " session renewed",
    "Retrying request to https://inventory.internal:8443/v2/stock/reserve (attempt 3 of 5), backoff"
        + " 250 ms, timeout 2 s",
    "Scheduled job nightly-report-export finished: 1234 rows written to"
        + " s3://reports-bucket/2024/06/01/export.csv.gz",
    "JVM pause of 35 ms detected, heap used 812 MB of 2048 MB, GC G1 Young Generation, 14 collections"
        + " since start",
    "Order 7f3c2a9e-41d2-4c7b-9f1e-2b8d6c4a1e90 shipped to warehouse WH-12 with carrier UPS, tracking"
        + " 1Z999AA10123456784"
  };

  static final String[] ONE_SECRET = {
    "Login failed for user bob: password=hunter2 rejected by upstream identity provider after 3"
        + " attempts in 120 ms",
    "Charging card 4111 1111 1111 1111 for order 84213 amount 42.50 EUR via gateway adyen, attempt 1"
        + " of 3",
    "Calling billing API with header Authorization: Bearer"
        + " eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
    "Connecting to postgres://app:s3cr3t-pw@db-primary.internal:5432/orders with pool size 20 and"
        + " timeout 5 s",
    "Uploading with AWS key AKIAIOSFODNN7EXAMPLE to bucket reports-bucket in region us-east-1, 3"
        + " parts of 8 MB",
    "Verification of applicant 4821 with SSN 219-09-9999 completed by agent 77 in 2.3 s, result"
        + " approved",
    "GET /oauth/callback?code=abc123&state=xyz&access_token=ya29.a0AfH6SMBx3kFq9w&expires_in=3599"
        + " returned 302",
    "Push to origin rejected for token ghp_0123456789abcdefghijklmnopqrstuvwxyz (scope repo) by"
        + " branch protection"
  };

  static final String JSON = json();

  /**
   * The string attributes of a server span as the tracing module exports it, key and value, with a
   * custom attribute whose key is sensitive.
   */
  static final String[][] SPAN_ATTRIBUTES = {
    {"http.request.method", "GET"},
    {"url.path", "/api/v1/orders/84213/items"},
    {"url.query", "page=2&sort=desc"},
    {"url.scheme", "http"},
    {"server.address", "orders.internal"},
    {"client.address", "10.12.4.77"},
    {"user_agent.original", "Mozilla/5.0 (X11; Linux x86_64) curl/8.5.0"},
    {"network.protocol.version", "1.1"},
    {"http.route", "/api/v1/orders/{id}/items"},
    {"session.token", "4f9a8c1e77d2"}
  };

  private final Scrubber scrubber = Scrubber.defaults();
  private final ScrubberRegexBaseline regex = new ScrubberRegexBaseline();

  /** A 4 KB order as a JSON body, with a password and a card number among ordinary fields. */
  static String json() {
    StringBuilder sb = new StringBuilder(4200);
    sb.append("{\"order_id\":\"7f3c2a9e-41d2-4c7b-9f1e-2b8d6c4a1e90\",")
        .append("\"created_at\":\"2024-06-01T12:30:45.123Z\",\"currency\":\"EUR\",")
        .append("\"customer\":{\"id\":1042,\"name\":\"Alice Example\",\"tier\":\"gold\",")
        .append("\"password\":\"hunter2\"},")
        .append("\"payment\":{\"method\":\"card\",\"card_number\":\"4111111111111111\",")
        .append("\"expiry\":\"12/29\",\"amount\":4250},\"items\":[");
    for (int i = 0; sb.length() < 3900; i++) {
      sb.append(i == 0 ? "" : ",")
          .append("{\"sku\":\"sku-")
          .append(55_000 + i * 7)
          .append("\",\"name\":\"Widget model ")
          .append(i)
          .append(" in blue\",\"qty\":")
          .append(1 + i % 4)
          .append(",\"unit_price\":")
          .append(999 + i * 13)
          .append(",\"tags\":[\"hardware\",\"blue\"]}");
    }
    return sb.append("],\"notes\":\"leave at the door\"}").toString();
  }

  @Setup(Level.Trial)
  public void checkBothDoTheSameWork() {
    String[] all = Arrays.copyOf(CLEAN, CLEAN.length + ONE_SECRET.length + 1);
    System.arraycopy(ONE_SECRET, 0, all, CLEAN.length, ONE_SECRET.length);
    all[all.length - 1] = JSON;
    for (String text : all) {
      String ours = scrubber.scrub(text);
      String theirs = regex.scrub(text);
      if (!ours.equals(theirs)) {
        throw new IllegalStateException(
            "outputs differ on\n  " + text + "\nscrubber: " + ours + "\nregex:    " + theirs);
      }
    }
    for (String[] attribute : SPAN_ATTRIBUTES) {
      String ours = scrubber.scrubValue(attribute[0], attribute[1]);
      String theirs = regex.scrubValue(attribute[0], attribute[1]);
      if (!ours.equals(theirs)) {
        throw new IllegalStateException(
            "outputs differ on " + attribute[0] + "=" + attribute[1] + ": " + ours + ", " + theirs);
      }
    }
    for (String text : CLEAN) {
      if (scrubber.scrub(text) != text) {
        throw new IllegalStateException("clean message changed: " + text);
      }
    }
    for (String text : ONE_SECRET) {
      if (scrubber.scrub(text).equals(text)) {
        throw new IllegalStateException("secret not found in: " + text);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(8)
  public void cleanMessages_scrubber(Blackhole bh) {
    for (String text : CLEAN) {
      bh.consume(scrubber.scrub(text));
    }
  }

  @Benchmark
  @OperationsPerInvocation(8)
  public void cleanMessages_regex(Blackhole bh) {
    for (String text : CLEAN) {
      bh.consume(regex.scrub(text));
    }
  }

  @Benchmark
  @OperationsPerInvocation(8)
  public void oneSecret_scrubber(Blackhole bh) {
    for (String text : ONE_SECRET) {
      bh.consume(scrubber.scrub(text));
    }
  }

  @Benchmark
  @OperationsPerInvocation(8)
  public void oneSecret_regex(Blackhole bh) {
    for (String text : ONE_SECRET) {
      bh.consume(regex.scrub(text));
    }
  }

  @Benchmark
  public String json4k_scrubber() {
    return scrubber.scrub(JSON);
  }

  @Benchmark
  public String json4k_regex() {
    return regex.scrub(JSON);
  }

  @Benchmark
  @OperationsPerInvocation(10)
  public void spanAttributes_scrubber(Blackhole bh) {
    for (String[] attribute : SPAN_ATTRIBUTES) {
      bh.consume(scrubber.scrubValue(attribute[0], attribute[1]));
    }
  }

  @Benchmark
  @OperationsPerInvocation(10)
  public void spanAttributes_regex(Blackhole bh) {
    for (String[] attribute : SPAN_ATTRIBUTES) {
      bh.consume(regex.scrubValue(attribute[0], attribute[1]));
    }
  }

  /** Pathological inputs of {@code size} characters, for growth at n, 2n, 4n. */
  @State(Scope.Benchmark)
  public static class Pathological {
    @Param({"262144", "524288", "1048576"})
    public int size;

    String digits;
    String eyJ;
    String passwords;

    @Setup(Level.Trial)
    public void build() {
      digits = fill("7");
      eyJ = fill("eyJ");
      passwords = fill("password= ");
    }

    private String fill(String unit) {
      StringBuilder sb = new StringBuilder(size + unit.length());
      while (sb.length() < size) {
        sb.append(unit);
      }
      sb.setLength(size);
      return sb.toString();
    }
  }

  @Benchmark
  public String pathologicalDigits_scrubber(Pathological p) {
    return scrubber.scrub(p.digits);
  }

  @Benchmark
  public String pathologicalEyJ_scrubber(Pathological p) {
    return scrubber.scrub(p.eyJ);
  }

  @Benchmark
  public String pathologicalPasswords_scrubber(Pathological p) {
    return scrubber.scrub(p.passwords);
  }
}
