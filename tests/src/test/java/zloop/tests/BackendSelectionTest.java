package zloop.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import zloop.BackendStatus;
import zloop.EventLoop;
import zloop.EventLoops;

/** Choosing a backend: auto, by name, by property, and the errors for bad choices. */
class BackendSelectionTest {

  @Test
  void everyKnownBackendIsListedWithAReasonWhenUnavailable() {
    List<BackendStatus> all = EventLoops.backends();
    List<String> names = all.stream().map(BackendStatus::name).sorted().toList();
    assertEquals(List.of("epoll", "io_uring", "kqueue", "nio"), names);
    for (BackendStatus s : all) {
      assertTrue(s.available() || !s.reason().isBlank(), s + " has no reason");
    }
    assertTrue(all.stream().anyMatch(s -> s.name().equals("nio") && s.available()));
  }

  @Test
  void autoPicksIoUringOnLinuxWhereARingOpensElseEpoll() {
    if (System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      boolean ringOpens =
          EventLoops.backends().stream().anyMatch(s -> s.name().equals("io_uring") && s.available());
      assertEquals(ringOpens ? "io_uring" : "epoll", EventLoops.autoBackend());
    } else {
      assertEquals("nio", EventLoops.autoBackend());
    }
    try (EventLoop loop = EventLoops.newEventLoop("auto")) {
      assertEquals(EventLoops.autoBackend(), loop.backendName());
    }
  }

  /**
   * Where io_uring cannot run, auto picks epoll: here io_uring is kept out by native access (the
   * same probe result as a sysctl or a seccomp filter that refuses the ring), in a forked JVM.
   */
  @Test
  void autoPicksEpollWhereIoUringCannotRun() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.getProperty("os.name").toLowerCase(java.util.Locale.ROOT).contains("linux"), "Linux only");
    ForkedJvm.Result r =
        ForkedJvm.run(
            List.of("--enable-native-access=zloop.backend.epoll,zloop.posix"),
            System.getProperty("jdk.module.path"),
            "zloop.tests.BackendProbe",
            "auto",
            "io_uring");
    assertEquals(0, r.exitCode(), r.output());
    List<String> lines =
        r.output().lines().filter(l -> l.startsWith("opened ") || l.startsWith("failed: ")).toList();
    assertEquals(2, lines.size(), r.output());
    assertEquals("opened epoll", lines.get(0), r.output());
    assertTrue(
        lines.get(1).startsWith("failed: zloop backend 'io_uring' is unavailable: native access is not enabled"),
        lines.get(1));
  }

  @Test
  void anUnknownBackendFailsWithOneClearMessage() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> EventLoops.newEventLoop("bogus"));
    assertTrue(e.getMessage().startsWith("unknown zloop backend 'bogus'"), e.getMessage());
    assertTrue(e.getMessage().contains("Available: "), e.getMessage());
    assertTrue(e.getMessage().contains("nio"), e.getMessage());
    // Every backend is named, with the reason where it is unavailable (which ones are depends on
    // the host: kqueue runs on Linux only where libkqueue is configured).
    for (BackendStatus s : EventLoops.backends()) {
      String named = s.available() ? s.name() : s.name() + " (" + s.reason() + ")";
      assertTrue(e.getMessage().contains(named), "names " + named + ": " + e.getMessage());
    }
  }

  @Test
  void anUnavailableBackendSaysWhy() {
    for (BackendStatus s : EventLoops.backends()) {
      if (!s.available()) {
        IllegalArgumentException e =
            assertThrows(IllegalArgumentException.class, () -> EventLoops.newEventLoop(s.name()));
        assertTrue(e.getMessage().contains("'" + s.name() + "' is unavailable: " + s.reason()), e.getMessage());
      }
    }
  }

  @Test
  void theSystemPropertySelectsTheBackend() {
    String before = System.getProperty(EventLoops.BACKEND_PROPERTY);
    try {
      System.setProperty(EventLoops.BACKEND_PROPERTY, "nio");
      try (EventLoop loop = EventLoops.newEventLoop()) {
        assertEquals("nio", loop.backendName());
      }
      System.setProperty(EventLoops.BACKEND_PROPERTY, "no-such-backend");
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, EventLoops::newEventLoop);
      assertTrue(e.getMessage().contains("'no-such-backend'"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(EventLoops.BACKEND_PROPERTY);
      } else {
        System.setProperty(EventLoops.BACKEND_PROPERTY, before);
      }
    }
  }
}
