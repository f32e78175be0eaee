package zloop.backend.iouring;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import zloop.posix.Errno;

/**
 * Why {@code io_uring_setup} failed, in words a user can act on: the errno alone does not say
 * whether io_uring is compiled out, switched off by a sysctl, or filtered by seccomp (Docker's
 * default profile blocks the three io_uring syscalls).
 */
final class SetupFailure {

  /** The sysctl that switches io_uring off: 0 on, 1 only for one group, 2 off (Linux 6.6). */
  static final Path DISABLED_SYSCTL = Path.of("/proc/sys/kernel/io_uring_disabled");

  private SetupFailure() {}

  /** The message for {@code io_uring_setup} failing with {@code errno} on this host. */
  static String describe(int errno) {
    return describe(errno, disabledSetting(DISABLED_SYSCTL));
  }

  /**
   * The message for {@code io_uring_setup} failing with {@code errno}, given the value of {@code
   * kernel.io_uring_disabled} (-1 when the kernel has no such sysctl).
   */
  static String describe(int errno, int disabledSetting) {
    String call =
        "io_uring_setup failed: " + Errno.name(errno) + " (" + Errno.strerror(errno) + "): ";
    return call
        + switch (errno) {
          case Errno.EPERM ->
              switch (disabledSetting) {
                case 2 -> "io_uring is switched off on this host (sysctl kernel.io_uring_disabled=2)";
                case 1 ->
                    "io_uring is limited to the group in sysctl kernel.io_uring_group"
                        + " (kernel.io_uring_disabled=1), and this process is not in it";
                default ->
                    "a seccomp filter or security module blocks io_uring (Docker's default seccomp"
                        + " profile does: run with a profile that allows io_uring_setup,"
                        + " io_uring_enter and io_uring_register)";
              };
          case Errno.ENOSYS ->
              "this kernel has no io_uring (built without CONFIG_IO_URING), or a seccomp filter"
                  + " hides it";
          case Errno.ENOMEM ->
              "out of memory for the rings (kernels before 5.12 charge them to RLIMIT_MEMLOCK)";
          case Errno.EMFILE, Errno.ENFILE -> "out of file descriptors";
          case Errno.EINVAL -> "the kernel accepts none of the setup flags zloop can use";
          default -> "io_uring cannot be used here";
        };
  }

  /** {@code kernel.io_uring_disabled}, or -1 if the file is missing or unreadable. */
  static int disabledSetting(Path sysctl) {
    try {
      return Integer.parseInt(Files.readString(sysctl).strip());
    } catch (IOException | NumberFormatException e) {
      return -1; // older than 6.6, or /proc is not mounted: nothing switches io_uring off
    }
  }
}
