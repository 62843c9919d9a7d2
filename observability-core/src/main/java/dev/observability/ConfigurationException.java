package dev.observability;

import java.util.List;

/**
 * Thrown by {@link Observability#start()} and {@link ObservabilityBuilder#start()} when the
 * configuration is invalid. The message lists every problem found, each with the key, system
 * property and environment variable to change, so that one start-up attempt is enough to see them
 * all.
 */
public final class ConfigurationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Every problem found, one line each (serialized with the exception). */
  private final List<String> problems;

  /**
   * Creates an exception for one or more problems.
   *
   * @param problems the problems, one line each; at least one
   */
  public ConfigurationException(List<String> problems) {
    super(format(problems));
    this.problems = List.copyOf(problems);
  }

  /**
   * Every problem found, one line each.
   *
   * @return the problems, one line each
   */
  public List<String> problems() {
    return problems;
  }

  private static String format(List<String> problems) {
    StringBuilder sb = new StringBuilder();
    sb.append("Invalid observability configuration (")
        .append(problems.size())
        .append(problems.size() == 1 ? " problem" : " problems")
        .append("):");
    for (String problem : problems) {
      sb.append(System.lineSeparator()).append("  - ").append(problem);
    }
    return sb.toString();
  }
}
