package zloop.backend.iouring;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zloop.posix.Os;

/**
 * A JVM started without {@code --enable-native-access} learns from the provider's status which flag
 * to add, and the provider gets there without calling a restricted method (which would print a
 * warning in the JDK's default mode).
 */
class NativeAccessDeniedTest {

  private static final String RESTRICTED_WARNING = "WARNING: A restricted method";

  @TempDir Path dir;

  @Test
  void modulePathReasonNamesTheModules() throws Exception {
    String modulePath = System.getProperty("jdk.module.path");
    assumeTrue(modulePath != null, "tests are not running on the module path");
    Result r =
        java(
            "--module-path",
            modulePath,
            "--patch-module",
            "zloop.backend.iouring=" + testClasses(),
            "-m",
            "zloop.backend.iouring/" + PrintIoUringStatus.class.getName());
    assertAll(
        () -> assertTrue(r.out.contains("available=false"), r::toString),
        () ->
            assertTrue(
                r.out.contains("--enable-native-access=zloop.backend.iouring,zloop.posix"),
                r::toString),
        () -> assertFalse(r.err.contains(RESTRICTED_WARNING), r::toString));
  }

  @Test
  void classPathReasonSaysAllUnnamed() throws Exception {
    Result r = java("-cp", classPath(), PrintIoUringStatus.class.getName());
    assertAll(
        () -> assertTrue(r.out.contains("available=false"), r::toString),
        () -> assertTrue(r.out.contains("--enable-native-access=ALL-UNNAMED"), r::toString),
        () -> assertFalse(r.err.contains(RESTRICTED_WARNING), r::toString));
  }

  /** The control: the same launch with the flag finds io_uring available, so the harness works. */
  @Test
  void classPathWithTheFlagIsAvailable() throws Exception {
    assumeTrue(Os.isLinux(), "io_uring needs Linux");
    Result r =
        java(
            "--enable-native-access=ALL-UNNAMED",
            "-cp",
            classPath(),
            PrintIoUringStatus.class.getName());
    assertAll(
        () -> assertTrue(r.out.contains("available=true"), r::toString),
        () -> assertFalse(r.err.contains("WARNING"), r::toString));
  }

  private record Result(int exit, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
  }

  private Result java(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(args));
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile());
    builder.redirectError(err.toFile());
    // Nothing from the environment may add flags to the child.
    builder
        .environment()
        .keySet()
        .removeAll(List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS"));
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the child JVM did not finish: " + command);
    }
    Result r =
        new Result(p.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    assertEquals(0, r.exit, r::toString);
    return r;
  }

  /** This module's classes, its tests, and everything the test JVM had on either path. */
  private static String classPath() {
    List<String> entries = new ArrayList<>();
    entries.add(testClasses());
    entries.add(property("zloop.test.classes"));
    for (String key : List.of("jdk.module.path", "java.class.path")) {
      String value = System.getProperty(key);
      if (value != null && !value.isEmpty()) {
        entries.add(value);
      }
    }
    return String.join(File.pathSeparator, entries);
  }

  private static String testClasses() {
    return property("zloop.test.testClasses");
  }

  private static String property(String key) {
    String value = System.getProperty(key);
    assumeTrue(value != null, key + " is not set: run the tests through Maven");
    return value;
  }
}
