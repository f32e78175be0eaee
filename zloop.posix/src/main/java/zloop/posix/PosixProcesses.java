package zloop.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import zloop.Stdio;
import zloop.engine.spi.Backend;
import zloop.engine.spi.ChildHandle;
import zloop.engine.spi.LoopContext;
import zloop.engine.spi.SocketHandle;
import zloop.engine.spi.SpawnRequest;

/**
 * One native backend's pipes and child processes ({@link Backend#openPipe}, {@link
 * Backend#spawn}): the same on every backend that can watch a descriptor, so a backend only
 * delegates to it. It spawns with {@code posix_spawn} (see {@link ProcessCalls} for why), keeps
 * what it opened so the backend's close leaves no descriptor and no zombie, and owns the native
 * memory its pipes share.
 *
 * <p>Descriptors: every pipe end is made close-on-exec ({@code pipe2(O_CLOEXEC)}), the parent's
 * ends non-blocking; the child gets its ends as 0-2 through {@code dup2}, which clears the flag
 * there only. Where libc can ({@code posix_spawn_file_actions_addclosefrom_np}, glibc 2.34), the
 * child also closes every descriptor from 3 up before {@code exec}, so even a descriptor someone
 * else in the JVM opened without close-on-exec does not leak into it.
 *
 * <p>Loop thread only.
 */
public final class PosixProcesses implements AutoCloseable {

  private final Backend backend;
  private final LoopContext context;
  private final Arena arena = Arena.ofShared();
  private final ErrnoCapture errno = new ErrnoCapture(arena);
  private final PipeIo io = new PipeIo(arena, errno);
  private final MemorySegment status = arena.allocate(JAVA_INT);
  private final Set<PosixPipe> pipes = new LinkedHashSet<>();
  private final Set<PosixChild> children = new LinkedHashSet<>();
  private boolean closed;

  /**
   * @param backend the backend whose {@link Backend#watchFd} watches the pipes and pidfds
   * @param context where failures nobody waits for are reported
   */
  public PosixProcesses(Backend backend, LoopContext context) {
    this.backend = backend;
    this.context = context;
  }

  Backend backend() {
    return backend;
  }

  /** The backend's pid-based exit watch (kqueue), or {@code null}: then a pidfd is watched. */
  ProcessExitWatch exitWatch() {
    return backend instanceof ProcessExitWatch w ? w : null;
  }

  ErrnoCapture errno() {
    return errno;
  }

  MemorySegment status() {
    return status;
  }

  void reportError(String message, Throwable failure) {
    context.reportError(message, failure);
  }

  void forget(PosixPipe pipe) {
    pipes.remove(pipe);
  }

  void forget(PosixChild child) {
    children.remove(child);
  }

  /**
   * {@link Backend#openPipe}: checks the descriptor's direction, then owns it.
   *
   * @param fd the descriptor
   * @param forWriting whether it is a write end
   * @return the pipe handle
   * @throws IOException if the descriptor is not open
   * @throws IllegalArgumentException if it is not open in that direction
   */
  public SocketHandle openPipe(int fd, boolean forWriting) throws IOException {
    ensureOpen();
    if (fd < 0) {
      throw new IllegalArgumentException("invalid file descriptor: " + fd);
    }
    int flags = ProcessCalls.fcntl(fd, ProcessCalls.F_GETFL, 0, errno);
    if (flags < 0) {
      throw Errno.exception("fcntl(" + fd + ", F_GETFL)", -flags);
    }
    int access = flags & 3;
    boolean readable = access == Libc.O_RDONLY || access == ProcessCalls.O_RDWR;
    boolean writable = access == ProcessCalls.O_WRONLY || access == ProcessCalls.O_RDWR;
    if (forWriting ? !writable : !readable) {
      throw new IllegalArgumentException(
          "file descriptor " + fd + " is not open for " + (forWriting ? "writing" : "reading"));
    }
    Errno.check("fcntl(F_SETFL)", ProcessCalls.fcntl(fd, ProcessCalls.F_SETFL, flags | ProcessCalls.O_NONBLOCK, errno));
    Errno.check("fcntl(F_SETFD)", ProcessCalls.fcntl(fd, ProcessCalls.F_SETFD, ProcessCalls.FD_CLOEXEC, errno));
    return wrap(fd, forWriting);
  }

  private PosixPipe wrap(int fd, boolean forWriting) {
    PosixPipe pipe = new PosixPipe(this, io, fd, forWriting);
    pipes.add(pipe);
    pipe.start();
    return pipe;
  }

  /**
   * {@link Backend#spawn}: {@code posix_spawn} with the request's descriptors, directory and
   * environment, clean signal state, and a pidfd for the exit.
   *
   * @param request what to start
   * @return the running child
   * @throws IOException if it could not be started
   */
  public ChildHandle spawn(SpawnRequest request) throws IOException {
    ensureOpen();
    if (request.directory() != null && !ProcessCalls.canChdir()) {
      throw new UnsupportedOperationException(
          "a working directory for a child needs glibc 2.29 (posix_spawn_file_actions_addchdir_np)");
    }
    int[] parentEnds = {-1, -1, -1};
    int[] childEnds = {-1, -1, -1};
    try (Arena call = Arena.ofConfined()) {
      MemorySegment fa = call.allocate(ProcessCalls.FILE_ACTIONS_SIZE, 16);
      MemorySegment attr = call.allocate(ProcessCalls.SPAWNATTR_SIZE, 16);
      MemorySegment sigset = call.allocate(ProcessCalls.SIGSET_SIZE, 16);
      MemorySegment fds = call.allocate(JAVA_INT, 2);
      check("posix_spawn_file_actions_init", ProcessCalls.fileActionsInit(fa));
      try {
        check("posix_spawnattr_init", ProcessCalls.attrInit(attr));
        try {
          MemorySegment devNull = call.allocateFrom("/dev/null");
          for (int i = 0; i < 3; i++) {
            Stdio mode = request.stdio(i);
            switch (mode) {
              case PIPE -> {
                Errno.check("pipe2", ProcessCalls.pipe2(fds, Libc.O_CLOEXEC, errno));
                int readEnd = fds.getAtIndex(JAVA_INT, 0);
                int writeEnd = fds.getAtIndex(JAVA_INT, 1);
                parentEnds[i] = i == 0 ? writeEnd : readEnd;
                childEnds[i] = i == 0 ? readEnd : writeEnd;
                int fl = ProcessCalls.fcntl(parentEnds[i], ProcessCalls.F_GETFL, 0, errno);
                Errno.check("fcntl(F_SETFL)", ProcessCalls.fcntl(parentEnds[i], ProcessCalls.F_SETFL, fl | ProcessCalls.O_NONBLOCK, errno));
                check("posix_spawn_file_actions_adddup2", ProcessCalls.addDup2(fa, childEnds[i], i));
              }
              case DEVNULL ->
                  check(
                      "posix_spawn_file_actions_addopen",
                      ProcessCalls.addOpen(fa, i, devNull, i == 0 ? Libc.O_RDONLY : ProcessCalls.O_WRONLY));
              case STDOUT -> {
                if (i != 2) {
                  throw new IllegalArgumentException("Stdio.STDOUT is only for stderr");
                }
                check("posix_spawn_file_actions_adddup2", ProcessCalls.addDup2(fa, 1, 2));
              }
              case INHERIT -> {}
            }
          }
          if (ProcessCalls.canCloseFrom()) {
            check("posix_spawn_file_actions_addclosefrom_np", ProcessCalls.addCloseFrom(fa, 3));
          }
          if (request.directory() != null) {
            check("posix_spawn_file_actions_addchdir_np", ProcessCalls.addChdir(fa, call.allocateFrom(request.directory())));
          }
          check("posix_spawnattr_setsigmask", ProcessCalls.attrCleanSignals(attr, sigset));
          MemorySegment pid = call.allocate(JAVA_INT);
          int r =
              ProcessCalls.spawn(
                  pid,
                  call.allocateFrom(request.program()),
                  fa,
                  attr,
                  strings(call, request.argv()),
                  strings(call, request.environment()));
          if (r < 0) {
            throw Errno.exception("posix_spawn " + request.program(), -r);
          }
          return started(pid.get(JAVA_INT, 0), parentEnds, childEnds);
        } finally {
          ProcessCalls.attrDestroy(attr);
        }
      } finally {
        ProcessCalls.fileActionsDestroy(fa);
      }
    } catch (IOException | RuntimeException e) {
      closeAll(parentEnds);
      closeAll(childEnds);
      throw e;
    }
  }

  /** The child runs: the parent drops the child's ends, opens the pidfd, wraps its own ends. */
  private ChildHandle started(int pid, int[] parentEnds, int[] childEnds) throws IOException {
    closeAll(childEnds);
    int pidfd = exitWatch() != null ? -1 : ProcessCalls.pidfdOpen(pid, errno);
    if (pidfd < 0 && exitWatch() == null) {
      ProcessCalls.kill(pid, 9, errno);
      ProcessCalls.waitpid(pid, status, 0, errno);
      throw Errno.exception("pidfd_open (Linux 5.3+)", -pidfd);
    }
    PosixPipe[] wrapped = new PosixPipe[3];
    for (int i = 0; i < 3; i++) {
      if (parentEnds[i] >= 0) {
        wrapped[i] = wrap(parentEnds[i], i == 0);
        parentEnds[i] = -1;
      }
    }
    PosixChild child = new PosixChild(this, pid, pidfd, wrapped);
    children.add(child);
    return child;
  }

  private void closeAll(int[] fds) {
    for (int i = 0; i < fds.length; i++) {
      if (fds[i] >= 0) {
        Libc.close(fds[i], errno);
        fds[i] = -1;
      }
    }
  }

  /** A NULL-terminated {@code char *[]} of {@code values}, in {@code arena}. */
  private static MemorySegment strings(Arena arena, List<String> values) {
    MemorySegment array = arena.allocate(ADDRESS, values.size() + 1L);
    for (int i = 0; i < values.size(); i++) {
      array.setAtIndex(ADDRESS, i, arena.allocateFrom(values.get(i)));
    }
    array.setAtIndex(ADDRESS, values.size(), MemorySegment.NULL);
    return array;
  }

  private static void check(String call, int r) throws IOException {
    if (r < 0) {
      throw Errno.exception(call, -r);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the backend is closed");
    }
  }

  /**
   * The backend closes: children still running are killed and reaped, pipes still open closed,
   * and the shared memory freed. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    for (PosixChild child : new ArrayList<>(children)) {
      child.closeWithBackend();
    }
    children.clear();
    for (PosixPipe pipe : new ArrayList<>(pipes)) {
      pipe.closeWithBackend();
    }
    pipes.clear();
    arena.close();
  }
}
