package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user's file sees with {@code import zloop.*; import java.util.concurrent.*;}: it compiles
 * against the built modules, {@code Future} is the one simple name the two packages share, and the
 * single-type import {@code import zloop.Future;} (what the README tells users) settles it.
 */
class UserImportsTest {

  private static final String HEADER =
      "import zloop.*;\nimport java.util.concurrent.*;\nimport java.time.Duration;\n";

  /** Uses both packages by simple name, and a zloop future where the JDK's is expected. */
  private static final String USER_FILE =
      HEADER
          + """
          import zloop.Future;

          public final class UserCode {
            static <T> T viaTheJdk(java.util.concurrent.Future<T> f) throws Exception {
              return f.get(5, TimeUnit.SECONDS);
            }

            public static String main() {
              return EventLoops.run(() -> {
                EventLoop loop = EventLoops.runningLoop();
                Future<String> hello = loop.sleep(Duration.ofMillis(1), "hello");
                CompletableFuture<String> view = hello.toCompletableFuture();
                Task<String> task = loop.createTask(() -> viaTheJdk(hello));
                ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
                pool.close();
                return task.join() + view.join();
              });
            }
          }
          """;

  /** The same without the single-type import: the simple name is ambiguous. */
  private static final String AMBIGUOUS_FILE =
      HEADER
          + """
          public final class Ambiguous {
            static Future<String> of(EventLoop loop) {
              return loop.createFuture();
            }
          }
          """;

  @Test
  void aUserFileImportingBothPackagesCompiles(@TempDir Path dir) throws IOException {
    Compilation result = compile(dir, "UserCode", USER_FILE);
    assertEquals(0, result.exitCode(), result.output());
    assertTrue(Files.exists(dir.resolve("out/UserCode.class")));
  }

  @Test
  void futureAloneIsAmbiguousAndTheSingleTypeImportSettlesIt(@TempDir Path dir) throws IOException {
    Compilation result = compile(dir, "Ambiguous", AMBIGUOUS_FILE);
    assertEquals(1, result.exitCode(), "expected javac to refuse the file");
    assertTrue(
        result.output().contains("reference to Future is ambiguous"), result.output());
  }

  /**
   * Every simple name both packages export, so that a new zloop type that collides with {@code
   * java.util.concurrent} (a {@code Semaphore}, say) is a decision, documented for users, not an
   * accident.
   */
  @Test
  void futureIsTheOnlySimpleNameSharedWithJavaUtilConcurrent() throws IOException {
    Set<String> shared = publicTypes("zloop.api", "zloop");
    shared.retainAll(publicTypes("java.base", "java.util.concurrent"));
    assertEquals(
        Set.of("Future"),
        shared,
        "simple names a user file with both on-demand imports must import explicitly");
  }

  private static Set<String> publicTypes(String module, String pkg) throws IOException {
    ModuleReference ref =
        ModuleLayer.boot()
            .configuration()
            .findModule(module)
            .map(m -> m.reference())
            .or(() -> ModuleFinder.ofSystem().find(module))
            .orElseThrow(() -> new AssertionError("module not found: " + module));
    String prefix = pkg.replace('.', '/') + "/";
    Set<String> names = new TreeSet<>();
    try (ModuleReader reader = ref.open();
        Stream<String> entries = reader.list()) {
      for (String entry : (Iterable<String>) entries::iterator) {
        String rest = entry.startsWith(prefix) ? entry.substring(prefix.length()) : "";
        if (rest.endsWith(".class") && !rest.contains("/") && !rest.contains("$")) {
          String simple = rest.substring(0, rest.length() - ".class".length());
          if (isPublic(pkg + "." + simple)) {
            names.add(simple);
          }
        }
      }
    }
    return names;
  }

  private static boolean isPublic(String className) {
    try {
      return Modifier.isPublic(Class.forName(className, false, UserImportsTest.class.getClassLoader()).getModifiers());
    } catch (ClassNotFoundException e) {
      return false; // module-info, package-info
    }
  }

  private record Compilation(int exitCode, String output) {}

  /** javac on one file against the modules this test runs with, as a user's build would. */
  private static Compilation compile(Path dir, String className, String source) throws IOException {
    Path file = dir.resolve(className + ".java");
    Files.writeString(file, source);
    List<String> args = new ArrayList<>(List.of("--release", "25", "-d", dir.resolve("out").toString()));
    String modulePath = System.getProperty("jdk.module.path", "");
    if (!modulePath.isBlank()) { // jars or a folder of them (the container's module path)
      args.addAll(List.of("--module-path", modulePath, "--add-modules", "zloop.api"));
    } else {
      args.addAll(List.of("-classpath", System.getProperty("java.class.path")));
    }
    args.add(file.toString());
    ToolProvider javac =
        ToolProvider.findFirst("javac").orElseThrow(() -> new AssertionError("no javac in this JDK"));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      int code = javac.run(print, print, args.toArray(String[]::new));
      return new Compilation(code, out.toString(StandardCharsets.UTF_8));
    }
  }
}
