package zloop.backend.iouring;

import java.io.IOException;
import zloop.BackendStatus;
import zloop.EventLoop;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;
import zloop.posix.NativeAccess;
import zloop.posix.Os;

/**
 * The {@code io_uring} backend: Linux completion I/O through io_uring.
 *
 * <p>{@link #status()} checks the OS, the architecture and native access before it loads any class
 * that links native code (so a JVM without {@code --enable-native-access} hears why instead of
 * printing a restricted-method warning), then sets up and tears down a small ring: that is the
 * only way to learn whether the kernel has io_uring, whether a sysctl or a seccomp filter blocks
 * it, and whether it has every operation zloop submits.
 */
public final class IoUringBackendProvider implements BackendProvider {

  static final String NAME = "io_uring";

  /** Below epoll's 100 until the benchmark shows io_uring faster on Linux. */
  static final int AUTO_RANK = 50;

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
  public IoUringBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public BackendStatus status() {
    if (!Os.isLinux()) {
      return unavailable("io_uring needs Linux; this host is " + System.getProperty("os.name"));
    }
    if (Os.arch() == Os.Arch.OTHER) {
      return unavailable(
          "zloop knows the io_uring syscall numbers of x86_64 and aarch64 only; this host is "
              + Os.describe());
    }
    String denied = NativeAccess.unavailableReason(IoUringBackendProvider.class.getModule());
    if (denied != null) {
      return unavailable(denied);
    }
    // Only now may native code be linked.
    try {
      IoUringBackend.open(PROBE, Config.PROBE).close();
      return BackendStatus.available(NAME);
    } catch (IOException e) {
      return unavailable(e.getMessage());
    }
  }

  @Override
  public int autoRank() {
    return Os.isLinux() ? AUTO_RANK : -1;
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    return IoUringBackend.open(context, Config.fromSystemProperties());
  }

  private static BackendStatus unavailable(String reason) {
    return BackendStatus.unavailable(NAME, reason);
  }
}
