package dev.observability.benchmarks.overhead;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The overhead benchmark's scraper and readiness probe: one long-lived process that requests URLs
 * once a second each, as Prometheus scrapes {@code /metrics} and an orchestrator probes {@code
 * /health/ready}, on kept-alive connections, until it is stopped. The script starts it when the app
 * first answers, beside {@code wrk} on the load generator's CPU, so that the warm-up warms the
 * scrape path too and the app's core sees only the requests themselves.
 *
 * <p>(The script used to make these requests from bash over {@code /dev/tcp}, during the measured
 * window only: bash reads a socket one byte per system call, which made each scrape of a 17 KB
 * {@code /metrics} cost tens of milliseconds of CPU on whichever core the scheduler chose, and the
 * scrape path ran cold in the window; both only in the scraped set-ups.)
 *
 * <p>Flags, each repeatable: {@code --scrape URL FILE} and {@code --probe URL FILE} GET {@code URL}
 * once a second, read and drop the body, and append {@code <epoch ms> <status> <ms>} to {@code
 * FILE} per request: the status code, {@code timeout} (no answer within 10 s) or {@code 000} (no
 * connection).
 */
public final class Prober {

  private static final int TIMEOUT_MILLIS = 10_000;

  private Prober() {}

  /**
   * Probes as the flags say until the process is stopped.
   *
   * @param args see the class description
   */
  public static void main(String[] args) throws Exception {
    List<URI> uris = new ArrayList<>();
    List<Path> outs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--scrape", "--probe" -> {
          uris.add(URI.create(args[++i]));
          outs.add(Path.of(args[++i]));
        }
        default -> {
          System.err.println("usage: Prober [--scrape URL FILE] [--probe URL FILE]");
          System.exit(2);
        }
      }
    }
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < uris.size(); i++) {
      URI uri = uris.get(i);
      Path out = outs.get(i);
      Thread thread = new Thread(() -> probe(uri, out), "prober-" + i);
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
  }

  private static void probe(URI uri, Path out) {
    for (long next = System.nanoTime();
        !Thread.currentThread().isInterrupted();
        next += 1_000_000_000L) {
      long at = System.currentTimeMillis();
      long begin = System.nanoTime();
      String status = get(uri);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      append(out, at + " " + status + " " + millis);
      sleepUntil(next + 1_000_000_000L);
    }
  }

  /** The status of a GET of {@code uri}, its body read and dropped: a code, timeout or 000. */
  private static String get(URI uri) {
    HttpURLConnection connection = null;
    try {
      connection = (HttpURLConnection) uri.toURL().openConnection();
      connection.setConnectTimeout(TIMEOUT_MILLIS);
      connection.setReadTimeout(TIMEOUT_MILLIS);
      int status = connection.getResponseCode();
      InputStream body = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      if (body != null) {
        try (body) {
          body.transferTo(OutputStream.nullOutputStream());
        }
      }
      return String.format("%03d", status);
    } catch (SocketTimeoutException e) {
      if (connection != null) {
        connection.disconnect();
      }
      return "timeout";
    } catch (IOException e) {
      return "000";
    }
  }

  private static void sleepUntil(long when) {
    long wait = when - System.nanoTime();
    if (wait > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(wait);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void append(Path out, String line) {
    try (PrintWriter writer =
        new PrintWriter(
            Files.newBufferedWriter(
                out,
                StandardCharsets.UTF_8,
                StandardOpenOption.CREATE,
                StandardOpenOption.APPEND))) {
      writer.println(line);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
