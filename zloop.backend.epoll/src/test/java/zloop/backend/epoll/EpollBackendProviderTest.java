package zloop.backend.epoll;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import zloop.BackendStatus;
import zloop.engine.spi.BackendProvider;
import zloop.posix.Os;

class EpollBackendProviderTest {

  private final EpollBackendProvider provider = new EpollBackendProvider();

  @Test
  void isNamedEpollAndRankedFirstOnLinuxOnly() {
    assertEquals("epoll", provider.name());
    assertEquals(Os.isLinux() ? 100 : -1, provider.autoRank());
  }

  @Test
  void isAvailableOnLinuxWithNativeAccess() {
    assumeTrue(Os.isLinux(), "epoll needs Linux");
    assumeTrue(getClass().getModule().isNativeAccessEnabled(), "tests run without native access");
    assertEquals(BackendStatus.available("epoll"), provider.status());
  }

  @Test
  void moduleProvidesTheBackendSpi() {
    ModuleDescriptor descriptor = EpollBackendProvider.class.getModule().getDescriptor();
    assumeTrue(descriptor != null, "running on the class path");
    assertEquals(1, descriptor.provides().size(), descriptor.provides()::toString);
    ModuleDescriptor.Provides provides = descriptor.provides().iterator().next();
    assertEquals(BackendProvider.class.getName(), provides.service());
    assertEquals(List.of(providerName()), provides.providers());
    assertTrue(descriptor.exports().isEmpty(), "nothing is exported: " + descriptor.exports());
  }

  @Test
  void serviceLoaderFindsIt() {
    Module self = getClass().getModule();
    self.addUses(BackendProvider.class); // the test is patched into a module that does not use it
    assertTrue(
        ServiceLoader.load(BackendProvider.class).stream()
            .anyMatch(p -> p.type() == EpollBackendProvider.class));
  }

  @Test
  void classPathUsersFindItThroughMetaInfServices() throws IOException {
    String resource = "META-INF/services/" + BackendProvider.class.getName();
    try (InputStream in = EpollBackendProvider.class.getModule().getResourceAsStream(resource)) {
      assertTrue(in != null, resource + " is missing");
      assertEquals(providerName(), new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
    }
  }

  private static String providerName() {
    return EpollBackendProvider.class.getName();
  }
}
