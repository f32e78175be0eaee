package zloop.backend.epoll;

import java.io.IOException;
import zloop.BackendStatus;
import zloop.EventLoop;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;
import zloop.posix.NativeAccess;
import zloop.posix.Os;

/**
 * The {@code epoll} backend: Linux readiness through epoll and eventfd.
 *
 * <p>{@link #status()} checks the OS, the architecture and native access before it loads any class
 * that links native code, so a JVM without {@code --enable-native-access} hears why the backend is
 * unavailable instead of printing a restricted-method warning.
 */
public final class EpollBackendProvider implements BackendProvider {

  static final String NAME = "epoll";

  /** The probe's backend serves no loop and dispatches nothing, so it has nothing to report. */
  private static final LoopContext PROBE =
      new LoopContext() {
        @Override
        public EventLoop loop() {
          return null;
        }

        @Override
        public void reportError(String message, Throwable exception) {}
      };

  /** Public for {@link java.util.ServiceLoader}. */
  public EpollBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public BackendStatus status() {
    if (!Os.isLinux()) {
      return unavailable("epoll needs Linux; this host is " + System.getProperty("os.name"));
    }
    if (Os.arch() == Os.Arch.OTHER) {
      return unavailable(
          "struct epoll_event is laid out for x86_64 and aarch64 only; this host is "
              + Os.describe());
    }
    String denied = NativeAccess.unavailableReason(EpollBackendProvider.class.getModule());
    if (denied != null) {
      return unavailable(denied);
    }
    // Only now may native code be linked: open and close one backend to learn whether the
    // kernel (or a seccomp filter) allows epoll and eventfd.
    try {
      EpollBackend.open(PROBE, 1).close();
      return BackendStatus.available(NAME);
    } catch (IOException e) {
      return unavailable(e.getMessage());
    }
  }

  /** First choice on Linux until io_uring beats it in the benchmark; never elsewhere. */
  @Override
  public int autoRank() {
    return Os.isLinux() ? 100 : -1;
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    return EpollBackend.open(context, EpollBackend.DEFAULT_MAX_EVENTS);
  }

  private static BackendStatus unavailable(String reason) {
    return BackendStatus.unavailable(NAME, reason);
  }
}
