package dev.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteTemplatesTest {

  @Test
  void match_variableSegment_matchesAnyOneSegment() {
    RouteTemplates routes = RouteTemplates.of("/api/users/{id}", "/api/users/{id}/orders/{order}");

    assertThat(routes.match("/api/users/42")).isEqualTo("/api/users/{id}");
    assertThat(routes.match("/api/users/42/orders/7")).isEqualTo("/api/users/{id}/orders/{order}");
    assertThat(routes.match("/api/users")).isNull();
    assertThat(routes.match("/api/users/")).isNull();
    assertThat(routes.match("/api/users/42/orders")).isNull();
  }

  @Test
  void match_literalBeatsVariableAtTheSameSegment() {
    RouteTemplates routes = RouteTemplates.of("/api/users/{id}", "/api/users/me");

    assertThat(routes.match("/api/users/me")).isEqualTo("/api/users/me");
    assertThat(routes.match("/api/users/you")).isEqualTo("/api/users/{id}");
  }

  @Test
  void match_literalPrefixThatFailsDeeper_fallsBackToTheVariable() {
    RouteTemplates routes = RouteTemplates.of("/a/b/c", "/a/{x}/d");

    assertThat(routes.match("/a/b/d")).isEqualTo("/a/{x}/d");
    assertThat(routes.match("/a/b/c")).isEqualTo("/a/b/c");
  }

  @Test
  void match_rootAndOddPaths() {
    RouteTemplates routes = RouteTemplates.of("/", "/{name}");

    assertThat(routes.match("/")).isEqualTo("/");
    assertThat(routes.match("/x")).isEqualTo("/{name}");
    assertThat(routes.match("")).isNull();
    assertThat(routes.match("relative")).isNull();
    assertThat(routes.match("/" + "a".repeat(5000))).isNull();
    assertThat(RouteTemplates.empty().match("/x")).isNull();
  }

  @Test
  void match_manyAmbiguousTemplates_staysLinear() {
    // Every level has a literal and a variable; a backtracking matcher would try 2^20 paths.
    List<String> templates = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    StringBuilder variable = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      literal.append("/a");
      variable.append("/{v").append(i).append('}');
      templates.add(literal + "/z");
      templates.add(variable.toString());
    }
    RouteTemplates routes = RouteTemplates.of(templates);

    assertThat(routes.match("/a".repeat(20) + "/y")).isNull();
    assertThat(routes.match("/a".repeat(20))).isEqualTo(variable.toString());
  }

  @Test
  void of_malformedTemplates_areRejected() {
    assertThatThrownBy(() -> RouteTemplates.of("api/users")).hasMessageContaining("start with /");
    assertThatThrownBy(() -> RouteTemplates.of("/api/{}")).hasMessageContaining("without a name");
    assertThatThrownBy(() -> RouteTemplates.of("/api/user-{id}"))
        .hasMessageContaining("whole segment");
  }

  @Test
  void with_addsTemplatesAndKeepsTheOrder() {
    RouteTemplates routes = RouteTemplates.of("/a").with(List.of("/b/{id}"));

    assertThat(routes.templates()).containsExactly("/a", "/b/{id}");
    assertThat(routes.match("/b/1")).isEqualTo("/b/{id}");
  }
}
