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
 * before it loads any class that links native code. On macOS and the BSDs it reports the backend
 * unavailable for now: the shared socket core ({@code zloop.posix}) translates macOS's and
 * FreeBSD's errnos ({@code PosixAbi}) and has their option numbers and {@code sockaddr} facts in
 * tables checked against their headers, but its socket calls still use Linux's {@code sockaddr}
 * layout, option numbers, {@code accept4}/{@code SOCK_NONBLOCK} and {@code MSG_NOSIGNAL}; and this
 * backend has never run on a BSD kernel.
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
    if (!Os.isLinux()) {
      return BackendStatus.unavailable(
          NAME,
          "the POSIX socket core's calls still use Linux's sockaddr layout and option numbers, and"
              + " kqueue has been tested only on Linux through libkqueue; use nio on "
              + Os.describe());
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
    return Os.isMacOs() || Os.isFreeBsd() ? 100 : -1;
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    return KqueueBackend.open(context, KqueueBackend.DEFAULT_MAX_EVENTS);
  }
}
