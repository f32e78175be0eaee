package zloop.backend.kqueue;

import java.io.IOException;
import zloop.BackendStatus;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.ProbeContext;
import zloop.posix.NativeBackendProbe;
import zloop.posix.Os;

/**
 * The {@code kqueue} backend: readiness through kqueue/kevent, on macOS and FreeBSD from libc and
 * on Linux from libkqueue (named by {@code -Dzloop.kqueue.library} or {@code
 * ZLOOP_KQUEUE_LIBRARY}).
 *
 * <p>{@link #status()} checks the library's configuration, the architecture and native access
 * before it loads any class that links native code. On macOS and FreeBSD it is available: the
 * shared socket core ({@code zloop.posix}) selects that OS's {@code sockaddr} layout, option and
 * flag numbers, errnos, {@code accept}/{@code fcntl} or {@code accept4}, and {@code SO_NOSIGPIPE}
 * through {@code PosixAbi}, from tables checked against their headers. <b>It has never run on a
 * macOS or BSD kernel</b>: only on Linux through libkqueue. Other BSDs (OpenBSD, NetBSD), whose
 * {@code struct kevent} and numbers zloop has no table for, get {@code nio}.
 */
public final class KqueueBackendProvider implements BackendProvider {

  static final String NAME = "kqueue";

  /** Public for {@link java.util.ServiceLoader}. */
  public KqueueBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public BackendStatus status() {
    String missing = KqueueLibrary.unavailableReason();
    if (missing != null) {
      return BackendStatus.unavailable(NAME, missing);
    }
    return NativeBackendProbe.status(
        NAME,
        KqueueBackendProvider.class.getModule(),
        "struct kevent is laid out for 64-bit x86_64 and aarch64 only",
        // Only reached once native code may be linked: open and close one backend to learn
        // whether the library loads and kqueue() works.
        () -> KqueueBackend.open(ProbeContext.INSTANCE, 1).close());
  }

  /**
   * First choice on macOS and the BSDs, whose native readiness API kqueue is; never on Linux,
   * where libkqueue emulates it over epoll and the epoll backend is the direct path.
   */
  @Override
  public int autoRank() {
    return autoRank(Os.family());
  }

  /**
   * The rank on {@code family}: above {@code nio}'s 0 on macOS and FreeBSD, so {@code auto} picks
   * kqueue there; negative (never picked by {@code auto}) elsewhere.
   */
  static int autoRank(Os.Family family) {
    return switch (family) {
      case MACOS, FREEBSD -> 100;
      case LINUX, OTHER -> -1;
    };
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    return KqueueBackend.open(context, KqueueBackend.DEFAULT_MAX_EVENTS);
  }
}
