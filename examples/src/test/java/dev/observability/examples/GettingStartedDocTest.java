package dev.observability.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps {@code docs/getting-started.md} usable as it is: every Java snippet compiles against the
 * SDK and Jetty with its own imports, every version it names is defined and is the project's, and
 * the steps a new user needs are there.
 */
class GettingStartedDocTest {

  private static final Path DOC = Path.of("..", "docs", "getting-started.md");
  private static final Pattern JAVA = Pattern.compile("```java\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TYPE =
      Pattern.compile("^public (?:final )?class (\\w+)", Pattern.MULTILINE);
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);

  private static String doc() throws IOException {
    return Files.readString(DOC, StandardCharsets.UTF_8);
  }

  /** The text of {@code <name>...</name>} in the root pom's properties (or its version). */
  private static String rootPom(String element) throws IOException {
    String pom = Files.readString(Path.of("..", "pom.xml"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("<" + Pattern.quote(element) + ">([^<]+)</").matcher(pom);
    assertThat(m.find()).as(element + " in pom.xml").isTrue();
    return m.group(1).trim();
  }

  @Test
  void everyJavaSnippet_hasItsImports_andCompilesAgainstTheSdkAndJetty(@TempDir Path dir)
      throws IOException {
    Matcher snippets = JAVA.matcher(doc());
    List<Path> files = new ArrayList<>();
    while (snippets.find()) {
      String code = snippets.group(1);
      assertThat(code).as("a snippet with imports:\n%s", code).contains("\nimport ");
      Matcher type = TYPE.matcher(code);
      assertThat(type.find()).as("a whole class:\n%s", code).isTrue();
      Matcher pkg = PACKAGE.matcher(code);
      Path folder = pkg.find() ? dir.resolve(pkg.group(1).replace('.', '/')) : dir;
      Files.createDirectories(folder);
      Path file = folder.resolve(type.group(1) + ".java");
      Files.writeString(file, code, StandardCharsets.UTF_8);
      files.add(file);
    }
    assertThat(files).hasSizeGreaterThanOrEqualTo(2);

    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager fileManager =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      boolean compiled =
          javac
              .getTask(
                  null,
                  fileManager,
                  diagnostics,
                  List.of(
                      "-classpath",
                      System.getProperty("java.class.path"),
                      "-d",
                      dir.resolve("classes").toString(),
                      "-proc:none"),
                  null,
                  fileManager.getJavaFileObjectsFromPaths(files))
              .call();
      List<String> errors = new ArrayList<>();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getKind() == Diagnostic.Kind.ERROR) {
          errors.add(d.getSource().getName() + ":" + d.getLineNumber() + ": " + d.getMessage(null));
        }
      }
      assertThat(errors).isEmpty();
      assertThat(compiled).isTrue();
    }
  }

  @Test
  void versions_areDefinedInTheDoc_andAreTheProjects() throws IOException {
    String doc = doc();
    Matcher used = Pattern.compile("\\$\\{([\\w.-]+)}").matcher(doc);
    while (used.find()) {
      assertThat(doc)
          .as("${%s} is used, so the doc defines it", used.group(1))
          .contains("<" + used.group(1) + ">");
    }
    assertThat(doc)
        .contains("<observability.version>" + rootPom("revision") + "</observability.version>")
        .contains("<jetty.version>" + rootPom("jetty.version") + "</jetty.version>")
        .contains("<groupId>org.eclipse.jetty</groupId>")
        .contains("<artifactId>jetty-server</artifactId>")
        .contains("<groupId>org.eclipse.jetty.ee10</groupId>")
        .contains("<artifactId>jetty-ee10-servlet</artifactId>");
  }

  @Test
  void theStepsANewUserNeeds_areThere() throws IOException {
    String doc = doc();
    assertThat(doc)
        .as("the install step before the BOM resolves")
        .contains("mvn -B -ntp -DskipTests install")
        .as("the fat-jar recipe")
        .contains("org.apache.maven.plugins.shade.resource.ServicesResourceTransformer")
        .contains("<version>" + rootPom("shade-plugin.version") + "</version>")
        .as("the port flag next to the first command")
        .contains("--port N");
    assertThat(doc.indexOf("mvn -B -ntp -DskipTests install"))
        .isLessThan(doc.indexOf("<artifactId>observability-bom</artifactId>"));
  }
}
