package dev.observability.benchmarks.overhead;

import io.opentelemetry.instrumentation.annotations.WithSpan;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * The child operation of {@code GET /work}: a little CPU work on a small string. Annotated with
 * OpenTelemetry's {@link WithSpan} so that the Java agent traces it; the SDK set-up wraps the same
 * call in {@code Observability.observe("child", ...)}. Without an agent the annotation does
 * nothing.
 *
 * <p>Stateless and thread-safe.
 */
final class OverheadWork {

  private OverheadWork() {}

  /** Computes the item name and checksum that the response carries for request {@code n}. */
  @WithSpan("child")
  static Item child(long n) {
    String name = "item-" + n;
    CRC32 crc = new CRC32();
    crc.update(name.getBytes(StandardCharsets.US_ASCII));
    return new Item(name, crc.getValue());
  }

  /**
   * What the child operation returns.
   *
   * @param name the item's name
   * @param checksum a CRC32 of the name
   */
  record Item(String name, long checksum) {}

  /**
   * The JSON body of {@code GET /work}.
   *
   * @param request the request's sequence number in this process
   * @param item the child operation's result
   * @param status always {@code "ok"}
   */
  record Response(long request, Item item, String status) {}
}
