package zloop.posix;

import zloop.engine.spi.Backend;

/**
 * A backend that learns of a child's exit by its pid, without a pidfd: kqueue's {@code
 * EVFILT_PROC} with {@code NOTE_EXIT} (macOS and the BSDs have no pidfd; libkqueue implements the
 * filter on Linux). {@link PosixProcesses} uses it where the backend implements it, and otherwise
 * watches a pidfd with {@link Backend#watchFd}; the reaping ({@code waitpid}) is the same.
 */
public interface ProcessExitWatch {

  /**
   * Starts ({@code handler} not null) or stops ({@code null}) watching child {@code pid}'s exit.
   * Once it has exited the handler is called from a poll with {@link Backend#READABLE}; it must
   * reap the child, and then stop the watch. Loop thread only.
   *
   * @param pid a child of this process, not yet reaped
   * @param handler what to call once it exits, or {@code null} to stop watching
   * @throws java.io.UncheckedIOException if the kernel refuses the watch
   */
  void watchExit(int pid, Backend.FdHandler handler);
}
