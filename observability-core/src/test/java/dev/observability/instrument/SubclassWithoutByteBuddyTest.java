package dev.observability.instrument;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/**
 * Core as a host without Byte Buddy has it: the test class path minus Byte Buddy's jars, in a class
 * loader whose parent is the platform loader (so nothing leaks in from the application loader) and
 * that refuses {@code net.bytebuddy.*} outright (so that a copy inside another jar cannot either).
 */
class SubclassWithoutByteBuddyTest {

  /** Loads from {@code urls} only, and never Byte Buddy. */
  private static final class HidingByteBuddy extends URLClassLoader {
    HidingByteBuddy(URL[] urls) {
      super("without-byte-buddy", urls, ClassLoader.getPlatformClassLoader());
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (name.startsWith("net.bytebuddy.")) {
        throw new ClassNotFoundException(name + " is hidden by this test");
      }
      return super.loadClass(name, resolve);
    }
  }

  private static URL[] classPathWithoutByteBuddy() throws MalformedURLException {
    List<URL> urls = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      if (!entry.isEmpty() && !new File(entry).getName().startsWith("byte-buddy")) {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    return urls.toArray(new URL[0]);
  }

  @Test
  void subclass_withoutByteBuddy_throwsIllegalStateExceptionNamingTheDependency() throws Exception {
    try (HidingByteBuddy loader = new HidingByteBuddy(classPathWithoutByteBuddy())) {
      assertThatThrownBy(() -> Class.forName("net.bytebuddy.ByteBuddy", false, loader))
          .isInstanceOf(ClassNotFoundException.class);
      Class<?> scenario = Class.forName(WithoutByteBuddy.class.getName(), true, loader);
      assertThat(scenario.getClassLoader()).isSameAs(loader);
      assertThat(Class.forName(Instrumentation.class.getName(), false, loader).getClassLoader())
          .as("core itself must come from the loader without Byte Buddy")
          .isSameAs(loader);

      @SuppressWarnings("unchecked")
      Callable<String> run = (Callable<String>) scenario.getDeclaredConstructor().newInstance();
      String outcome = run.call();

      assertThat(outcome)
          .contains("available=false")
          .contains(
              "subclass=java.lang.IllegalStateException: Instrumentation.subclass("
                  + WithoutByteBuddy.Service.class.getName()
                  + ") needs Byte Buddy on the class path: add the dependency"
                  + " net.bytebuddy:byte-buddy")
          .contains("observability-bom manages its version")
          .contains("proxy=hello ann")
          .doesNotContain("NoClassDefFoundError");
    }
  }

  @Test
  void subclass_withByteBuddy_isAvailableInTheSameScenario() throws Exception {
    String outcome = new WithoutByteBuddy().call();

    assertThat(outcome).contains("available=true").contains("subclass=created");
  }
}
