package dev.observability.health.internal;

import java.util.Objects;

/** The rule for health check names. */
public final class CheckNames {

  private CheckNames() {}

  /**
   * Returns {@code name} when it is 1 to 64 letters, digits, {@code _}, {@code .} or {@code -},
   * starting with a letter or digit.
   *
   * @throws IllegalArgumentException otherwise, saying what is allowed
   */
  public static String validate(String name) {
    Objects.requireNonNull(name, "name");
    boolean valid = !name.isEmpty() && name.length() <= 64 && isLetterOrDigit(name.charAt(0));
    for (int i = 1; valid && i < name.length(); i++) {
      char c = name.charAt(i);
      valid = isLetterOrDigit(c) || c == '_' || c == '.' || c == '-';
    }
    if (!valid) {
      throw new IllegalArgumentException(
          "health check name '"
              + printable(name)
              + "' is not valid: use 1 to 64 ASCII letters, digits, '_', '.' or '-', starting"
              + " with a letter or digit (for example 'database' or 'payment-gateway')");
    }
    return name;
  }

  private static boolean isLetterOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static String printable(String name) {
    String shown = name.length() > 80 ? name.substring(0, 77) + "..." : name;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }
}
