package zloop.backend.iouring;

import java.io.IOException;
import zloop.BackendStatus;
import zloop.engine.spi.Backend;
import zloop.engine.spi.BackendProvider;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.ProbeContext;
import zloop.posix.NativeBackendProbe;
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

  /**
   * Above epoll's 100: where a ring opens, {@code auto} picks io_uring, and epoll where it does not
   * (an old kernel, the sysctl, a container's seccomp filter). The echo matrix of 2026-12-06 (C
   * client, quiet machine): io_uring used 0.75-0.84x epoll's server CPU per echo at 1 KiB and served
   * 1.07-1.22x its requests, was level at 10 KiB, and cost 1.13-1.18x at 100 KiB, where every
   * send is copied out of the provided buffers; small messages are the common case.
   */
  static final int AUTO_RANK = 150;

  /** Public for {@link java.util.ServiceLoader}. */
  public IoUringBackendProvider() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public BackendStatus status() {
    return NativeBackendProbe.linuxStatus(
        NAME,
        IoUringBackendProvider.class.getModule(),
        "zloop knows the io_uring syscall numbers of x86_64 and aarch64 only",
        () -> IoUringBackend.open(ProbeContext.INSTANCE, Config.PROBE).close());
  }

  @Override
  public int autoRank() {
    return Os.isLinux() ? AUTO_RANK : -1;
  }

  @Override
  public Backend open(LoopContext context) throws IOException {
    return IoUringBackend.open(context, Config.fromSystemProperties());
  }
}
