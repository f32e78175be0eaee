package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine holds no backend: every backend, nio included, is a module found through {@link
 * java.util.ServiceLoader}. Checked in a JVM whose module path lacks some backend modules.
 */
@Timeout(120)
class BackendModulesTest {
  private static final List<String> BACKEND_MODULES =
      List.of("zloop.backend.epoll", "zloop.backend.iouring", "zloop.backend.kqueue", "zloop.backend.nio");

  @Test
  void withNoBackendModuleEveryChoiceFailsNamingTheModulesToAdd() throws Exception {
    ForkedJvm.Result r =
        ForkedJvm.run(List.of(), modulePathWithBackends(Set.of()), "zloop.tests.BackendProbe", "auto", "nio");
    assertEquals(0, r.exitCode(), r.output());
    assertFalse(r.output().contains("opened "), "a loop opened without any backend module: " + r.output());
    String auto = line(r.output(), 0);
    assertTrue(
        auto.startsWith("failed: no zloop backend is available: No backend module was found (zloop.engine holds none)"),
        auto);
    for (String module : BACKEND_MODULES) {
      assertTrue(auto.contains(module), "names " + module + ": " + auto);
    }
    String nio = line(r.output(), 1);
    assertTrue(
        nio.startsWith(
            "failed: zloop backend 'nio' is unavailable: module zloop.backend.nio is not on the module"
                + " path or class path. No backend module was found"),
        nio);
  }

  @Test
  void withNioTheOnlyBackendModuleAutoPicksNio() throws Exception {
    ForkedJvm.Result r =
        ForkedJvm.run(
            List.of(), modulePathWithBackends(Set.of("zloop.backend.nio")), "zloop.tests.BackendProbe", "auto", "epoll");
    assertEquals(0, r.exitCode(), r.output());
    assertEquals("opened nio", line(r.output(), 0), r.output());
    String epoll = line(r.output(), 1);
    assertTrue(
        epoll.startsWith(
            "failed: zloop backend 'epoll' is unavailable: module zloop.backend.epoll is not on the"
                + " module path or class path. Available: nio."),
        epoll);
  }

  /**
   * This JVM's module path without the backend modules but {@code kept}; zloop.api and
   * zloop.engine stay, as for a user who ships no (or only some) backend module.
   */
  private static String modulePathWithBackends(Set<String> kept) {
    List<String> entries =
        Pattern.compile(Pattern.quote(File.pathSeparator))
            .splitAsStream(System.getProperty("jdk.module.path"))
            .toList();
    List<String> left = new ArrayList<>();
    Set<String> leftModules = new HashSet<>();
    for (Path entry : entries.stream().flatMap(e -> modulesIn(Path.of(e)).stream()).toList()) {
      Set<String> names = moduleNames(entry);
      if (names.stream().noneMatch(n -> BACKEND_MODULES.contains(n) && !kept.contains(n))) {
        left.add(entry.toString());
        leftModules.addAll(names);
      }
    }
    assertTrue(leftModules.containsAll(List.of("zloop.api", "zloop.engine")), leftModules.toString());
    for (String backend : BACKEND_MODULES) {
      assertEquals(kept.contains(backend), leftModules.contains(backend), backend + " in " + leftModules);
    }
    return String.join(File.pathSeparator, left);
  }

  /**
   * A module path entry as single modules: a folder of module jars (the container's module path)
   * becomes its jars, so that one backend can be left out of it.
   */
  private static List<Path> modulesIn(Path entry) {
    if (!Files.isDirectory(entry) || Files.exists(entry.resolve("module-info.class"))) {
      return List.of(entry);
    }
    try (Stream<Path> files = Files.list(entry)) {
      return files.filter(f -> f.toString().endsWith(".jar")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Set<String> moduleNames(Path entry) {
    return ModuleFinder.of(entry).findAll().stream()
        .map(ModuleReference::descriptor)
        .map(ModuleDescriptor::name)
        .collect(Collectors.toSet());
  }

  /** The probe's lines, JVM warnings left out. */
  private static String line(String output, int index) {
    List<String> lines =
        output.lines().filter(l -> l.startsWith("opened ") || l.startsWith("failed: ")).toList();
    assertTrue(lines.size() > index, output);
    return lines.get(index);
  }
}
