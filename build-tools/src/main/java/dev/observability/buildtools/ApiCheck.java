package dev.observability.buildtools;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.AnnotatedType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The API baseline check of every published module, run by Maven in {@code process-classes} (so in
 * every {@code mvn verify}) with the module's compile class path.
 *
 * <p>It lists the module's public API from its compiled classes: every public type outside {@code
 * *.internal} packages, with its modifiers, type parameters, supertypes and its public and
 * protected constructors, methods, fields and enum constants, with generic types and top-level
 * {@code @Nullable}. Members that a public class inherits from a non-public superclass of the SDK
 * are listed as its own. The listing is text, one line per type or member, so that a change of API
 * shows as a diff of {@code <module>/api/<artifactId>.api} in review.
 *
 * <p>{@code record} writes the listing. {@code check} compares the compiled API with the recorded
 * one and fails on what breaks code compiled or written against it: a type or member removed or
 * changed (a changed signature is one removed and one added), a class made final, abstract or
 * sealed, a supertype removed, and an abstract method added to a type that users may implement or
 * extend. What is only added is reported and does not fail: the baseline is the API of the last
 * release, and it is recorded again before the next one.
 *
 * <p>Usage: {@code java -cp <classes and dependencies> ApiCheck.java check|record <classes dir>
 * <baseline file> <artifactId>}. One source file, so that Maven runs it with the JDK's source
 * launcher in each module, whatever part of the reactor is built.
 */
public final class ApiCheck {

  private ApiCheck() {}

  private static final String RECORD_COMMAND = "mvn -Dapi.record process-classes";

  /**
   * Runs the check or the recording and exits with its status.
   *
   * @param args {@code check|record <classes dir> <baseline file> <artifactId>}
   * @throws Exception when the classes cannot be read or loaded
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 4 || !Set.of("check", "record").contains(args[0])) {
      System.err.println("usage: ApiCheck check|record <classes dir> <baseline file> <artifactId>");
      System.exit(2);
    }
    int status =
        run(
            args[0],
            Path.of(args[1]),
            Path.of(args[2]),
            args[3],
            ApiCheck.class.getClassLoader(),
            System.out);
    System.exit(status);
  }

  /**
   * Checks or records the API of the classes in {@code classes}, loaded through {@code loader}.
   *
   * @param mode {@code check} or {@code record}
   * @param classes the module's compiled classes
   * @param baseline the recorded API listing
   * @param artifactId the module's name, for messages
   * @param loader loads the classes and their dependencies
   * @param out receives the report
   * @return 0 when the API is compatible (or was recorded), 1 when it breaks or no baseline exists
   * @throws IOException when the classes or the baseline cannot be read or written
   * @throws ClassNotFoundException when a class or one of its dependencies cannot be loaded
   */
  public static int run(
      String mode,
      Path classes,
      Path baseline,
      String artifactId,
      ClassLoader loader,
      PrintStream out)
      throws IOException, ClassNotFoundException {
    Map<String, TypeApi> current = listApi(classes, loader);
    if (mode.equals("record")) {
      Path parent = baseline.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(baseline, render(artifactId, current), StandardCharsets.UTF_8);
      out.println(
          "[api] " + artifactId + ": recorded " + current.size() + " public types in " + baseline);
      return 0;
    }
    if (!Files.exists(baseline)) {
      out.println("[api] " + artifactId + ": no API baseline at " + baseline + ".");
      out.println(
          "[api] Record the module's public API (everything outside *.internal) and commit it:");
      out.println("[api]     " + RECORD_COMMAND + " -pl " + artifactId + " -am");
      return 1;
    }
    Map<String, TypeApi> recorded = parse(Files.readAllLines(baseline, StandardCharsets.UTF_8));
    List<String> breaks = new ArrayList<>();
    List<String> additions = new ArrayList<>();
    compare(recorded, current, breaks, additions);

    if (!additions.isEmpty()) {
      out.println(
          "[api] "
              + artifactId
              + ": "
              + additions.size()
              + " addition(s) to the public API since the recorded baseline (compatible; record"
              + " them before the release with "
              + RECORD_COMMAND
              + "):");
      additions.forEach(a -> out.println("[api]   + " + a));
    }
    if (breaks.isEmpty()) {
      out.println(
          "[api] "
              + artifactId
              + ": public API compatible with "
              + baseline.getFileName()
              + " ("
              + current.size()
              + " types)");
      return 0;
    }
    out.println(
        "[api] "
            + artifactId
            + ": "
            + breaks.size()
            + " incompatible change(s) against the recorded API in "
            + baseline
            + ":");
    breaks.forEach(b -> out.println("[api]   " + b));
    out.println("[api] Code compiled or written against the recorded API would break.");
    out.println(
        "[api] If the change is not intended, restore the signature (a deprecated overload keeps"
            + " callers working).");
    out.println(
        "[api] If it is intended, record the new API, commit the .api file with the change, and say"
            + " so under Changed or Removed in CHANGELOG.md:");
    out.println("[api]     " + RECORD_COMMAND + " -pl " + artifactId + " -am");
    return 1;
  }

  /** One public type: its header line and its member lines. */
  record TypeApi(String header, Set<String> members) {}

  // ---------------------------------------------------------------------------------------------
  // Listing the compiled API.

  static Map<String, TypeApi> listApi(Path classes, ClassLoader loader)
      throws IOException, ClassNotFoundException {
    List<String> names;
    try (Stream<Path> files = Files.walk(classes)) {
      names =
          files
              .filter(p -> p.toString().endsWith(".class"))
              .map(p -> classes.relativize(p).toString())
              .map(s -> s.substring(0, s.length() - ".class".length()).replace('/', '.'))
              .filter(n -> !n.endsWith("package-info") && !n.equals("module-info"))
              .filter(n -> !isInternal(n))
              .sorted()
              .toList();
    }
    Map<String, TypeApi> api = new TreeMap<>();
    for (String name : names) {
      Class<?> type = Class.forName(name, false, loader);
      if (!isExported(type)) {
        continue;
      }
      api.put(typeName(type), new TypeApi(header(type), members(type)));
    }
    return api;
  }

  static boolean isInternal(String className) {
    String pkg = className.contains(".") ? className.substring(0, className.lastIndexOf('.')) : "";
    return pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  /** Public, or protected in an extendable class, and so are all enclosing types. */
  static boolean isExported(Class<?> type) {
    if (type.isAnonymousClass() || type.isLocalClass() || type.isSynthetic()) {
      return false;
    }
    for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
      int m = t.getModifiers();
      Class<?> outer = t.getDeclaringClass();
      boolean visible =
          Modifier.isPublic(m)
              || (Modifier.isProtected(m)
                  && outer != null
                  && !Modifier.isFinal(outer.getModifiers()));
      if (!visible) {
        return false;
      }
    }
    return true;
  }

  static String header(Class<?> type) {
    StringBuilder out = new StringBuilder();
    int m = type.getModifiers();
    String kind;
    if (type.isAnnotation()) {
      kind = "@interface";
      m &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isInterface()) {
      kind = "interface";
      m &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
    } else if (type.isEnum()) {
      kind = "enum";
      m &= ~(Modifier.FINAL | Modifier.ABSTRACT);
    } else if (type.isRecord()) {
      kind = "record";
      m &= ~Modifier.FINAL;
    } else {
      kind = "class";
    }
    boolean nestedClass =
        type.getDeclaringClass() != null
            && !type.isInterface()
            && !type.isEnum()
            && !type.isRecord();
    if (!nestedClass) {
      // Only a nested class says static (turning it into an inner class breaks its callers).
      m &= ~Modifier.STATIC;
    }
    out.append(
        Modifier.toString(
            m
                & (Modifier.PUBLIC
                    | Modifier.PROTECTED
                    | Modifier.ABSTRACT
                    | Modifier.FINAL
                    | Modifier.STATIC)));
    if (type.isSealed()) {
      out.append(" sealed");
    }
    out.append(' ').append(kind).append(' ').append(typeName(type));
    out.append(typeParameters(type.getTypeParameters()));
    Class<?> superclass = type.getSuperclass();
    Type genericSuper = type.getGenericSuperclass();
    // A non-public superclass of the SDK is not API: name the first public one above it.
    while (superclass != null && !Modifier.isPublic(superclass.getModifiers())) {
      genericSuper = superclass.getGenericSuperclass();
      superclass = superclass.getSuperclass();
    }
    if (superclass != null
        && superclass != Object.class
        && superclass != Enum.class
        && superclass != Record.class) {
      out.append(" extends ").append(name(genericSuper));
    }
    List<String> interfaces = new ArrayList<>();
    for (Class<?> t = type;
        t != null && (t == type || !Modifier.isPublic(t.getModifiers()));
        t = t.getSuperclass()) {
      for (Type i : t.getGenericInterfaces()) {
        if (type.isAnnotation() && i == java.lang.annotation.Annotation.class) {
          continue;
        }
        interfaces.add(name(i));
      }
    }
    if (!interfaces.isEmpty()) {
      out.append(type.isInterface() ? " extends " : " implements ");
      out.append(interfaces.stream().sorted().collect(Collectors.joining(", ")));
    }
    if (type.isSealed()) {
      out.append(" permits ");
      out.append(
          Arrays.stream(type.getPermittedSubclasses())
              .map(ApiCheck::typeName)
              .sorted()
              .collect(Collectors.joining(", ")));
    }
    return out.toString().trim();
  }

  static Set<String> members(Class<?> type) {
    Set<String> members = new TreeSet<>();
    boolean extendable = !Modifier.isFinal(type.getModifiers()) && !type.isEnum();
    if (type.isEnum()) {
      // Read from the fields: getEnumConstants() would initialise the class.
      for (Field field : type.getDeclaredFields()) {
        if (field.isEnumConstant()) {
          members.add("enum constant " + field.getName());
        }
      }
    }
    // Members declared by the type, and those it inherits from non-public SDK superclasses.
    List<Class<?>> declaring = new ArrayList<>();
    declaring.add(type);
    for (Class<?> s = type.getSuperclass();
        s != null && !Modifier.isPublic(s.getModifiers());
        s = s.getSuperclass()) {
      declaring.add(s);
    }
    Set<String> seenMethods = new HashSet<>();
    for (Class<?> d : declaring) {
      for (Constructor<?> c : d == type ? d.getDeclaredConstructors() : new Constructor<?>[0]) {
        if (visible(c.getModifiers(), extendable) && !c.isSynthetic()) {
          members.add(executable(c, type));
        }
      }
      for (Method method : d.getDeclaredMethods()) {
        if (method.isSynthetic()
            || method.isBridge()
            || !visible(method.getModifiers(), extendable)) {
          continue;
        }
        String key = method.getName() + Arrays.toString(method.getParameterTypes());
        if (!seenMethods.add(key)) {
          continue; // overridden lower down
        }
        if ((type.isEnum() && isEnumBoilerplate(method))
            || (type.isRecord() && isRecordBoilerplate(method))) {
          continue;
        }
        members.add(executable(method, type));
      }
      for (Field field : d.getDeclaredFields()) {
        if (field.isSynthetic()
            || field.isEnumConstant()
            || !visible(field.getModifiers(), extendable)) {
          continue;
        }
        members.add(
            Modifier.toString(
                    field.getModifiers()
                        & (Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL))
                + " "
                + nullable(field.getAnnotatedType())
                + name(field.getGenericType())
                + " "
                + field.getName());
      }
    }
    return members;
  }

  private static boolean isEnumBoilerplate(Method method) {
    return (method.getName().equals("values") && method.getParameterCount() == 0)
        || (method.getName().equals("valueOf")
            && method.getParameterCount() == 1
            && method.getParameterTypes()[0] == String.class);
  }

  /** equals, hashCode and toString, which every record has. */
  private static boolean isRecordBoilerplate(Method method) {
    return (method.getName().equals("equals") && method.getParameterCount() == 1)
        || (method.getName().equals("hashCode") && method.getParameterCount() == 0)
        || (method.getName().equals("toString") && method.getParameterCount() == 0);
  }

  private static boolean visible(int modifiers, boolean extendable) {
    return Modifier.isPublic(modifiers) || (extendable && Modifier.isProtected(modifiers));
  }

  static String executable(Executable e, Class<?> owner) {
    StringBuilder out = new StringBuilder();
    int m = e.getModifiers();
    int shown = Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC | Modifier.FINAL;
    if (e instanceof Method method) {
      if (owner.isInterface()) {
        shown &= ~Modifier.PUBLIC;
        if (method.isDefault()) {
          out.append("default ");
        } else if (Modifier.isAbstract(m)) {
          out.append("abstract ");
        }
      } else if (Modifier.isAbstract(m)) {
        out.append("abstract ");
      }
    }
    String mods = Modifier.toString(m & shown);
    if (!mods.isEmpty()) {
      out.insert(0, mods + " ");
    }
    String typeParams = typeParameters(e.getTypeParameters());
    if (!typeParams.isEmpty()) {
      out.append(typeParams).append(' ');
    }
    if (e instanceof Method method) {
      out.append(nullable(method.getAnnotatedReturnType()))
          .append(name(method.getGenericReturnType()))
          .append(' ')
          .append(method.getName());
    } else {
      out.append("<init>");
    }
    Type[] params = e.getGenericParameterTypes();
    AnnotatedType[] annotated = e.getAnnotatedParameterTypes();
    // Inner-class and enum constructors may report fewer generic types than parameters.
    if (params.length != e.getParameterCount()) {
      params = e.getParameterTypes();
    }
    List<String> rendered = new ArrayList<>();
    for (int i = 0; i < params.length; i++) {
      String p = name(params[i]);
      if (e.isVarArgs() && i == params.length - 1 && p.endsWith("[]")) {
        p = p.substring(0, p.length() - 2) + "...";
      }
      String n = annotated.length == params.length ? nullable(annotated[i]) : "";
      rendered.add(n + p);
    }
    out.append('(').append(String.join(", ", rendered)).append(')');
    Type[] exceptions = e.getGenericExceptionTypes();
    if (exceptions.length > 0) {
      out.append(" throws ")
          .append(
              Arrays.stream(exceptions)
                  .map(ApiCheck::name)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    }
    if (e instanceof Method method && method.getDefaultValue() != null) {
      out.append(" (has default)");
    }
    return out.toString();
  }

  private static String nullable(AnnotatedElement annotated) {
    for (var a : annotated.getAnnotations()) {
      if (a.annotationType().getSimpleName().equals("Nullable")) {
        return "@Nullable ";
      }
    }
    return "";
  }

  private static String typeParameters(TypeVariable<?>[] variables) {
    if (variables.length == 0) {
      return "";
    }
    List<String> out = new ArrayList<>();
    for (TypeVariable<?> v : variables) {
      List<String> bounds =
          Arrays.stream(v.getBounds()).filter(b -> b != Object.class).map(ApiCheck::name).toList();
      out.add(
          bounds.isEmpty() ? v.getName() : v.getName() + " extends " + String.join(" & ", bounds));
    }
    return "<" + String.join(", ", out) + ">";
  }

  static String typeName(Class<?> type) {
    return type.getName().replace('$', '.');
  }

  static String name(Type type) {
    return type.getTypeName().replace('$', '.').replace("java.lang.", "");
  }

  // ---------------------------------------------------------------------------------------------
  // The recorded form.

  static String render(String artifactId, Map<String, TypeApi> api) {
    StringBuilder out = new StringBuilder();
    out.append("# Public API of ")
        .append(artifactId)
        .append(" (every public type outside *.internal packages, with its public\n")
        .append("# and protected members), checked in every build by build-tools/ApiCheck.java.\n")
        .append("# Record it again after an intended change and before a release:\n")
        .append("#     ")
        .append(RECORD_COMMAND)
        .append("\n");
    for (TypeApi type : api.values()) {
      out.append('\n').append(type.header()).append('\n');
      for (String member : type.members()) {
        out.append("  ").append(member).append('\n');
      }
    }
    return out.toString();
  }

  static Map<String, TypeApi> parse(List<String> lines) {
    Map<String, TypeApi> api = new LinkedHashMap<>();
    TypeApi currentType = null;
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("  ")) {
        if (currentType == null) {
          throw new IllegalArgumentException("member before any type: " + line);
        }
        currentType.members().add(line.substring(2));
      } else {
        currentType = new TypeApi(line, new TreeSet<>());
        api.put(nameInHeader(line), currentType);
      }
    }
    return api;
  }

  private static String nameInHeader(String header) {
    String[] words = header.split(" ");
    for (int i = 0; i < words.length - 1; i++) {
      if (Set.of("class", "interface", "enum", "record", "@interface").contains(words[i])) {
        String n = words[i + 1];
        int generic = n.indexOf('<');
        return generic < 0 ? n : n.substring(0, generic);
      }
    }
    throw new IllegalArgumentException("not a type header: " + header);
  }

  // ---------------------------------------------------------------------------------------------
  // What breaks.

  static void compare(
      Map<String, TypeApi> recorded,
      Map<String, TypeApi> current,
      List<String> breaks,
      List<String> additions) {
    for (Map.Entry<String, TypeApi> e : recorded.entrySet()) {
      String name = e.getKey();
      TypeApi was = e.getValue();
      TypeApi now = current.get(name);
      if (now == null) {
        breaks.add("removed type   " + was.header());
        continue;
      }
      if (!was.header().equals(now.header())) {
        String why = headerBreak(was.header(), now.header());
        if (why != null) {
          breaks.add("changed type   " + name + ": " + why);
          breaks.add("    was        " + was.header());
          breaks.add("    now        " + now.header());
        } else {
          additions.add("changed type   " + now.header());
        }
      }
      boolean implementable = isImplementable(now.header(), now.members());
      Set<String> changedNames = new HashSet<>();
      for (String member : was.members()) {
        if (!now.members().contains(member)) {
          String hint = changedHint(member, now.members());
          if (!hint.isEmpty()) {
            changedNames.add(memberName(member));
          }
          breaks.add("removed        " + name + ": " + member + hint);
        }
      }
      for (String member : now.members()) {
        if (was.members().contains(member) || changedNames.contains(memberName(member))) {
          continue;
        }
        // An annotation element with a default is optional for users, so adding one is fine.
        boolean abstractMethod =
            member.contains("abstract ")
                && !member.contains(" static ")
                && !member.endsWith("(has default)");
        if (abstractMethod && implementable && !isChangedSignature(member, was.members())) {
          breaks.add(
              "added abstract "
                  + name
                  + ": "
                  + member
                  + "  (implementations outside the SDK no longer compile: give it a default body)");
        } else {
          additions.add(name + ": " + member);
        }
      }
    }
    for (Map.Entry<String, TypeApi> e : current.entrySet()) {
      if (!recorded.containsKey(e.getKey())) {
        additions.add("type " + e.getValue().header());
      }
    }
  }

  /** Why a header change breaks users, or null when it only adds. */
  static String headerBreak(String was, String now) {
    String wasKind = kindOf(was);
    String nowKind = kindOf(now);
    if (!wasKind.equals(nowKind)) {
      return "is now " + nowKind + " instead of " + wasKind;
    }
    Set<String> wasMods = modifiersOf(was);
    Set<String> nowMods = modifiersOf(now);
    for (String restricting : List.of("final", "abstract", "sealed", "static")) {
      if (nowMods.contains(restricting) && !wasMods.contains(restricting)) {
        return "is now " + restricting;
      }
    }
    if (wasMods.contains("static") && !nowMods.contains("static")) {
      return "is no longer static";
    }
    if (wasMods.contains("public") && !nowMods.contains("public")) {
      return "is no longer public";
    }
    if (!typeParamsOf(was).equals(typeParamsOf(now))) {
      return "type parameters changed";
    }
    String wasSuper = clause(was, " extends ", wasKind.equals("interface"));
    String nowSuper = clause(now, " extends ", nowKind.equals("interface"));
    if (!wasKind.equals("interface") && !wasSuper.equals(nowSuper)) {
      return "superclass changed";
    }
    Set<String> wasInterfaces = supertypes(was, wasKind);
    Set<String> nowInterfaces = supertypes(now, nowKind);
    for (String i : wasInterfaces) {
      if (!nowInterfaces.contains(i)) {
        return "no longer extends or implements " + i;
      }
    }
    if (wasKind.equals("interface") && !nowMods.contains("sealed")) {
      for (String i : nowInterfaces) {
        if (!wasInterfaces.contains(i)) {
          return "now extends " + i + ", whose methods implementations outside the SDK lack";
        }
      }
    }
    return null;
  }

  private static boolean isImplementable(String header, Set<String> members) {
    Set<String> mods = modifiersOf(header);
    String kind = kindOf(header);
    if (mods.contains("sealed") || mods.contains("final")) {
      return false;
    }
    if (kind.equals("interface") || kind.equals("@interface")) {
      return true;
    }
    if (!kind.equals("class")) {
      return false;
    }
    return members.stream().anyMatch(m -> m.contains("<init>"));
  }

  private static boolean isChangedSignature(String member, Set<String> wasMembers) {
    String name = memberName(member);
    return wasMembers.stream().anyMatch(m -> memberName(m).equals(name) && m.contains("abstract "));
  }

  private static String changedHint(String member, Set<String> nowMembers) {
    String name = memberName(member);
    List<String> same =
        nowMembers.stream().filter(m -> memberName(m).equals(name)).sorted().toList();
    return same.isEmpty() ? "" : "  (now: " + String.join("; ", same) + ")";
  }

  private static String memberName(String member) {
    int paren = member.indexOf('(');
    String head = paren < 0 ? member : member.substring(0, paren);
    return head.substring(head.lastIndexOf(' ') + 1);
  }

  private static String kindOf(String header) {
    for (String word : header.split(" ")) {
      if (Set.of("class", "interface", "enum", "record", "@interface").contains(word)) {
        return word;
      }
    }
    return "";
  }

  private static Set<String> modifiersOf(String header) {
    Set<String> mods = new HashSet<>();
    for (String word : header.split(" ")) {
      if (Set.of("class", "interface", "enum", "record", "@interface").contains(word)) {
        break;
      }
      mods.add(word);
    }
    return mods;
  }

  private static String typeParamsOf(String header) {
    String name = header.split(" (class|interface|enum|record|@interface) ", 2)[1];
    String first = name.split(" ", 2)[0];
    int generic = first.indexOf('<');
    return generic < 0 ? "" : name.substring(generic, matchingClose(name, generic) + 1);
  }

  private static int matchingClose(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      if (s.charAt(i) == '<') {
        depth++;
      } else if (s.charAt(i) == '>' && --depth == 0) {
        return i;
      }
    }
    return s.length() - 1;
  }

  /** The text after {@code keyword} up to the next clause, outside type parameters. */
  private static String clause(String header, String keyword, boolean ofInterface) {
    String rest = afterTypeName(header);
    int at = rest.indexOf(keyword);
    if (at < 0) {
      return "";
    }
    String tail = rest.substring(at + keyword.length());
    for (String next : List.of(" implements ", " permits ")) {
      int n = tail.indexOf(next);
      if (n >= 0) {
        tail = tail.substring(0, n);
      }
    }
    return tail;
  }

  private static Set<String> supertypes(String header, String kind) {
    String list =
        kind.equals("interface")
            ? clause(header, " extends ", true)
            : clause(header, " implements ", false);
    Set<String> out = new HashSet<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < list.length(); i++) {
      char c = list.charAt(i);
      if (c == '<') {
        depth++;
      } else if (c == '>') {
        depth--;
      } else if (c == ',' && depth == 0) {
        out.add(list.substring(start, i).trim());
        start = i + 1;
      }
    }
    if (!list.isBlank()) {
      out.add(list.substring(start).trim());
    }
    return out;
  }

  private static String afterTypeName(String header) {
    String name = header.split(" (class|interface|enum|record|@interface) ", 2)[1];
    int generic = name.indexOf('<');
    int space = name.indexOf(' ');
    if (generic >= 0 && (space < 0 || generic < space)) {
      return name.substring(matchingClose(name, generic) + 1);
    }
    return space < 0 ? "" : name.substring(space);
  }
}
