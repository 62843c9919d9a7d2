package dev.observability.servlet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Route templates a host registers, such as {@code /api/users/{id}}, compiled into a segment tree
 * that finds the template of a request path without regular expressions.
 *
 * <p>A template is {@code /}-separated segments; a segment is a literal or a whole-segment variable
 * {@code {name}} that matches any one non-empty segment. When several templates match, the one with
 * a literal where the others have a variable wins, segment by segment from the left ({@code
 * /api/users/me} beats {@code /api/users/{id}} for {@code /api/users/me}). Matching takes time
 * linear in the size of the tree and never allocates; paths longer than 2,048 characters match
 * nothing.
 *
 * <p>Immutable and thread-safe.
 */
public final class RouteTemplates {

  private static final int MAX_PATH_LENGTH = 2048;
  private static final RouteTemplates EMPTY = new RouteTemplates(new Node(), List.of());

  private final Node root;
  private final List<String> templates;

  private RouteTemplates(Node root, List<String> templates) {
    this.root = root;
    this.templates = templates;
  }

  /**
   * No templates: {@link #match(String)} always returns null.
   *
   * @return the empty set
   */
  public static RouteTemplates empty() {
    return EMPTY;
  }

  /**
   * Compiles {@code templates}.
   *
   * @param templates the templates, such as {@code /api/users/{id}}
   * @return the compiled templates
   * @throws IllegalArgumentException when a template does not start with {@code /}, has a variable
   *     that is not a whole segment, or an empty variable name
   */
  public static RouteTemplates of(String... templates) {
    return of(Arrays.asList(templates));
  }

  /**
   * Compiles {@code templates}.
   *
   * @param templates the templates, such as {@code /api/users/{id}}
   * @return the compiled templates
   * @throws IllegalArgumentException see {@link #of(String...)}
   */
  public static RouteTemplates of(Collection<String> templates) {
    Node root = new Node();
    List<String> all = new ArrayList<>();
    for (String template : templates) {
      Objects.requireNonNull(template, "template");
      add(root, template);
      all.add(template);
    }
    return new RouteTemplates(root, List.copyOf(all));
  }

  /**
   * A copy with {@code more} templates added.
   *
   * @param more the templates to add
   * @return the new set
   */
  public RouteTemplates with(Collection<String> more) {
    List<String> all = new ArrayList<>(templates);
    all.addAll(more);
    return of(all);
  }

  /**
   * The templates, in the order given.
   *
   * @return the templates
   */
  public List<String> templates() {
    return templates;
  }

  /**
   * Whether there are no templates.
   *
   * @return true when there are none
   */
  public boolean isEmpty() {
    return templates.isEmpty();
  }

  /**
   * The template that matches {@code path} (a path without query string, such as {@code
   * /api/users/42}), or null when none does.
   *
   * @param path the request path
   * @return the matching template, or null
   */
  public @Nullable String match(String path) {
    if (templates.isEmpty()
        || path.isEmpty()
        || path.charAt(0) != '/'
        || path.length() > MAX_PATH_LENGTH) {
      return null;
    }
    return match(root, path, 1);
  }

  /**
   * Matches the segment of {@code path} that starts at {@code start} (just after a {@code /})
   * against the children of {@code node}. Every node sits at one depth and the path is fixed, so
   * each node is tried at most once: the search is linear in the size of the tree.
   */
  private static @Nullable String match(Node node, String path, int start) {
    int end = path.indexOf('/', start);
    boolean last = end < 0;
    if (last) {
      end = path.length();
    }
    int length = end - start;
    for (Node child : node.literals) {
      String segment = child.segment;
      if (segment.length() == length && path.regionMatches(start, segment, 0, length)) {
        String found = last ? child.template : match(child, path, end + 1);
        if (found != null) {
          return found;
        }
      }
    }
    if (node.variable != null && length > 0) {
      return last ? node.variable.template : match(node.variable, path, end + 1);
    }
    return null;
  }

  private static void add(Node root, String template) {
    if (!template.startsWith("/")) {
      throw new IllegalArgumentException("route template '" + template + "' must start with /");
    }
    Node node = root;
    String[] segments = template.substring(1).split("/", -1);
    for (String segment : segments) {
      boolean variable = segment.startsWith("{") && segment.endsWith("}");
      if (variable && segment.length() <= 2) {
        throw new IllegalArgumentException(
            "route template '" + template + "' has a variable without a name");
      }
      if (!variable && (segment.indexOf('{') >= 0 || segment.indexOf('}') >= 0)) {
        throw new IllegalArgumentException(
            "route template '"
                + template
                + "': a variable must be a whole segment, like /users/{id}");
      }
      node = variable ? node.variable() : node.literal(segment);
    }
    if (node.template == null) {
      node.template = template;
    }
  }

  @Override
  public String toString() {
    return "RouteTemplates" + templates;
  }

  /** A node of the tree; mutated only while compiling. */
  private static final class Node {
    final String segment;
    Node[] literals = new Node[0];
    @Nullable Node variable;
    @Nullable String template;

    Node() {
      this("");
    }

    Node(String segment) {
      this.segment = segment;
    }

    Node literal(String name) {
      for (Node child : literals) {
        if (child.segment.equals(name)) {
          return child;
        }
      }
      Node child = new Node(name);
      literals = Arrays.copyOf(literals, literals.length + 1);
      literals[literals.length - 1] = child;
      return child;
    }

    Node variable() {
      if (variable == null) {
        variable = new Node("{}");
      }
      return variable;
    }
  }
}
