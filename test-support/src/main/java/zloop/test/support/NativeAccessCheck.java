package zloop.test.support;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JVM started without {@code --enable-native-access} learns from a native backend's provider
 * status which flag to add, and the provider gets there without calling a restricted method (which
 * would print a warning in the JDK's default mode).
 *
 * <p>A backend's test module subclasses it naming its module and a main class of its tests that
 * prints {@code available=...} and {@code reason=...} from the provider's status. The module's
 * surefire configuration sets {@code zloop.test.classes} and {@code zloop.test.testClasses} to its
 * output directories.
 */
public abstract class NativeAccessCheck {

  private static final String RESTRICTED_WARNING = "WARNING: A restricted method";

  private final String module;
  private final String statusMain;

  @TempDir Path dir;

  /**
   * @param module the backend's module, e.g. {@code zloop.backend.epoll}
   * @param statusMain the status-printing main class, in that module's test classes
   */
  protected NativeAccessCheck(String module, Class<?> statusMain) {
    this.module = module;
    this.statusMain = statusMain.getName();
  }

  @Test
  void modulePathReasonNamesTheModules() throws Exception {
    String modulePath = System.getProperty("jdk.module.path");
    assumeTrue(modulePath != null, "tests are not running on the module path");
    ForkedJvm.Result r =
        java(
            "--module-path",
            modulePath,
            "--patch-module",
            module + "=" + testClasses(),
            "-m",
            module + "/" + statusMain);
    assertAll(
        () -> assertTrue(r.out().contains("available=false"), r::toString),
        () ->
            assertTrue(
                r.out().contains("--enable-native-access=" + module + ",zloop.posix"),
                r::toString),
        () -> assertFalse(r.err().contains(RESTRICTED_WARNING), r::toString));
  }

  @Test
  void classPathReasonSaysAllUnnamed() throws Exception {
    ForkedJvm.Result r = java("-cp", classPath(), statusMain);
    assertAll(
        () -> assertTrue(r.out().contains("available=false"), r::toString),
        () -> assertTrue(r.out().contains("--enable-native-access=ALL-UNNAMED"), r::toString),
        () -> assertFalse(r.err().contains(RESTRICTED_WARNING), r::toString));
  }

  /** The control: the same launch with the flag finds the backend available, so the check works. */
  @Test
  void classPathWithTheFlagIsAvailable() throws Exception {
    assumeTrue(System.getProperty("os.name").startsWith("Linux"), module + " needs Linux");
    ForkedJvm.Result r = java("--enable-native-access=ALL-UNNAMED", "-cp", classPath(), statusMain);
    assertAll(
        () -> assertTrue(r.out().contains("available=true"), r::toString),
        () -> assertFalse(r.err().contains("WARNING"), r::toString));
  }

  private ForkedJvm.Result java(String... args) throws IOException, InterruptedException {
    ForkedJvm.Result r = ForkedJvm.run(dir, List.of(args));
    assertEquals(0, r.exit(), r::toString);
    return r;
  }

  /** The module's classes, its tests, and everything the test JVM had on either path. */
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
