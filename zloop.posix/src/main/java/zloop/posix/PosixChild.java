package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import zloop.engine.spi.Backend;
import zloop.engine.spi.ChildHandle;
import zloop.engine.spi.SocketHandle;

/**
 * A child started with {@code posix_spawn}, watched through its pidfd: the pidfd turns readable
 * when the child exits, the backend reports it like any watched descriptor, and {@code
 * waitpid(WNOHANG)} reaps it then. No thread per child, no {@code SIGCHLD} handler (asyncio's
 * {@code PidfdChildWatcher}).
 *
 * <p>The pid is signalled only until the child is reaped: an unreaped child keeps its pid, so a
 * signal can never reach an unrelated process that reused it.
 *
 * <p>Where the backend watches exits by pid ({@link ProcessExitWatch}: kqueue's {@code
 * EVFILT_PROC}/{@code NOTE_EXIT}) there is no pidfd ({@code -1}) and the backend's watch calls
 * {@link #onReady} instead: the rest is the same.
 *
 * <p>Loop thread only.
 */
final class PosixChild implements ChildHandle, Backend.FdHandler {

  private static final int SIGKILL = 9;

  /** asyncio's code for a child someone else reaped ({@code ChildProcessError}): 255. */
  private static final int UNKNOWN_RETURN_CODE = 255;

  private final PosixProcesses owner;
  private final int pid;
  private final int pidfd;
  private final PosixPipe[] pipes;
  private ExitHandler handler;
  private boolean reaped;
  private boolean watching;
  private boolean closed;

  PosixChild(PosixProcesses owner, int pid, int pidfd, PosixPipe[] pipes) {
    this.owner = owner;
    this.pid = pid;
    this.pidfd = pidfd;
    this.pipes = pipes;
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public SocketHandle pipe(int fd) {
    return pipes[fd];
  }

  @Override
  public void onExit(ExitHandler exitHandler) {
    if (closed || reaped) {
      throw new IllegalStateException("child " + pid + " is no longer watched");
    }
    this.handler = java.util.Objects.requireNonNull(exitHandler, "handler");
    watch();
  }

  private void watch() {
    if (!watching) {
      ProcessExitWatch byPid = owner.exitWatch();
      if (byPid != null) {
        byPid.watchExit(pid, this);
      } else {
        owner.backend().watchFd(pidfd, Backend.READABLE, this);
      }
      watching = true;
    }
  }

  private void unwatch() {
    if (watching) {
      watching = false;
      ProcessExitWatch byPid = owner.exitWatch();
      if (byPid != null) {
        byPid.watchExit(pid, null);
      } else {
        owner.backend().watchFd(pidfd, 0, this);
      }
    }
  }

  private void closePidfd() {
    if (pidfd >= 0) {
      Libc.close(pidfd, owner.errno());
    }
  }

  @Override
  public void onReady(int fd, int readyBits) {
    reap();
  }

  /** Reaps the child if it has exited, and then reports it once. */
  void reap() {
    if (reaped) {
      return;
    }
    MemorySegment status = owner.status();
    int r = ProcessCalls.waitpid(pid, status, ProcessCalls.WNOHANG, owner.errno());
    if (r == 0) {
      return; // not yet (a spurious wake-up)
    }
    int code =
        r == pid ? ProcessCalls.returnCode(status.get(JAVA_INT, 0)) : UNKNOWN_RETURN_CODE;
    if (r < 0) {
      owner.reportError(
          "Unknown child process pid " + pid + ", will report returncode 255",
          Errno.exception("waitpid", -r));
    }
    finish();
    ExitHandler h = handler;
    handler = null;
    if (h != null && !closed) {
      h.onExit(code);
    }
  }

  private void finish() {
    reaped = true;
    unwatch();
    closePidfd();
    owner.forget(this);
  }

  @Override
  public void sendSignal(int signal) throws IOException {
    if (reaped) {
      return; // Popen.send_signal's rule: nothing to signal, and the pid may be another's now
    }
    int r = ProcessCalls.kill(pid, signal, owner.errno());
    if (r < 0 && r != -Errno.ESRCH) {
      throw Errno.exception("kill(" + pid + ", " + signal + ")", -r);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    handler = null;
    if (!reaped) {
      ProcessCalls.kill(pid, SIGKILL, owner.errno());
      watch(); // reaped when it has died, from a later poll
    }
  }

  /** The backend closes: kill and reap now, blocking only for a child already killed. */
  void closeWithBackend() {
    if (reaped) {
      return;
    }
    ProcessCalls.kill(pid, SIGKILL, owner.errno());
    ProcessCalls.waitpid(pid, owner.status(), 0, owner.errno());
    reaped = true;
    watching = false; // the backend's watches are going away with it
    closePidfd();
  }

  @Override
  public String toString() {
    return "PosixChild[pid=" + pid + (reaped ? ", reaped" : "") + (closed ? ", closed" : "") + "]";
  }
}
