package dev.observability.scrub;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The corpus in {@code secrets.txt}, one {@link Case} per line. */
final class Corpus {

  /** One line of the corpus. */
  record Case(String rule, String context, String input, String expected, String secret, int line) {

    boolean positive() {
      return !rule.equals("none");
    }

    @Override
    public String toString() {
      return line + ": " + rule + "/" + context + ": " + input.replace("\n", "\\n");
    }
  }

  private Corpus() {}

  static List<Case> cases() {
    List<Case> cases = new ArrayList<>();
    try (InputStream in =
            Objects.requireNonNull(
                Corpus.class.getResourceAsStream("secrets.txt"), "secrets.txt on the class path");
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t", -1);
        if (f.length != 5) {
          throw new IllegalStateException("secrets.txt:" + number + " has " + f.length + " fields");
        }
        String input = unescape(f[2]);
        String expected = f[3].equals("=") ? input : unescape(f[3]);
        cases.add(new Case(f[0], f[1], input, expected, unescape(f[4]), number));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  static List<Case> positives() {
    return cases().stream().filter(Case::positive).toList();
  }

  static String unescape(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char next = s.charAt(++i);
        switch (next) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case '\\' -> sb.append('\\');
          default -> sb.append(c).append(next);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
