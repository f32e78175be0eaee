package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.constantpool.Utf8Entry;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolvedModule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The module graph, pinned: each zloop module's exact {@code requires}, {@code exports} (with their
 * targets), {@code opens}, {@code uses} and {@code provides}, read from the compiled descriptors in
 * this JVM's boot layer (the tests module has every zloop module on its module path). A changed
 * module-info fails here until the table below says the same; a qualified export whose target no
 * longer reads or uses the package fails {@link #everyQualifiedExportReachesAModuleThatUsesIt}.
 */
class ModuleGraphTest {

  /**
   * The expected descriptors, one block per module, one directive per line ({@code java.base},
   * which every module reads, left out). Lines may come in any order, as may export targets.
   */
  private static final Map<String, String> EXPECTED =
      Map.of(
          "zloop.api",
          """
          exports zloop
          exports zloop.spi
          exports zloop.sync
          exports zloop.internal.transport to zloop.engine, zloop.tls
          uses zloop.spi.EventLoopFactory
          """,
          "zloop.engine",
          """
          requires transitive zloop.api
          requires jdk.unsupported
          requires jdk.jfr
          exports zloop.engine.spi to zloop.backend.epoll, zloop.backend.iouring, zloop.backend.kqueue, zloop.backend.nio, zloop.posix, zloop.test.support
          uses zloop.engine.spi.BackendProvider
          uses zloop.spi.TlsProvider
          provides zloop.spi.EventLoopFactory with zloop.engine.ZloopEventLoopFactory
          """,
          "zloop.posix",
          """
          requires zloop.api
          requires zloop.engine
          exports zloop.posix to zloop.backend.epoll, zloop.backend.iouring, zloop.backend.kqueue
          """,
          "zloop.backend.epoll",
          """
          requires zloop.engine
          requires zloop.posix
          provides zloop.engine.spi.BackendProvider with zloop.backend.epoll.EpollBackendProvider
          """,
          "zloop.backend.iouring",
          """
          requires zloop.engine
          requires zloop.posix
          provides zloop.engine.spi.BackendProvider with zloop.backend.iouring.IoUringBackendProvider
          """,
          "zloop.backend.kqueue",
          """
          requires zloop.engine
          requires zloop.posix
          provides zloop.engine.spi.BackendProvider with zloop.backend.kqueue.KqueueBackendProvider
          """,
          "zloop.backend.nio",
          """
          requires zloop.engine
          provides zloop.engine.spi.BackendProvider with zloop.backend.nio.NioBackendProvider
          """,
          "zloop.test.support",
          """
          requires transitive zloop.engine
          requires transitive org.junit.jupiter.api
          exports zloop.test.support
          """,
          "zloop.tls",
          """
          requires zloop.api
          provides zloop.spi.TlsProvider with zloop.tls.SslEngineTlsProvider
          """);

  static Stream<String> modules() {
    return EXPECTED.keySet().stream().sorted();
  }

  @ParameterizedTest(name = "{0}", quoteTextArguments = false) // the display name is the module's
  @MethodSource("modules")
  void descriptorIsExactlyTheExpectedOne(String module) {
    ModuleDescriptor descriptor =
        ModuleLayer.boot().findModule(module).isPresent()
            ? bootModule(module).getDescriptor()
            : testOnlyModule(module).map(ModuleReference::descriptor).orElseGet(() -> fail(module + " not found"));
    assertEquals(canonical(EXPECTED.get(module).lines().toList()), canonical(directives(descriptor)), module);
  }

  /**
   * Every qualified export of a zloop module goes to a module of this layer that reads the
   * exporting module and whose classes refer to the exported package: no export kept for a module
   * that no longer needs it, or that does not exist.
   */
  @Test
  void everyQualifiedExportReachesAModuleThatUsesIt() throws IOException {
    List<String> stale = new ArrayList<>();
    int checked = 0;
    for (Module source : zloopModules()) {
      for (ModuleDescriptor.Exports export : source.getDescriptor().exports()) {
        for (String targetName : export.targets()) {
          checked++;
          String edge = source.getName() + " exports " + export.source() + " to " + targetName;
          Optional<Module> target = ModuleLayer.boot().findModule(targetName);
          Optional<ModuleReference> testOnly = testOnlyModule(targetName);
          if (target.isEmpty() && testOnly.isPresent()) {
            if (testOnly.get().descriptor().requires().stream()
                .noneMatch(r -> r.name().equals(source.getName()))) {
              stale.add(edge + ": " + targetName + " does not require " + source.getName());
            } else if (!refersToPackage(testOnly.get(), export.source())) {
              stale.add(edge + ": no class of " + targetName + " refers to " + export.source());
            }
          } else if (target.isEmpty()) {
            stale.add(edge + ": no such module in this layer");
          } else if (!target.get().canRead(source)) {
            stale.add(edge + ": " + targetName + " does not read " + source.getName());
          } else if (!refersToPackage(targetName, export.source())) {
            stale.add(edge + ": no class of " + targetName + " refers to " + export.source());
          }
        }
      }
    }
    assertTrue(checked > 0, "no qualified export found: is every zloop module in the boot layer?");
    assertEquals(List.of(), stale);
  }

  /** The check above can tell a module that uses a package from one that does not. */
  @Test
  void thePackageReferenceCheckTellsUseFromNoUse() throws IOException {
    assertTrue(refersToPackage("zloop.backend.epoll", "zloop.posix"));
    assertTrue(refersToPackage("zloop.backend.nio", "zloop.engine.spi"));
    assertFalse(refersToPackage("zloop.tls", "zloop.engine.spi"));
    assertFalse(refersToPackage("zloop.api", "zloop.engine.spi"));
  }

  /**
   * A module only tests use (zloop.test.support): surefire puts it on the class path, so it is not
   * in the boot layer; its descriptor is read from there.
   */
  private static Optional<ModuleReference> testOnlyModule(String name) {
    Path[] classPath =
        Stream.of(System.getProperty("java.class.path", "").split(File.pathSeparator))
            .filter(e -> !e.isEmpty())
            .map(Path::of)
            .toArray(Path[]::new);
    return ModuleFinder.of(classPath).find(name);
  }

  private static Module bootModule(String name) {
    return ModuleLayer.boot()
        .findModule(name)
        .orElseGet(() -> fail(name + " is not in the boot layer: " + ModuleLayer.boot().modules()));
  }

  private static List<Module> zloopModules() {
    return ModuleLayer.boot().modules().stream()
        .filter(m -> m.getName().startsWith("zloop."))
        .sorted(Comparator.comparing(Module::getName))
        .toList();
  }

  /** The descriptor as lines of the table's form. */
  private static List<String> directives(ModuleDescriptor d) {
    List<String> out = new ArrayList<>();
    if (d.isOpen()) {
      out.add("open module");
    }
    for (ModuleDescriptor.Requires r : d.requires()) {
      if (!r.modifiers().contains(ModuleDescriptor.Requires.Modifier.MANDATED)) {
        out.add(
            "requires "
                + (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC) ? "static " : "")
                + (r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE) ? "transitive " : "")
                + r.name());
      }
    }
    for (ModuleDescriptor.Exports e : d.exports()) {
      out.add("exports " + e.source() + to(e.targets().stream().toList()));
    }
    for (ModuleDescriptor.Opens o : d.opens()) {
      out.add("opens " + o.source() + to(o.targets().stream().toList()));
    }
    for (String service : d.uses()) {
      out.add("uses " + service);
    }
    for (ModuleDescriptor.Provides p : d.provides()) {
      out.add("provides " + p.service() + " with " + String.join(", ", p.providers()));
    }
    return out;
  }

  private static String to(List<String> targets) {
    return targets.isEmpty() ? "" : " to " + String.join(", ", targets);
  }

  private static final Pattern TO = Pattern.compile(" to ");
  private static final Pattern COMMA = Pattern.compile(",\\s*");
  private static final List<String> ORDER =
      List.of("open", "requires", "exports", "opens", "uses", "provides");

  /**
   * Lines trimmed, export and open targets sorted, lines grouped by directive then sorted, joined
   * one per line (so a failure shows both descriptors in the table's form). Provider order stays:
   * {@link java.util.ServiceLoader} follows it.
   */
  private static String canonical(List<String> lines) {
    TreeMap<String, String> byKey = new TreeMap<>();
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] sourceAndTargets = TO.split(line, 2);
      if (sourceAndTargets.length == 2 && (line.startsWith("exports ") || line.startsWith("opens "))) {
        line = sourceAndTargets[0] + " to " + String.join(", ", COMMA.splitAsStream(sourceAndTargets[1]).sorted().toList());
      }
      String directive = line.substring(0, line.indexOf(' '));
      byKey.put(ORDER.indexOf(directive) + " " + line, line);
    }
    return String.join("\n", byKey.values());
  }

  /** Whether a class of {@code module} names a type of {@code pkg} (in its constant pool). */
  private static boolean refersToPackage(String module, String pkg) throws IOException {
    ResolvedModule resolved = ModuleLayer.boot().configuration().findModule(module).orElseThrow();
    return refersToPackage(resolved.reference(), pkg);
  }

  private static boolean refersToPackage(ModuleReference module, String pkg) throws IOException {
    // A type directly in pkg, as a class name (a/b/C) or inside a descriptor or signature (La/b/C;).
    Pattern reference = Pattern.compile("(?:^|L)" + Pattern.quote(pkg.replace('.', '/')) + "/[^/;<>()\\[]+(?:$|[;<])");
    try (ModuleReader reader = module.open();
        Stream<String> entries = reader.list()) {
      for (String entry : entries.filter(e -> e.endsWith(".class") && !e.endsWith("module-info.class")).toList()) {
        try (InputStream in = reader.open(entry).orElseThrow()) {
          for (PoolEntry constant : ClassFile.of().parse(in.readAllBytes()).constantPool()) {
            if (constant instanceof Utf8Entry utf8 && reference.matcher(utf8.stringValue()).find()) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }
}
