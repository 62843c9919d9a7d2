package dev.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.observability.internal.CompactContext;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ErrorFingerprintTest {

  private static StackTraceElement frame(String className, String method, int line) {
    return new StackTraceElement(className, method, className + ".java", line);
  }

  private static RuntimeException thrownAt(String message, StackTraceElement... frames) {
    RuntimeException error = new IllegalStateException(message);
    error.setStackTrace(frames);
    return error;
  }

  private static final StackTraceElement[] ORDERS =
      new StackTraceElement[] {
        frame("java.util.Objects", "requireNonNull", 233),
        frame("com.example.orders.OrderService", "place", 42),
        frame("com.example.orders.OrderService$$SpringCGLIB$$0", "place", -1),
        frame("org.springframework.aop.framework.ReflectiveMethodInvocation", "proceed", 186),
        frame("com.example.orders.OrderController", "create", 17),
        frame("jakarta.servlet.http.HttpServlet", "service", 614),
        frame("org.eclipse.jetty.ee10.servlet.ServletHolder", "handle", 736),
      };

  @Test
  void fingerprint_isTheRootCauseTypeAndApplicationFrames_hashedWithFnv1a64() {
    String fingerprint = ErrorFingerprint.of(thrownAt("order 17 failed", ORDERS));

    String text =
        "java.lang.IllegalStateException\n"
            + "com.example.orders.OrderService.place\n"
            + "com.example.orders.OrderController.create";
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }
    assertThat(fingerprint)
        .hasSize(ErrorFingerprint.LENGTH)
        .isEqualTo(String.format("%016x", hash));
  }

  @Test
  void nonAsciiNames_areHashedAsTheirUtf8Bytes() {
    StackTraceElement[] frames = {frame("com.example.bestellung.Größe", "prüfe€𝄞", 1)};
    String text = "java.lang.IllegalStateException\ncom.example.bestellung.Größe.prüfe€𝄞";
    long hash = 0xcbf29ce484222325L;
    for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
      hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
    }

    assertThat(ErrorFingerprint.of(thrownAt("x", frames))).isEqualTo(String.format("%016x", hash));
  }

  @Test
  void sameFailure_otherMessageAndLineNumbers_sameFingerprint() {
    StackTraceElement[] moved = ORDERS.clone();
    moved[1] = frame("com.example.orders.OrderService", "place", 57);
    moved[4] = frame("com.example.orders.OrderController", "create", 99);

    assertThat(ErrorFingerprint.of(thrownAt("order 17 failed: token=abc", ORDERS)))
        .isEqualTo(ErrorFingerprint.of(thrownAt("order 18 failed", moved)));
  }

  @Test
  void wrapper_addedByAFrameworkOrContainer_doesNotChangeIt() {
    RuntimeException root = thrownAt("order 17 failed", ORDERS);
    Exception wrapped = new Exception("request failed", new RuntimeException("handler", root));

    assertThat(ErrorFingerprint.of(wrapped)).isEqualTo(ErrorFingerprint.of(root));
    assertThat(ErrorFingerprint.rootCause(wrapped)).isSameAs(root);
  }

  @Test
  void otherThrowSite_otherType_orOtherCallPath_otherFingerprint() {
    StackTraceElement[] otherMethod = ORDERS.clone();
    otherMethod[1] = frame("com.example.orders.OrderService", "cancel", 42);
    StackTraceElement[] otherCaller = ORDERS.clone();
    otherCaller[4] = frame("com.example.orders.AdminController", "create", 17);
    RuntimeException otherType = new IllegalArgumentException("order 17 failed");
    otherType.setStackTrace(ORDERS);

    String base = ErrorFingerprint.of(thrownAt("x", ORDERS));
    assertThat(ErrorFingerprint.of(thrownAt("x", otherMethod))).isNotEqualTo(base);
    assertThat(ErrorFingerprint.of(thrownAt("x", otherCaller))).isNotEqualTo(base);
    assertThat(ErrorFingerprint.of(otherType)).isNotEqualTo(base);
  }

  @Test
  void frameworkFramesAndGeneratedClasses_areNotTheApplications() {
    StackTraceElement[] moreFramework = {
      frame("java.util.Objects", "requireNonNull", 233),
      frame("com.example.orders.OrderService", "place", 42),
      frame("com.example.orders.OrderService$ByteBuddy$a1b2c3", "place", -1),
      frame("jdk.proxy2.$Proxy31", "place", -1),
      frame("io.micrometer.observation.Observation", "observe", 565),
      frame("dev.observability.instrument.internal.MethodInvoker", "invoke", 80),
      frame("com.example.orders.OrderController", "create", 17),
    };

    assertThat(ErrorFingerprint.of(thrownAt("x", moreFramework)))
        .isEqualTo(ErrorFingerprint.of(thrownAt("x", ORDERS)));
    assertThat(ErrorFingerprint.isApplicationFrame("dev.observability.examples.ApiServlets$Fail"))
        .isTrue();
    assertThat(ErrorFingerprint.isApplicationFrame("dev.observability.Observability")).isFalse();
    assertThat(ErrorFingerprint.isApplicationFrame("org.apache.catalina.core.StandardWrapper"))
        .isFalse();
  }

  @Test
  void onlyTheFirstFiveApplicationFramesCount() {
    StackTraceElement[] deep = new StackTraceElement[8];
    for (int i = 0; i < deep.length; i++) {
      deep[i] = frame("com.example.Step" + i, "run", i);
    }
    StackTraceElement[] deeperCaller = deep.clone();
    deeperCaller[6] = frame("com.example.OtherCaller", "run", 1);

    assertThat(ErrorFingerprint.of(thrownAt("x", deep)))
        .isEqualTo(ErrorFingerprint.of(thrownAt("x", deeperCaller)));
  }

  @Test
  void noApplicationFrame_usesTheFirstFrames_noFrame_theTypeAlone() {
    StackTraceElement[] library = {
      frame("io.netty.channel.AbstractChannel", "write", 10), frame("java.lang.Thread", "run", 840),
    };
    StackTraceElement[] otherLibrary = {
      frame("io.netty.channel.AbstractChannel", "flush", 10), frame("java.lang.Thread", "run", 840),
    };

    assertThat(ErrorFingerprint.of(thrownAt("x", library)))
        .isNotEqualTo(ErrorFingerprint.of(thrownAt("x", otherLibrary)));
    assertThat(ErrorFingerprint.of(thrownAt("x")))
        .isEqualTo(ErrorFingerprint.of("java.lang.IllegalStateException", null))
        .hasSize(16);
  }

  @Test
  void causeCycle_stopsAtTheThrowableBeforeTheCycle() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    RuntimeException c = new RuntimeException("c", b);
    a.initCause(c);
    RuntimeException top = c;
    for (int i = 0; i < 10; i++) {
      top = new RuntimeException("wrap " + i, top);
    }

    assertThat(ErrorFingerprint.of(top)).hasSize(16);
    assertThat(ErrorFingerprint.rootCause(top)).isIn(a, b, c);
  }

  @Test
  void ofContext_madeOnceAndKept_nullWithoutError() {
    CompactContext context = new CompactContext();
    assertThat(ErrorFingerprint.of(context)).isNull();
    RuntimeException error = thrownAt("x", ORDERS);
    context.setError(error);

    String first = ErrorFingerprint.of(context);
    assertThat(first).isEqualTo(ErrorFingerprint.of(error));
    assertThat(context.<String>get(ObservationNames.ERROR_FINGERPRINT)).isSameAs(first);
    assertThat(ErrorFingerprint.of(context)).isSameAs(first);
  }
}
