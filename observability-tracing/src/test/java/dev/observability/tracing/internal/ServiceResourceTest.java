package dev.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.ServiceInfo;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceResourceTest {

  private static final ServiceInfo SERVICE =
      new ServiceInfo("checkout", "staging", "1.4.2", Map.of("host.name", "web-1"));

  @Test
  void resource_isTheDefaultResourceWithTheService() {
    Resource resource = new ServiceResource(SERVICE).get();

    assertThat(resource.getAttribute(AttributeKey.stringKey("service.name"))).isEqualTo("checkout");
    assertThat(resource.getAttribute(AttributeKey.stringKey("service.version"))).isEqualTo("1.4.2");
    assertThat(resource.getAttribute(AttributeKey.stringKey("deployment.environment.name")))
        .isEqualTo("staging");
    assertThat(resource.getAttribute(AttributeKey.stringKey("host.name"))).isEqualTo("web-1");
    assertThat(resource.getAttribute(AttributeKey.stringKey("telemetry.sdk.name")))
        .isEqualTo("opentelemetry");
    assertThat(resource.getAttribute(AttributeKey.stringKey("telemetry.sdk.language")))
        .isEqualTo("java");
  }

  @Test
  void racingThreads_getOneInstance() throws InterruptedException {
    ServiceResource resource = new ServiceResource(SERVICE);
    List<Resource> seen = new ArrayList<>();
    Race.run(
        8,
        () -> {
          Resource got = resource.get();
          synchronized (seen) {
            seen.add(got);
          }
        });

    assertThat(seen).hasSize(8);
    assertThat(seen).allSatisfy(got -> assertThat(got).isSameAs(seen.get(0)));
    assertThat(resource.get()).isSameAs(seen.get(0));
  }
}
