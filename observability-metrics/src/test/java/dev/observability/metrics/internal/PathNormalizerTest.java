package dev.observability.metrics.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "/api/users/42|/api/users/{id}",
        "/api/users/42/orders/7|/api/users/{id}/orders/{id}",
        "/api/items/7f9c2b1e-8a3d-4c5e-9f10-2b3c4d5e6f70|/api/items/{id}",
        "/api/items/7F9C2B1E-8A3D-4C5E-9F10-2B3C4D5E6F70/x|/api/items/{id}/x",
        "/git/commit/9fceb02d0ae598e95dc970b74767f19372d61af8|/git/commit/{id}",
        "/objects/507f1f77bcf86cd799439011|/objects/{id}",
        "/reports/2024-01-31|/reports/{id}",
        "/price/1.5|/price/{id}",
        "/reset/aZ3kP9qL2xW7|/reset/{id}",
        "/users/alice@example.com/profile|/users/{id}/profile",
        "/cart;jsessionid=ABC123DEF456|/cart",
        "/cart/42;v=1/items|/cart/{id}/items",
        "''|/",
      })
  void identifiers_areReplaced(String path, String expected) {
    assertThat(PathNormalizer.normalize(path)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} is kept")
  @CsvSource({
    "/",
    "/api/users",
    "/api/v2/users",
    "/api/users/{id}",
    "/oauth2/authorize",
    "/static/app.css",
    "/api/users/me/",
    "//double",
    "/deadbeef",
    "/sha256",
  })
  void paths_withoutIdentifiers_areReturnedAsTheSameInstance(String path) {
    assertThat(PathNormalizer.normalize(path)).isSameAs(path);
  }

  @Test
  void longSegment_isAnIdentifier() {
    assertThat(PathNormalizer.normalize("/files/" + "z".repeat(49))).isEqualTo("/files/{id}");
    assertThat(PathNormalizer.normalize("/files/" + "z".repeat(48))).endsWith("z");
  }

  @Test
  void shortMixedSegment_isKept() {
    assertThat(PathNormalizer.normalize("/v1/html5")).isEqualTo("/v1/html5");
  }
}
