package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class NativeAccessTest {

  @Test
  void grantedModuleHasNoReason() {
    Module posix = NativeAccess.class.getModule();
    assumeTrue(posix.isNativeAccessEnabled(), "the test JVM runs without native access for posix");
    assertNull(NativeAccess.unavailableReason(posix));
    assertNull(NativeAccess.unavailableReason(Object.class.getModule()));
  }

  @Test
  void deniedNamedModuleGetsItsFlag() {
    assumeTrue(NativeAccess.class.getModule().isNativeAccessEnabled());
    Module denied = moduleWithoutNativeAccess("zloop.test.denied");
    assertEquals(
        "native access is not enabled for module zloop.test.denied: "
            + "add --enable-native-access=zloop.test.denied to the java command line",
        NativeAccess.unavailableReason(denied));
  }

  @Test
  void deniedUnnamedModuleGetsAllUnnamed() throws Exception {
    assumeTrue(NativeAccess.class.getModule().isNativeAccessEnabled());
    try (URLClassLoader loader = new URLClassLoader(new URL[0], null)) {
      Module unnamed = loader.getUnnamedModule();
      assumeFalse(unnamed.isNativeAccessEnabled(), "the test JVM grants ALL-UNNAMED");
      assertEquals(
          "native access is not enabled for the class path (unnamed module): "
              + "add --enable-native-access=ALL-UNNAMED to the java command line",
          NativeAccess.unavailableReason(unnamed));
    }
  }

  /** A named module defined in a new layer: nothing grants it native access. */
  private static Module moduleWithoutNativeAccess(String name) {
    ModuleReference reference =
        new ModuleReference(ModuleDescriptor.newModule(name).build(), URI.create("test:" + name)) {
          @Override
          public ModuleReader open() {
            return new EmptyReader();
          }
        };
    ModuleFinder finder =
        new ModuleFinder() {
          @Override
          public Optional<ModuleReference> find(String moduleName) {
            return moduleName.equals(name) ? Optional.of(reference) : Optional.empty();
          }

          @Override
          public Set<ModuleReference> findAll() {
            return Set.of(reference);
          }
        };
    ModuleLayer boot = ModuleLayer.boot();
    Configuration configuration =
        boot.configuration().resolve(finder, ModuleFinder.of(), Set.of(name));
    ModuleLayer layer =
        boot.defineModulesWithOneLoader(configuration, ClassLoader.getSystemClassLoader());
    return layer.findModule(name).orElseThrow();
  }

  private static final class EmptyReader implements ModuleReader {
    @Override
    public Optional<URI> find(String name) {
      return Optional.empty();
    }

    @Override
    public Stream<String> list() {
      return Stream.empty();
    }

    @Override
    public void close() {}
  }
}
