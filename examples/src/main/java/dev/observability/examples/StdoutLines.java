package dev.observability.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the JSON lines (lines that start with an opening brace) written to standard output, so
 * that the traffic summary can say how many log lines the logging module wrote. Installed before
 * the SDK starts, in front of the real standard output.
 */
final class StdoutLines extends OutputStream {

  private final OutputStream out;
  private final AtomicLong jsonLines = new AtomicLong();
  private boolean atLineStart = true;
  private boolean jsonLine;

  private StdoutLines(OutputStream out) {
    this.out = out;
  }

  /** Puts a counter in front of {@link System#out} and returns it. */
  static StdoutLines install() {
    PrintStream original = System.out;
    StdoutLines counter = new StdoutLines(original);
    System.setOut(new PrintStream(counter, true, Charset.defaultCharset()));
    return counter;
  }

  /** JSON lines written so far. */
  long jsonLines() {
    return jsonLines.get();
  }

  @Override
  public synchronized void write(int b) throws IOException {
    count(b);
    out.write(b);
  }

  @Override
  public synchronized void write(byte[] b, int off, int len) throws IOException {
    for (int i = off; i < off + len; i++) {
      count(b[i]);
    }
    out.write(b, off, len);
  }

  private void count(int b) {
    if (atLineStart) {
      jsonLine = b == '{';
      atLineStart = false;
    }
    if (b == '\n') {
      if (jsonLine) {
        jsonLines.incrementAndGet();
      }
      atLineStart = true;
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }
}
