package zloop.posix;

import java.io.IOException;
import zloop.BackendStatus;

/**
 * Whether a native backend can run on this host, checked in the one safe order every native
 * backend needs: the OS, then the architecture its layouts were written for, then native access,
 * and only then a trial open of the backend (the first step that links native code).
 *
 * <p>Why the order: a JVM started without {@code --enable-native-access} must hear why the
 * backend is unavailable instead of printing a restricted-method warning, so nothing native may be
 * touched before {@link NativeAccess} says yes; and only a trial open can tell whether the kernel
 * (or a sysctl, or a seccomp filter) allows the facility.
 */
public final class NativeBackendProbe {

  /** Opens and closes one backend; throws with the reason it cannot serve here. */
  @FunctionalInterface
  public interface Trial {
    void openAndClose() throws IOException;
  }

  private NativeBackendProbe() {}

  /**
   * The status of the Linux backend {@code name}, whose classes are in {@code module}.
   *
   * @param layouts what the backend's structs or syscall numbers were written for, said when the
   *     host's architecture is another (the host is appended)
   * @param trial opens and closes a backend; called only when everything before passed
   */
  public static BackendStatus linuxStatus(String name, Module module, String layouts, Trial trial) {
    if (!Os.isLinux()) {
      return BackendStatus.unavailable(
          name, name + " needs Linux; this host is " + System.getProperty("os.name"));
    }
    return status(name, module, layouts, trial);
  }

  /**
   * The status of the native backend {@code name} on a host whose OS it supports: the
   * architecture, native access, then the trial, as {@link #linuxStatus} checks them after the OS.
   *
   * @param name the backend's name
   * @param module the module holding the backend's classes
   * @param layouts what the backend's structs were written for, said when the architecture is
   *     another (the host is appended)
   * @param trial opens and closes a backend; called only when everything before passed
   * @return the status
   */
  public static BackendStatus status(String name, Module module, String layouts, Trial trial) {
    if (Os.arch() == Os.Arch.OTHER) {
      return BackendStatus.unavailable(name, layouts + "; this host is " + Os.describe());
    }
    String denied = NativeAccess.unavailableReason(module);
    if (denied != null) {
      return BackendStatus.unavailable(name, denied);
    }
    try {
      trial.openAndClose();
      return BackendStatus.available(name);
    } catch (IOException e) {
      return BackendStatus.unavailable(name, e.getMessage());
    }
  }
}
