package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HttpSemconvTest {

  @Test
  void serverSpanName_isSpanName_andReusedForAKnownMethodAndRoute() {
    HttpSemconv.ServerSpanNames names = new HttpSemconv.ServerSpanNames(16);
    for (String method : new String[] {"GET", "POST", "PATCH", "_OTHER"}) {
      for (String route : new String[] {"/orders/{id}", "", null}) {
        assertThat(names.name(method, route)).isEqualTo(HttpSemconv.spanName(method, route));
      }
    }
    assertThat(names.name("_OTHER", "/orders/{id}")).isEqualTo("HTTP /orders/{id}");
    assertThat(names.name("GET", "/orders/{id}")).isSameAs(names.name("GET", "/orders/{id}"));
    assertThat(HttpSemconv.serverSpanName("PUT", "/orders/{id}")).isEqualTo("PUT /orders/{id}");
  }

  @Test
  void serverSpanName_pastTheBoundOfRoutes_isStillRightAndNotKept() {
    HttpSemconv.ServerSpanNames names = new HttpSemconv.ServerSpanNames(4);
    for (int i = 0; i < 10; i++) {
      assertThat(names.name("DELETE", "/bound/" + i)).isEqualTo("DELETE /bound/" + i);
    }
    assertThat(names.routes()).isEqualTo(4);
  }
}
