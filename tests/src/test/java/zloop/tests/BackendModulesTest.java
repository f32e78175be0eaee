package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The engine holds no backend: every backend, nio included, is a module found through {@link
 * java.util.ServiceLoader}. Checked in a JVM whose module path lacks some backend modules.
 */
@Timeout(120)
class BackendModulesTest {
  private static final String PROVIDER = "zloop.engine.spi.BackendProvider";
  private static final List<String> BACKEND_MODULES =
      List.of("zloop.backend.epoll", "zloop.backend.iouring", "zloop.backend.kqueue", "zloop.backend.nio");

  @Test
  void withNoBackendModuleEveryChoiceFailsNamingTheModulesToAdd() throws Exception {
    ForkedJvm.Result r =
        ForkedJvm.run(List.of(), modulePathWithBackends(Set.of()), "zloop.tests.BackendProbe", "auto", "nio");
    assertEquals(0, r.exitCode(), r.output());
    assertFalse(r.output().contains("opened "), "a loop opened without any backend module: " + r.output());
    String auto = line(r.output(), 0);
    assertTrue(auto.startsWith("failed: no zloop backend is available: Available: none."), auto);
    assertTrue(auto.contains("No backend module was found (zloop.engine holds none)"), auto);
    for (String module : BACKEND_MODULES) {
      assertTrue(auto.contains(module), "names " + module + ": " + auto);
    }
    String nio = line(r.output(), 1);
    assertTrue(
        nio.startsWith(
            "failed: zloop backend 'nio' is unavailable: module zloop.backend.nio is not on the module"
                + " path or class path."),
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

  /** This JVM's module path without the entries that provide a backend, but for {@code kept}. */
  private static String modulePathWithBackends(Set<String> kept) {
    String path = System.getProperty("jdk.module.path");
    List<String> entries =
        Pattern.compile(Pattern.quote(File.pathSeparator))
            .splitAsStream(path)
            .filter(entry -> !providesABackendOtherThan(Path.of(entry), kept))
            .toList();
    assertTrue(entries.size() < path.split(Pattern.quote(File.pathSeparator)).length, path);
    return String.join(File.pathSeparator, entries);
  }

  private static boolean providesABackendOtherThan(Path entry, Set<String> kept) {
    Set<ModuleDescriptor> modules =
        ModuleFinder.of(entry).findAll().stream().map(ModuleReference::descriptor).collect(Collectors.toSet());
    return modules.stream()
        .anyMatch(
            d -> !kept.contains(d.name()) && d.provides().stream().anyMatch(p -> p.service().equals(PROVIDER)));
  }

  /** The probe's lines, JVM warnings left out. */
  private static String line(String output, int index) {
    List<String> lines =
        output.lines().filter(l -> l.startsWith("opened ") || l.startsWith("failed: ")).toList();
    assertTrue(lines.size() > index, output);
    return lines.get(index);
  }
}
