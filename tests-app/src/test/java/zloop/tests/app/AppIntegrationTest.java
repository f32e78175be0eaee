package zloop.tests.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The integration the README's "Use zloop in your project" promises, as a user follows it:
 * examples/app, a project outside this build with {@code requires zloop.api;} as its only zloop
 * requirement and {@code zloop-runtime} as its one dependency, is built against zloop installed
 * into a temporary local repository, then run on the module path (with the flags) and on the
 * class path ({@code java -jar}: its manifest grants what the flags would), on each backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(900)
class AppIntegrationTest {
  /** What the README tells module-path users to pass. */
  static final String NATIVE_ACCESS =
      "--enable-native-access=zloop.posix,zloop.backend.epoll,zloop.backend.iouring,zloop.backend.kqueue";

  static final List<String> ADD_OPENS = List.of("--add-opens", "java.base/java.lang=zloop.engine");

  private OutsideBuild build;

  @BeforeAll
  void buildTheApplication() throws Exception {
    build = OutsideBuild.installAndPackage(Path.of("target", "outside-build").toAbsolutePath());
  }

  @Test
  void theApplicationRequiresTheApiOnlyAndItsJarCarriesTheLaunchAttributes() throws IOException {
    try (JarFile jar = new JarFile(build.appJar().toFile())) {
      var descriptor =
          java.lang.module.ModuleFinder.of(build.appJar()).find("example.app").orElseThrow().descriptor();
      List<String> zloopRequires =
          descriptor.requires().stream().map(r -> r.name()).filter(n -> n.startsWith("zloop")).toList();
      assertEquals(List.of("zloop.api"), zloopRequires, descriptor.toString());
      Manifest manifest = jar.getManifest();
      assertEquals("ALL-UNNAMED", manifest.getMainAttributes().getValue("Enable-Native-Access"));
      assertEquals("java.base/java.lang", manifest.getMainAttributes().getValue("Add-Opens"));
      assertEquals("example.app.App", manifest.getMainAttributes().getValue("Main-Class"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nio", "epoll", "io_uring"})
  void runsOnTheModulePathWithTheFlags(String backend) throws Exception {
    OutsideBuild.Run run = java(modulePathLaunch(backend, flags(NATIVE_ACCESS, ADD_OPENS)));
    skipIfUnavailableHere(backend, run);
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("zloop backend: " + backend + " (module path)"), run.output());
    assertTrue(run.output().contains("echoed: hello over zloop"), run.output());
    assertTrue(run.output().contains("loop stats: LoopStats[turns="), run.output());
  }

  @ParameterizedTest
  @ValueSource(strings = {"nio", "epoll"})
  void runsOnTheClassPathWithJavaJarAndNoFlags(String backend) throws Exception {
    OutsideBuild.Run run = java(List.of("-Dzloop.backend=" + backend, "-jar", build.appJar().toString()));
    skipIfUnavailableHere(backend, run);
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("zloop backend: " + backend + " (class path)"), run.output());
    assertTrue(run.output().contains("echoed: hello over zloop"), run.output());
  }

  @Test
  void runsOnTheClassPathWithTheUnnamedModuleFlags() throws Exception {
    List<String> cmd =
        flags(
            "--enable-native-access=ALL-UNNAMED",
            List.of("--add-opens", "java.base/java.lang=ALL-UNNAMED"));
    cmd.addAll(
        List.of(
            "-Dzloop.backend=epoll",
            "-cp",
            build.appJar() + File.pathSeparator + build.libDir().resolve("*"),
            "example.app.App"));
    OutsideBuild.Run run = java(cmd);
    skipIfUnavailableHere("epoll", run);
    assertEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("zloop backend: epoll (class path)"), run.output());
  }

  @Test
  void withoutNativeAccessANativeBackendIsUnavailableNamingTheFlag() throws Exception {
    assumeLinux();
    OutsideBuild.Run run = java(modulePathLaunch("epoll", new ArrayList<>(ADD_OPENS)));
    assertNotEquals(0, run.exitCode(), run.output());
    assertTrue(
        run.output().contains("zloop backend 'epoll' is unavailable: native access is not enabled for module zloop.backend.epoll"),
        run.output());
    assertTrue(run.output().contains("add --enable-native-access=zloop.backend.epoll,zloop.posix"), run.output());
  }

  @Test
  void withoutAddOpensTasksFailNamingTheFlag() throws Exception {
    OutsideBuild.Run run = java(modulePathLaunch("nio", flags(NATIVE_ACCESS, List.of())));
    assertNotEquals(0, run.exitCode(), run.output());
    assertTrue(run.output().contains("--add-opens java.base/java.lang=zloop.engine"), run.output());
  }

  /**
   * The README's recording command on the application: {@code jfr print --events 'zloop.*'} shows
   * every zloop event, each with its fields. Thresholds set to 0 so that a run this short has
   * slow callbacks, long turns and polls to show.
   */
  @Test
  void aFlightRecordingOfTheApplicationShowsTheZloopEvents() throws Exception {
    Path recording = build.work.resolve("app.jfr");
    Files.deleteIfExists(recording);
    List<String> flags = flags(NATIVE_ACCESS, ADD_OPENS);
    flags.add(
        "-XX:StartFlightRecording:filename="
            + recording
            + ",+zloop.SlowCallback#threshold=0ms,+zloop.LongTurn#threshold=0ms,+zloop.BackendPoll#threshold=0ms");
    OutsideBuild.Run run = java(modulePathLaunch("nio", flags));
    assertEquals(0, run.exitCode(), run.output());

    Map<String, List<RecordedEvent>> byName = new TreeMap<>();
    for (RecordedEvent e : RecordingFile.readAllEvents(recording)) {
      if (e.getEventType().getName().startsWith("zloop.")) {
        byName.computeIfAbsent(e.getEventType().getName(), k -> new ArrayList<>()).add(e);
      }
    }
    assertEquals(
        List.of("zloop.BackendPoll", "zloop.ConnectionClosed", "zloop.ConnectionOpened", "zloop.LongTurn", "zloop.SlowCallback"),
        List.copyOf(byName.keySet()));
    for (List<RecordedEvent> events : byName.values()) {
      for (RecordedEvent e : events) {
        assertEquals("nio", e.getString("backend"), e.toString());
      }
    }
    // The server accepted one connection and the client made one; both ended.
    List<Boolean> accepted = byName.get("zloop.ConnectionOpened").stream().map(e -> e.getBoolean("accepted")).sorted().toList();
    assertEquals(List.of(false, true), accepted);
    assertEquals(2, byName.get("zloop.ConnectionClosed").size());
    for (RecordedEvent e : byName.get("zloop.ConnectionOpened")) {
      assertTrue(e.getString("local").contains("127.0.0.1"), e.toString());
      assertTrue(e.getString("remote").contains("127.0.0.1"), e.toString());
    }
    assertTrue(
        byName.get("zloop.SlowCallback").stream().allMatch(e -> !e.getString("callback").isBlank()),
        byName.get("zloop.SlowCallback").toString());
    assertTrue(
        byName.get("zloop.LongTurn").stream().anyMatch(e -> e.getInt("callbacks") > 0),
        byName.get("zloop.LongTurn").toString());
    assertTrue(
        byName.get("zloop.BackendPoll").stream().anyMatch(e -> e.getInt("ioEvents") > 0),
        byName.get("zloop.BackendPoll").toString());

    Path jfrTool = Path.of(System.getProperty("java.home"), "bin", "jfr");
    OutsideBuild.Run printed = OutsideBuild.Run.of(List.of(jfrTool.toString(), "print", "--events", "zloop.*", recording.toString()), build.work, 120);
    assertEquals(0, printed.exitCode(), printed.output());
    for (String name : byName.keySet()) {
      assertTrue(printed.output().contains(name + " {"), name + " in: " + printed.output());
    }
  }

  // ------------------------------------------------------------------ helpers

  private List<String> modulePathLaunch(String backend, List<String> flags) {
    List<String> cmd = new ArrayList<>(flags);
    cmd.add("-Dzloop.backend=" + backend);
    cmd.add("--module-path");
    cmd.add(build.appJar() + File.pathSeparator + build.libDir());
    cmd.add("--module");
    cmd.add("example.app/example.app.App");
    return cmd;
  }

  private static List<String> flags(String nativeAccess, List<String> addOpens) {
    List<String> flags = new ArrayList<>();
    flags.add(nativeAccess);
    flags.addAll(addOpens);
    return flags;
  }

  OutsideBuild.Run java(List<String> args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(ProcessHandle.current().info().command().orElseThrow());
    cmd.addAll(args);
    return OutsideBuild.Run.of(cmd, build.work, 120);
  }

  /** Native backends need Linux; io_uring may be switched off (a container's seccomp, a sysctl). */
  private static void skipIfUnavailableHere(String backend, OutsideBuild.Run run) {
    if (!backend.equals("nio")) {
      assumeLinux();
    }
    assumeFalse(
        backend.equals("io_uring") && run.output().contains("zloop backend 'io_uring' is unavailable"),
        () -> "io_uring is unavailable on this host: " + run.output());
  }

  private static void assumeLinux() {
    assumeTrue(System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux"), "native backends need Linux");
  }
}
