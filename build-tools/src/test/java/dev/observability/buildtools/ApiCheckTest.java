package dev.observability.buildtools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles two versions of a small library, records the API of the first and checks the second
 * against it, as a module's build does.
 */
class ApiCheckTest {

  private static final Map<String, String> LIBRARY =
      Map.of(
          "lib/Client.java",
          """
          package lib;
          public final class Client {
            public static final String NAME = "client";
            public Client(String endpoint) {}
            public String send(String body) { return body; }
            public void close() {}
          }
          """,
          "lib/Handler.java",
          """
          package lib;
          public interface Handler {
            void handle(String event);
            default int order() { return 0; }
          }
          """,
          "lib/Base.java",
          """
          package lib;
          abstract class Base {
            public String greet() { return "hello"; }
          }
          """,
          "lib/Servlet.java",
          """
          package lib;
          public class Servlet extends Base implements AutoCloseable {
            public Servlet() {}
            protected void service() {}
            @Override public void close() {}
          }
          """,
          "lib/internal/Engine.java",
          """
          package lib.internal;
          public final class Engine {
            public void run() {}
          }
          """);

  @TempDir Path dir;

  @Test
  void check_unchangedApi_passes() throws Exception {
    Result result = recordThenCheck(Map.of());

    assertThat(result.status).isZero();
    assertThat(result.output).contains("public API compatible with lib.api (3 types)");
  }

  @Test
  void record_listsPublicTypesAndMembers_withoutInternalPackagesOrPackagePrivateTypes()
      throws Exception {
    recordThenCheck(Map.of());

    String listing = Files.readString(dir.resolve("lib.api"));
    assertThat(listing)
        .contains("public final class lib.Client\n")
        .contains("  public <init>(String)\n")
        .contains("  public String send(String)\n")
        .contains("  public static final String NAME\n")
        .contains("public interface lib.Handler\n")
        .contains("  abstract void handle(String)\n")
        .contains("  default int order()\n")
        .doesNotContain("lib.internal")
        .doesNotContain("lib.Base");
  }

  @Test
  void record_listsWhatAPublicClassInheritsFromAPackagePrivateSuperclass() throws Exception {
    recordThenCheck(Map.of());

    String listing = Files.readString(dir.resolve("lib.api"));
    assertThat(listing)
        .contains("public class lib.Servlet implements AutoCloseable\n")
        .contains("  public String greet()\n")
        .contains("  protected void service()\n");
  }

  @Test
  void check_methodRemoved_failsAndSaysHowToAcceptIt() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/Client.java",
                """
                package lib;
                public final class Client {
                  public static final String NAME = "client";
                  public Client(String endpoint) {}
                  public String send(String body) { return body; }
                }
                """));

    assertThat(result.status).isEqualTo(1);
    assertThat(result.output)
        .contains("1 incompatible change(s)")
        .contains("removed        lib.Client: public void close()")
        .contains("mvn -Dapi.record process-classes -pl lib -am");
  }

  @Test
  void check_parameterTypeChanged_failsAndShowsTheNewSignature() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/Client.java",
                """
                package lib;
                public final class Client {
                  public static final String NAME = "client";
                  public Client(String endpoint) {}
                  public String send(CharSequence body) { return body.toString(); }
                  public void close() {}
                }
                """));

    assertThat(result.status).isEqualTo(1);
    assertThat(result.output)
        .contains(
            "removed        lib.Client: public String send(String)  (now: public String"
                + " send(CharSequence))")
        .doesNotContain("+ lib.Client: public String send(CharSequence)");
  }

  @Test
  void check_methodAndTypeAdded_passesAndReportsTheAdditions() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/Client.java",
                """
                package lib;
                public final class Client {
                  public static final String NAME = "client";
                  public Client(String endpoint) {}
                  public String send(String body) { return body; }
                  public String send(String body, int retries) { return body; }
                  public void close() {}
                }
                """,
                "lib/Retry.java",
                """
                package lib;
                public enum Retry { NEVER, ONCE }
                """));

    assertThat(result.status).isZero();
    assertThat(result.output)
        .contains("2 addition(s)")
        .contains("+ lib.Client: public String send(String, int)")
        .contains("+ type public enum lib.Retry");
  }

  @Test
  void check_abstractMethodAddedToInterface_fails() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/Handler.java",
                """
                package lib;
                public interface Handler {
                  void handle(String event);
                  void flush();
                  default int order() { return 0; }
                }
                """));

    assertThat(result.status).isEqualTo(1);
    assertThat(result.output)
        .contains("added abstract lib.Handler: abstract void flush()")
        .contains("give it a default body");
  }

  @Test
  void check_defaultMethodAddedToInterface_passes() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/Handler.java",
                """
                package lib;
                public interface Handler {
                  void handle(String event);
                  default void flush() {}
                  default int order() { return 0; }
                }
                """));

    assertThat(result.status).isZero();
    assertThat(result.output).contains("+ lib.Handler: default void flush()");
  }

  @Test
  void check_annotationElementAdded_failsWithoutADefaultAndPassesWithOne() throws Exception {
    Map<String, String> library = new java.util.HashMap<>(LIBRARY);
    library.put(
        "lib/Traced.java",
        """
        package lib;
        public @interface Traced {
          String value() default "";
        }
        """);
    Result withDefault =
        recordThenCheck(
            library,
            Map.of(
                "lib/Traced.java",
                """
                package lib;
                public @interface Traced {
                  String value() default "";
                  String[] tags() default {};
                }
                """));
    Result withoutDefault =
        recordThenCheck(
            library,
            Map.of(
                "lib/Traced.java",
                """
                package lib;
                public @interface Traced {
                  String value() default "";
                  String kind();
                }
                """));

    assertThat(withDefault.status).isZero();
    assertThat(withDefault.output).contains("+ lib.Traced: abstract String[] tags() (has default)");
    assertThat(withoutDefault.status).isEqualTo(1);
    assertThat(withoutDefault.output).contains("added abstract lib.Traced: abstract String kind()");
  }

  @Test
  void check_classMadeFinal_fails() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/Servlet.java",
                """
                package lib;
                public final class Servlet extends Base implements AutoCloseable {
                  public Servlet() {}
                  @Override public void close() {}
                }
                """));

    assertThat(result.status).isEqualTo(1);
    assertThat(result.output)
        .contains("changed type   lib.Servlet: is now final")
        // protected members of a final class are no longer reachable
        .contains("removed        lib.Servlet: protected void service()");
  }

  @Test
  void check_interfaceNoLongerImplemented_fails() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/Servlet.java",
                """
                package lib;
                public class Servlet extends Base {
                  public Servlet() {}
                  protected void service() {}
                  public void close() {}
                }
                """));

    assertThat(result.status).isEqualTo(1);
    assertThat(result.output)
        .contains("changed type   lib.Servlet: no longer extends or implements AutoCloseable");
  }

  @Test
  void check_internalPackageChanged_passesWithoutReport() throws Exception {
    Result result =
        recordThenCheck(
            Map.of(
                "lib/internal/Engine.java",
                """
                package lib.internal;
                public final class Engine {
                  public void start(int threads) {}
                }
                """));

    assertThat(result.status).isZero();
    assertThat(result.output).doesNotContain("addition").doesNotContain("Engine");
  }

  @Test
  void check_noBaseline_failsWithTheRecordCommand() throws Exception {
    Path classes = compile("v1", LIBRARY);

    Result result = run("check", classes);

    assertThat(result.status).isEqualTo(1);
    assertThat(result.output)
        .contains("no API baseline at")
        .contains("mvn -Dapi.record process-classes -pl lib -am");
  }

  // ---------------------------------------------------------------------------------------------

  private record Result(int status, String output) {}

  /** Records the library's API, then checks the library with {@code changes} applied. */
  private Result recordThenCheck(Map<String, String> changes) throws Exception {
    return recordThenCheck(LIBRARY, changes);
  }

  private Result recordThenCheck(Map<String, String> library, Map<String, String> changes)
      throws Exception {
    String round = "r" + rounds++;
    Result recorded = run("record", compile(round + "v1", library));
    assertThat(recorded.status).isZero();
    Map<String, String> changed = new java.util.HashMap<>(library);
    changed.putAll(changes);
    return run("check", compile(round + "v2", changed));
  }

  private int rounds;

  private Result run(String mode, Path classes) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (URLClassLoader loader =
            new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader());
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      int status = ApiCheck.run(mode, classes, dir.resolve("lib.api"), "lib", loader, out);
      return new Result(status, bytes.toString(StandardCharsets.UTF_8));
    }
  }

  private Path compile(String version, Map<String, String> sources) throws IOException {
    Path src = dir.resolve(version + "-src");
    Path out = dir.resolve(version);
    Files.createDirectories(out);
    List<String> args = new ArrayList<>(List.of("-d", out.toString(), "--release", "17"));
    sources.forEach(
        (file, text) -> {
          Path path = src.resolve(file);
          try {
            Files.createDirectories(path.getParent());
            Files.writeString(path, text);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          args.add(path.toString());
        });
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    ByteArrayOutputStream errors = new ByteArrayOutputStream();
    int status = javac.run(null, null, errors, args.toArray(String[]::new));
    assertThat(status).as(errors.toString(StandardCharsets.UTF_8)).isZero();
    return out;
  }
}
