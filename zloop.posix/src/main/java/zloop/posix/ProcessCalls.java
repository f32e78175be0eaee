package zloop.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * libc's process and pipe calls, bound once through FFM: {@code pipe2}, {@code fcntl}, the {@code
 * posix_spawn} family (file actions and attributes), {@code waitpid}, {@code kill} and the {@code
 * pidfd_open} system call.
 *
 * <p>Why {@code posix_spawn}: the JVM is multi-threaded, so a {@code fork()} from Java would copy
 * one thread of a process whose other threads may hold locks (malloc's, the GC's); glibc's {@code
 * posix_spawn} creates the child with {@code CLONE_VM | CLONE_VFORK} and runs only async-signal-safe
 * steps before {@code execve}, and reports an exec failure (a missing program) as its return value.
 * The JDK's own {@code ProcessBuilder} launches children the same way (through its {@code
 * jspawnhelper}).
 *
 * <p>Raw convention as {@link Libc}: {@code >= 0} or {@code -errno}, {@code EINTR} retried where a
 * call can report it. The {@code posix_spawn*} functions return their error number instead of
 * setting errno; it is returned negated the same way. Struct sizes are glibc's (x86-64 and
 * arm64), rounded up: the structures are only ever passed by pointer.
 *
 * <p>Loading this class links native functions: check {@link NativeAccess} first.
 */
@SuppressWarnings("restricted") // binding libc is this class's job
public final class ProcessCalls {

  /** {@code sizeof(posix_spawn_file_actions_t)} is 80 on glibc; room to spare. */
  public static final long FILE_ACTIONS_SIZE = 256;

  /** {@code sizeof(posix_spawnattr_t)} is 336 on glibc; room to spare. */
  public static final long SPAWNATTR_SIZE = 1024;

  /** {@code sizeof(sigset_t)} is 128 on glibc. */
  public static final long SIGSET_SIZE = 128;

  public static final int O_NONBLOCK = PosixAbi.host().value("O_NONBLOCK");
  public static final int O_WRONLY = 1;
  public static final int O_RDWR = 2;
  public static final int F_GETFL = 3;
  public static final int F_SETFL = 4;
  public static final int F_GETFD = 1;
  public static final int F_SETFD = 2;
  public static final int FD_CLOEXEC = 1;
  public static final int WNOHANG = 1;
  public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
  public static final short POSIX_SPAWN_SETSIGMASK = 0x08;

  /** {@code SYS_pidfd_open}: the same number on x86-64 and arm64 (the unified table). */
  private static final long SYS_PIDFD_OPEN = 434;

  private static final Linker LINKER = Linker.nativeLinker();

  private static MethodHandle errnoCall(String name, FunctionDescriptor d, Linker.Option... more) {
    Linker.Option[] options = java.util.Arrays.copyOf(more, more.length + 1);
    options[more.length] = Downcalls.CAPTURE_ERRNO;
    return LINKER.downcallHandle(Downcalls.symbol(name), d, options);
  }

  private static MethodHandle plain(String name, FunctionDescriptor d) {
    return LINKER.downcallHandle(Downcalls.symbol(name), d);
  }

  // int pipe2(int pipefd[2], int flags); absent on macOS, where int pipe(int pipefd[2]) and fcntl
  // set the flags instead.
  private static final MethodHandle PIPE2 =
      Linker.nativeLinker().defaultLookup().find("pipe2").isPresent()
          ? errnoCall("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT))
          : null;
  private static final MethodHandle PIPE =
      PIPE2 != null ? null : errnoCall("pipe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  // int fcntl(int fd, int cmd, ... /* int arg */);
  private static final MethodHandle FCNTL =
      errnoCall(
          "fcntl",
          FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
          Linker.Option.firstVariadicArg(2));
  // pid_t waitpid(pid_t pid, int *wstatus, int options);
  private static final MethodHandle WAITPID =
      errnoCall("waitpid", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
  // int kill(pid_t pid, int sig);
  private static final MethodHandle KILL =
      errnoCall("kill", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
  // long syscall(long number, ...);
  private static final MethodHandle SYSCALL_2 =
      errnoCall(
          "syscall",
          FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG),
          Linker.Option.firstVariadicArg(1));

  // int posix_spawn(pid_t *pid, const char *path, const posix_spawn_file_actions_t *fa,
  //                 const posix_spawnattr_t *attr, char *const argv[], char *const envp[]);
  private static final MethodHandle POSIX_SPAWN =
      plain(
          "posix_spawn",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
  private static final MethodHandle FA_INIT =
      plain("posix_spawn_file_actions_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle FA_DESTROY =
      plain("posix_spawn_file_actions_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  // int posix_spawn_file_actions_adddup2(fa, int fd, int newfd);
  private static final MethodHandle FA_ADDDUP2 =
      plain(
          "posix_spawn_file_actions_adddup2",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  // int posix_spawn_file_actions_addopen(fa, int fd, const char *path, int oflag, mode_t mode);
  private static final MethodHandle FA_ADDOPEN =
      plain(
          "posix_spawn_file_actions_addopen",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
  // glibc 2.29: int posix_spawn_file_actions_addchdir_np(fa, const char *path);
  private static final Optional<MethodHandle> FA_ADDCHDIR =
      optional("posix_spawn_file_actions_addchdir_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  // glibc 2.34: int posix_spawn_file_actions_addclosefrom_np(fa, int from);
  private static final Optional<MethodHandle> FA_ADDCLOSEFROM =
      optional(
          "posix_spawn_file_actions_addclosefrom_np", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
  private static final MethodHandle ATTR_INIT =
      plain("posix_spawnattr_init", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle ATTR_DESTROY =
      plain("posix_spawnattr_destroy", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle ATTR_SETFLAGS =
      plain(
          "posix_spawnattr_setflags",
          FunctionDescriptor.of(JAVA_INT, ADDRESS, java.lang.foreign.ValueLayout.JAVA_SHORT));
  private static final MethodHandle ATTR_SETSIGMASK =
      plain("posix_spawnattr_setsigmask", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle ATTR_SETSIGDEFAULT =
      plain("posix_spawnattr_setsigdefault", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
  private static final MethodHandle SIGEMPTYSET =
      plain("sigemptyset", FunctionDescriptor.of(JAVA_INT, ADDRESS));
  private static final MethodHandle SIGFILLSET =
      plain("sigfillset", FunctionDescriptor.of(JAVA_INT, ADDRESS));

  private ProcessCalls() {}

  private static Optional<MethodHandle> optional(String name, FunctionDescriptor d) {
    return Linker.nativeLinker().defaultLookup().find(name).map(s -> LINKER.downcallHandle(s, d));
  }

  /** Whether libc can close every inherited descriptor above 2 in the child (glibc 2.34+). */
  public static boolean canCloseFrom() {
    return FA_ADDCLOSEFROM.isPresent();
  }

  /** Whether libc can change the child's directory (glibc 2.29+). */
  public static boolean canChdir() {
    return FA_ADDCHDIR.isPresent();
  }

  /**
   * {@code pipe2(fds, flags)}: fills {@code fds} (two ints: read end, write end); 0 or -errno.
   * Where libc has no {@code pipe2} (macOS) it is {@code pipe} and then {@code fcntl(F_SETFD,
   * FD_CLOEXEC)} on both ends, so {@code flags} may only be {@code O_CLOEXEC} there (a thread that
   * forks in between could inherit the ends).
   */
  public static int pipe2(MemorySegment fds, int flags, ErrnoCapture errno) {
    try {
      if (PIPE2 != null) {
        int r = (int) PIPE2.invokeExact(errno.segment(), fds, flags);
        return r < 0 ? -errno.get() : r;
      }
      if ((flags & ~Libc.O_CLOEXEC) != 0) {
        throw new IllegalArgumentException("pipe without pipe2 takes O_CLOEXEC only: " + flags);
      }
      int r = (int) PIPE.invokeExact(errno.segment(), fds);
      if (r < 0) {
        return -errno.get();
      }
      for (int i = 0; i < 2 && (flags & Libc.O_CLOEXEC) != 0; i++) {
        int set = fcntl(fds.getAtIndex(JAVA_INT, i), F_SETFD, FD_CLOEXEC, errno);
        if (set < 0) {
          Libc.close(fds.getAtIndex(JAVA_INT, 0), errno);
          Libc.close(fds.getAtIndex(JAVA_INT, 1), errno);
          return set;
        }
      }
      return 0;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code fcntl(fd, cmd, arg)}: the result or -errno. */
  public static int fcntl(int fd, int cmd, int arg, ErrnoCapture errno) {
    try {
      while (true) {
        int r = (int) FCNTL.invokeExact(errno.segment(), fd, cmd, arg);
        if (r >= 0) {
          return r;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e;
        }
      }
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code waitpid(pid, status, options)}: the pid reaped, 0 (WNOHANG, still running), or -errno. */
  public static int waitpid(int pid, MemorySegment status, int options, ErrnoCapture errno) {
    try {
      while (true) {
        int r = (int) WAITPID.invokeExact(errno.segment(), pid, status, options);
        if (r >= 0) {
          return r;
        }
        int e = errno.get();
        if (e != Errno.EINTR) {
          return -e;
        }
      }
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code kill(pid, sig)}: 0 or -errno. */
  public static int kill(int pid, int signal, ErrnoCapture errno) {
    try {
      int r = (int) KILL.invokeExact(errno.segment(), pid, signal);
      return r < 0 ? -errno.get() : r;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code pidfd_open(pid, 0)} (Linux 5.3+): a close-on-exec descriptor, or -errno. */
  public static int pidfdOpen(int pid, ErrnoCapture errno) {
    try {
      long r = (long) SYSCALL_2.invokeExact(errno.segment(), SYS_PIDFD_OPEN, (long) pid, 0L);
      return r < 0 ? -errno.get() : (int) r;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code posix_spawn}: 0 with the pid in {@code pid}, or -error. */
  public static int spawn(
      MemorySegment pid,
      MemorySegment path,
      MemorySegment fileActions,
      MemorySegment attr,
      MemorySegment argv,
      MemorySegment envp) {
    try {
      return -(int) POSIX_SPAWN.invokeExact(pid, path, fileActions, attr, argv, envp);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code posix_spawn_file_actions_init}: 0 or -error. */
  public static int fileActionsInit(MemorySegment fa) {
    return call(FA_INIT, fa);
  }

  /** {@code posix_spawn_file_actions_destroy}. */
  public static int fileActionsDestroy(MemorySegment fa) {
    return call(FA_DESTROY, fa);
  }

  /** In the child: {@code dup2(fd, newFd)} (which clears close-on-exec on {@code newFd}). */
  public static int addDup2(MemorySegment fa, int fd, int newFd) {
    try {
      return -(int) FA_ADDDUP2.invokeExact(fa, fd, newFd);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** In the child: {@code open(path, flags)} as descriptor {@code fd}. */
  public static int addOpen(MemorySegment fa, int fd, MemorySegment path, int flags) {
    try {
      return -(int) FA_ADDOPEN.invokeExact(fa, fd, path, flags, 0);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** In the child: {@code chdir(path)}; call only if {@link #canChdir()}. */
  public static int addChdir(MemorySegment fa, MemorySegment path) {
    try {
      return -(int) FA_ADDCHDIR.orElseThrow().invokeExact(fa, path);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** In the child: close every descriptor from {@code from} up; call only if {@link #canCloseFrom()}. */
  public static int addCloseFrom(MemorySegment fa, int from) {
    try {
      return -(int) FA_ADDCLOSEFROM.orElseThrow().invokeExact(fa, from);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code posix_spawnattr_init}: 0 or -error. */
  public static int attrInit(MemorySegment attr) {
    return call(ATTR_INIT, attr);
  }

  /** {@code posix_spawnattr_destroy}. */
  public static int attrDestroy(MemorySegment attr) {
    return call(ATTR_DESTROY, attr);
  }

  /**
   * Makes the child start with no signal blocked and every signal at its default action: the loop
   * thread's mask, and whatever the JVM ignores, must not leak into a program that expects a clean
   * start (CPython's {@code restore_signals}, the JDK's child setup).
   */
  public static int attrCleanSignals(MemorySegment attr, MemorySegment sigset) {
    try {
      int r = -(int) ATTR_SETFLAGS.invokeExact(attr, (short) (POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK));
      if (r < 0) {
        return r;
      }
      if ((int) SIGEMPTYSET.invokeExact(sigset) != 0) {
        return -Errno.EINVAL;
      }
      r = -(int) ATTR_SETSIGMASK.invokeExact(attr, sigset);
      if (r < 0) {
        return r;
      }
      if ((int) SIGFILLSET.invokeExact(sigset) != 0) {
        return -Errno.EINVAL;
      }
      return -(int) ATTR_SETSIGDEFAULT.invokeExact(attr, sigset);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  private static int call(MethodHandle h, MemorySegment arg) {
    try {
      return -(int) h.invokeExact(arg);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * asyncio's return code for a {@code waitpid} status: the exit status, or minus the signal that
   * killed the process.
   */
  public static int returnCode(int status) {
    int signal = status & 0x7f;
    if (signal == 0) {
      return (status >> 8) & 0xff;
    }
    return -signal;
  }
}
