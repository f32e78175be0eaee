package zloop.backend.iouring;

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

class IoUringBackendProviderTest {

  private final IoUringBackendProvider provider = new IoUringBackendProvider();

  @Test
  void isNamedIoUringAndRankedAboveEpoll() {
    assertEquals("io_uring", provider.name());
    // epoll ranks 100 on Linux: auto picks io_uring where a ring opens, epoll where it does not.
    assertEquals(Os.isLinux() ? 150 : -1, provider.autoRank());
  }

  @Test
  void isAvailableOnLinuxWithNativeAccess() {
    assumeTrue(Os.isLinux(), "io_uring needs Linux");
    assumeTrue(getClass().getModule().isNativeAccessEnabled(), "tests run without native access");
    assumeTrue(
        SetupFailure.disabledSetting(SetupFailure.DISABLED_SYSCTL) <= 0,
        "io_uring is switched off on this host");
    assertEquals(BackendStatus.available("io_uring"), provider.status());
  }

  @Test
  void moduleProvidesTheBackendSpiAndExportsNothing() {
    ModuleDescriptor descriptor = IoUringBackendProvider.class.getModule().getDescriptor();
    assumeTrue(descriptor != null, "running on the class path");
    assertEquals(1, descriptor.provides().size(), descriptor.provides()::toString);
    ModuleDescriptor.Provides provides = descriptor.provides().iterator().next();
    assertEquals(BackendProvider.class.getName(), provides.service());
    assertEquals(List.of(IoUringBackendProvider.class.getName()), provides.providers());
    assertTrue(descriptor.exports().isEmpty(), "nothing is exported: " + descriptor.exports());
  }

  @Test
  void serviceLoaderFindsIt() {
    getClass().getModule().addUses(BackendProvider.class);
    assertTrue(
        ServiceLoader.load(BackendProvider.class).stream()
            .anyMatch(p -> p.type() == IoUringBackendProvider.class));
  }

  @Test
  void classPathUsersFindItThroughMetaInfServices() throws IOException {
    String resource = "META-INF/services/" + BackendProvider.class.getName();
    try (InputStream in = IoUringBackendProvider.class.getModule().getResourceAsStream(resource)) {
      assertTrue(in != null, resource + " is missing");
      assertEquals(
          IoUringBackendProvider.class.getName(),
          new String(in.readAllBytes(), StandardCharsets.UTF_8).trim());
    }
  }
}
