package zloop.backend.epoll;

import java.io.IOException;
import zloop.BackendStatus;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.ProbeContext;
import zloop.posix.NativeBackendProbe;
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

  /** Public for {@link java.util.ServiceLoader}. */
  public EpollBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public BackendStatus status() {
    return NativeBackendProbe.linuxStatus(
        NAME,
        EpollBackendProvider.class.getModule(),
        "struct epoll_event is laid out for x86_64 and aarch64 only",
        // Only reached once native code may be linked: open and close one backend to learn
        // whether the kernel (or a seccomp filter) allows epoll and eventfd.
        () -> EpollBackend.open(ProbeContext.INSTANCE, 1).close());
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
}
