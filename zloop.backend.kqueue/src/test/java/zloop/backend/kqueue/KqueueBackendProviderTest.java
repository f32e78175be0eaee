package zloop.backend.kqueue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zloop.BackendStatus;
import zloop.posix.Os;

/** Where kqueue comes from, and what the provider says when it cannot bind it. */
class KqueueBackendProviderTest {

  private String saved;

  @BeforeEach
  void save() {
    saved = System.getProperty(KqueueLibrary.PROPERTY);
  }

  @AfterEach
  void restore() {
    if (saved == null) {
      System.clearProperty(KqueueLibrary.PROPERTY);
    } else {
      System.setProperty(KqueueLibrary.PROPERTY, saved);
    }
  }

  @Test
  void withoutLibkqueueLinuxSaysHowToEnableIt() {
    Assumptions.assumeTrue(Os.isLinux(), "kqueue is in libc on macOS and the BSDs");
    Assumptions.assumeTrue(
        System.getenv(KqueueLibrary.ENVIRONMENT) == null,
        KqueueLibrary.ENVIRONMENT + " is set: the property alone cannot unset the library");
    System.setProperty(KqueueLibrary.PROPERTY, "");
    BackendStatus status = new KqueueBackendProvider().status();
    assertFalse(status.available());
    assertTrue(status.reason().contains("-Dzloop.kqueue.library="), status.reason());
    assertTrue(status.reason().contains("ZLOOP_KQUEUE_LIBRARY"), status.reason());
  }

  @Test
  void aLibraryThatDoesNotExistIsNamed() {
    Assumptions.assumeTrue(Os.isLinux(), "kqueue is in libc on macOS and the BSDs");
    System.setProperty(KqueueLibrary.PROPERTY, "/nonexistent/libkqueue.so.0");
    BackendStatus status = new KqueueBackendProvider().status();
    assertFalse(status.available());
    assertTrue(status.reason().contains("/nonexistent/libkqueue.so.0"), status.reason());
  }

  @Test
  void availableOnLinuxWhereLibkqueueIsConfigured() {
    Assumptions.assumeTrue(Os.isLinux(), "this checks Linux with libkqueue");
    Assumptions.assumeTrue(KqueueLibrary.unavailableReason() == null, KqueueLibrary::unavailableReason);
    BackendStatus status = new KqueueBackendProvider().status();
    assertTrue(status.available(), status::toString);
  }

  @Test
  void autoPicksKqueueOnlyOnMacOsAndFreeBsd() {
    int rank = new KqueueBackendProvider().autoRank();
    assertEquals(Os.isMacOs() || Os.isFreeBsd(), rank >= 0, "autoRank " + rank);
  }

  /** nio's rank ({@code NioBackendProvider.autoRank}): the fallback auto must beat on the BSDs. */
  private static final int NIO_RANK = 0;

  @Test
  void autoRanksKqueueAboveNioOnMacOsAndFreeBsdByOsName() {
    // The os.name values the JVM reports on each system.
    for (String bsd : List.of("Mac OS X", "Darwin", "FreeBSD")) {
      int rank = KqueueBackendProvider.autoRank(Os.familyOf(bsd));
      assertTrue(rank > NIO_RANK, bsd + ": kqueue must outrank nio, got " + rank);
    }
    for (String other : List.of("Linux", "OpenBSD", "NetBSD", "Windows 11")) {
      assertTrue(
          KqueueBackendProvider.autoRank(Os.familyOf(other)) < 0,
          other + ": auto never picks kqueue (epoll/io_uring on Linux; no kevent table elsewhere)");
    }
  }
}
