package zloop.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The BSD socket calls, bound once through FFM: socket(2), bind(2), listen(2), accept4(2),
 * connect(2), get/setsockopt(2), getsockname(2), getpeername(2), recv(2), send(2), sendmsg(2),
 * shutdown(2) and sendfile(2).
 *
 * <p>Raw convention, as in {@link Libc}: {@code >= 0} on success, {@code -errno} on failure, errno
 * captured into the caller's {@link ErrnoCapture}. {@code EINTR} is retried where repeating the
 * call is harmless; {@link #connect} is the exception (see there). Pointers must be native
 * segments. No policy: {@code EAGAIN} and {@code EINPROGRESS} are the caller's statuses.
 *
 * <p>Per OS: levels, options and flags are the host's ({@link PosixAbi#host()}); families stay
 * zloop's (Linux's numbers) and are translated at the call. On macOS, which has neither {@code
 * accept4} nor {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC}, {@link #socket} and {@link #accept4} set
 * those flags with {@code fcntl} just after the call (a {@code fork} on another thread in between
 * could inherit the descriptor). Where {@code SO_NOSIGPIPE} exists (macOS, FreeBSD) every socket
 * zloop makes or accepts gets it. {@link #sendfile} is bound on Linux only ({@code -ENOSYS}
 * elsewhere).
 *
 * <p><b>Caveat:</b> the macOS and FreeBSD paths are checked against their headers, never run on
 * their kernels. Loading this class links native functions: check {@link NativeAccess} first.
 */
@SuppressWarnings("restricted") // binding libc is this class's job
public final class Sockets {

  /** The host's numbers: every option, flag and level below is read from it once. */
  private static final PosixAbi ABI = PosixAbi.host();

  // Address families as zloop names them: Linux's numbers, constants for switch statements (as
  // Errno's kinds are). socket() and the sockaddr codec turn them into the host's (AF_INET6 is 30
  // on macOS, 28 on FreeBSD) with nativeFamily/familyKind.
  public static final int AF_UNIX = 1;
  public static final int AF_INET = 2;
  public static final int AF_INET6 = 10;

  // socket(2) types, and the flags or-ed into them: 0 where the OS has none (macOS), which then
  // sets O_NONBLOCK and FD_CLOEXEC with fcntl right after socket/accept.
  public static final int SOCK_STREAM = ABI.value("SOCK_STREAM");
  public static final int SOCK_NONBLOCK = valueOrZero("SOCK_NONBLOCK");
  public static final int SOCK_CLOEXEC = valueOrZero("SOCK_CLOEXEC");

  // Option levels.
  public static final int SOL_SOCKET = ABI.value("SOL_SOCKET");
  public static final int IPPROTO_TCP = ABI.value("IPPROTO_TCP");
  public static final int IPPROTO_IPV6 = ABI.value("IPPROTO_IPV6");

  // SOL_SOCKET options.
  public static final int SO_REUSEADDR = ABI.value("SO_REUSEADDR");
  public static final int SO_ERROR = ABI.value("SO_ERROR");
  public static final int SO_SNDBUF = ABI.value("SO_SNDBUF");
  public static final int SO_RCVBUF = ABI.value("SO_RCVBUF");
  public static final int SO_KEEPALIVE = ABI.value("SO_KEEPALIVE");
  public static final int SO_LINGER = ABI.value("SO_LINGER");
  public static final int SO_REUSEPORT = ABI.value("SO_REUSEPORT");

  /** The BSDs' per-socket SIGPIPE switch, set on every socket there; {@code 0} on Linux. */
  static final int SO_NOSIGPIPE = valueOrZero("SO_NOSIGPIPE");

  // IPPROTO_TCP and IPPROTO_IPV6 options.
  public static final int TCP_NODELAY = ABI.value("TCP_NODELAY");
  public static final int IPV6_V6ONLY = ABI.value("IPV6_V6ONLY");

  // send/recv flags; MSG_NOSIGNAL is 0 where the OS lacks it (macOS: SO_NOSIGPIPE does its job).
  public static final int MSG_DONTWAIT = ABI.value("MSG_DONTWAIT");
  public static final int MSG_NOSIGNAL = valueOrZero("MSG_NOSIGNAL");

  // shutdown(2) directions.
  public static final int SHUT_RD = ABI.value("SHUT_RD");
  public static final int SHUT_WR = ABI.value("SHUT_WR");
  public static final int SHUT_RDWR = ABI.value("SHUT_RDWR");

  /** The most iovecs one sendmsg takes ({@code UIO_MAXIOV}; {@code IOV_MAX} in <limits.h>). */
  public static final int IOV_MAX = 1024;

  private static final Linker LINKER = Linker.nativeLinker();

  // int socket(int domain, int type, int protocol);
  private static final MethodHandle SOCKET = link("socket", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);

  // int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
  private static final MethodHandle BIND = link("bind", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);

  // int listen(int sockfd, int backlog);
  private static final MethodHandle LISTEN = link("listen", JAVA_INT, JAVA_INT, JAVA_INT);

  // int accept4(int sockfd, struct sockaddr *addr, socklen_t *addrlen, int flags); where the OS
  // has no accept4 (macOS), int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen).
  private static final MethodHandle ACCEPT =
      ABI.hasSocketFlags()
          ? link("accept4", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT)
          : link("accept", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

  // int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen);
  private static final MethodHandle CONNECT =
      link("connect", JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);

  // int getsockopt(int sockfd, int level, int optname, void *optval, socklen_t *optlen);
  private static final MethodHandle GETSOCKOPT =
      link("getsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

  // int setsockopt(int sockfd, int level, int optname, const void *optval, socklen_t optlen);
  private static final MethodHandle SETSOCKOPT =
      link("setsockopt", JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT);

  // int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
  private static final MethodHandle GETSOCKNAME =
      link("getsockname", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

  // int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen);
  private static final MethodHandle GETPEERNAME =
      link("getpeername", JAVA_INT, JAVA_INT, ADDRESS, ADDRESS);

  // ssize_t recv(int sockfd, void *buf, size_t len, int flags);
  private static final MethodHandle RECV =
      link("recv", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

  // ssize_t send(int sockfd, const void *buf, size_t len, int flags);
  private static final MethodHandle SEND =
      link("send", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT);

  // ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags);
  private static final MethodHandle SENDMSG =
      link("sendmsg", JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT);

  // int shutdown(int sockfd, int how);
  private static final MethodHandle SHUTDOWN = link("shutdown", JAVA_INT, JAVA_INT, JAVA_INT);

  // ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count): Linux's. macOS's and
  // FreeBSD's sendfile take other arguments under the same name, so it is bound on Linux only.
  private static final MethodHandle SENDFILE =
      ABI.name().equals("linux")
          ? link("sendfile", JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG)
          : null;

  private Sockets() {}

  private static int valueOrZero(String cName) {
    return ABI.has(cName) ? ABI.value(cName) : 0;
  }

  /** {@link PosixAbi#nativeFamily} of the host. */
  public static int nativeFamily(int family) {
    return ABI.nativeFamily(family);
  }

  /** {@link PosixAbi#familyKind} of the host. */
  public static int familyKind(int nativeFamily) {
    return ABI.familyKind(nativeFamily);
  }

  /**
   * Where the OS has {@code SO_NOSIGPIPE} (macOS, FreeBSD), sets it, so that writing to a dead
   * peer fails with {@code EPIPE} instead of raising SIGPIPE through any call ({@code writev},
   * {@code sendfile}); nothing on Linux, whose calls pass {@link #MSG_NOSIGNAL}.
   *
   * @return {@code 0} or {@code -errno}
   */
  static int suppressSigpipe(int fd, ErrnoCapture errno) {
    if (SO_NOSIGPIPE == 0) {
      return 0;
    }
    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
      MemorySegment one = arena.allocate(JAVA_INT);
      one.set(JAVA_INT, 0, 1);
      return setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, one, Integer.BYTES, errno);
    }
  }

  /** A new socket's set-up where {@code socket}/{@code accept} could not do it: 0 or -errno. */
  private static int prepare(int fd, ErrnoCapture errno) {
    int r = ABI.hasSocketFlags() ? 0 : DescriptorFlags.makeNonBlockingCloseOnExec(fd, errno);
    if (r == 0) {
      r = suppressSigpipe(fd, errno);
    }
    if (r < 0) {
      Libc.close(fd, errno);
    }
    return r;
  }

  /** Binds a libc function that captures errno; {@link DatagramCalls} binds its calls here too. */
  static MethodHandle link(String name, MemoryLayout result, MemoryLayout... args) {
    return LINKER.downcallHandle(
        Downcalls.symbol(name), FunctionDescriptor.of(result, args), Downcalls.CAPTURE_ERRNO);
  }

  /**
   * {@code socket(domain, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)}: the new descriptor, or {@code
   * -errno}. Every socket zloop opens is non-blocking and close-on-exec from its first instant.
   */
  public static int socket(int domain, int type, ErrnoCapture errno) {
    try {
      int flags = type | SOCK_NONBLOCK | SOCK_CLOEXEC;
      int fd = (int) SOCKET.invokeExact(errno.segment(), nativeFamily(domain), flags, 0);
      if (fd < 0) {
        return -errno.get();
      }
      int r = prepare(fd, errno);
      return r < 0 ? r : fd;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code bind}: {@code 0} or {@code -errno}. */
  public static int bind(int fd, MemorySegment addr, int addrLen, ErrnoCapture errno) {
    try {
      return intResult((int) BIND.invokeExact(errno.segment(), fd, addr, addrLen), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code listen}: {@code 0} or {@code -errno}. */
  public static int listen(int fd, int backlog, ErrnoCapture errno) {
    try {
      return intResult((int) LISTEN.invokeExact(errno.segment(), fd, backlog), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code accept4(fd, addr, addrLen, SOCK_NONBLOCK | SOCK_CLOEXEC)}: the accepted descriptor, or
   * {@code -errno} ({@code EAGAIN}: nobody is waiting). {@code addrLen} holds the capacity of
   * {@code addr} on entry and the peer address's length on return; both may be NULL.
   */
  public static int accept4(int fd, MemorySegment addr, MemorySegment addrLen, ErrnoCapture errno) {
    try {
      while (true) {
        int r =
            ABI.hasSocketFlags()
                ? (int)
                    ACCEPT.invokeExact(
                        errno.segment(), fd, addr, addrLen, SOCK_NONBLOCK | SOCK_CLOEXEC)
                : (int) ACCEPT.invokeExact(errno.segment(), fd, addr, addrLen);
        if (r >= 0) {
          int p = prepare(r, errno);
          return p < 0 ? p : r;
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

  /**
   * {@code connect}: {@code 0} (connected at once), or {@code -errno}, {@code -EINPROGRESS} when
   * the connection continues in the background (wait for writability, then read {@link #SO_ERROR}).
   * Never retried: an interrupted connect goes on asynchronously and a second call would fail with
   * {@code EALREADY}, so {@code EINTR} is reported as {@code -EINPROGRESS}.
   */
  public static int connect(int fd, MemorySegment addr, int addrLen, ErrnoCapture errno) {
    try {
      int r = (int) CONNECT.invokeExact(errno.segment(), fd, addr, addrLen);
      if (r >= 0) {
        return r;
      }
      int e = errno.get();
      return e == Errno.EINTR ? -Errno.EINPROGRESS : -e;
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code getsockopt}: {@code 0} or {@code -errno}; {@code optLen} is in/out as in C. */
  public static int getsockopt(
      int fd, int level, int name, MemorySegment optVal, MemorySegment optLen, ErrnoCapture errno) {
    try {
      return intResult(
          (int) GETSOCKOPT.invokeExact(errno.segment(), fd, level, name, optVal, optLen), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code setsockopt}: {@code 0} or {@code -errno}. */
  public static int setsockopt(
      int fd, int level, int name, MemorySegment optVal, int optLen, ErrnoCapture errno) {
    try {
      return intResult(
          (int) SETSOCKOPT.invokeExact(errno.segment(), fd, level, name, optVal, optLen), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code getsockname}: {@code 0} or {@code -errno}; {@code addrLen} is in/out as in C. */
  public static int getsockname(
      int fd, MemorySegment addr, MemorySegment addrLen, ErrnoCapture errno) {
    try {
      return intResult((int) GETSOCKNAME.invokeExact(errno.segment(), fd, addr, addrLen), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code getpeername}: {@code 0} or {@code -errno} ({@code ENOTCONN}: no peer). */
  public static int getpeername(
      int fd, MemorySegment addr, MemorySegment addrLen, ErrnoCapture errno) {
    try {
      return intResult((int) GETPEERNAME.invokeExact(errno.segment(), fd, addr, addrLen), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /** {@code recv(fd, buf, len, 0)}: bytes received ({@code 0}: end of stream) or {@code -errno}. */
  public static long recv(int fd, MemorySegment buf, long len, ErrnoCapture errno) {
    try {
      while (true) {
        long n = (long) RECV.invokeExact(errno.segment(), fd, buf, len, 0);
        if (n >= 0) {
          return n;
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

  /**
   * {@code send(fd, buf, len, MSG_NOSIGNAL)}: bytes sent, or {@code -errno}. A dead peer gives
   * {@code -EPIPE}, never a SIGPIPE.
   */
  public static long send(int fd, MemorySegment buf, long len, ErrnoCapture errno) {
    try {
      while (true) {
        long n = (long) SEND.invokeExact(errno.segment(), fd, buf, len, MSG_NOSIGNAL);
        if (n >= 0) {
          return n;
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

  /**
   * {@code sendmsg(fd, msg, MSG_NOSIGNAL)}: a gathering write ({@code writev} has no flags, so it
   * could raise SIGPIPE); bytes sent, or {@code -errno}. {@code msg} is a {@link IoVecs#MSGHDR}.
   */
  public static long sendmsg(int fd, MemorySegment msg, ErrnoCapture errno) {
    try {
      while (true) {
        long n = (long) SENDMSG.invokeExact(errno.segment(), fd, msg, MSG_NOSIGNAL);
        if (n >= 0) {
          return n;
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

  /** {@code shutdown}: {@code 0} or {@code -errno}. */
  public static int shutdown(int fd, int how, ErrnoCapture errno) {
    try {
      return intResult((int) SHUTDOWN.invokeExact(errno.segment(), fd, how), errno);
    } catch (Throwable t) {
      throw Downcalls.unexpected(t);
    }
  }

  /**
   * {@code sendfile(outFd, inFd, offset, count)}: bytes sent ({@code 0}: {@code *offset} is at the
   * end of the file), or {@code -errno}. {@code offset} is an {@code off_t} the kernel advances;
   * the file's own position is untouched.
   *
   * <p><b>Caveat:</b> sendfile takes no flags, so writing to a dead peer raises SIGPIPE. The JVM
   * installs a handler that ignores it, and the call then fails with {@code EPIPE}.
   */
  public static long sendfile(
      int outFd, int inFd, MemorySegment offset, long count, ErrnoCapture errno) {
    if (SENDFILE == null) {
      return -Errno.ENOSYS; // not bound here: see SENDFILE
    }
    try {
      while (true) {
        long n = (long) SENDFILE.invokeExact(errno.segment(), outFd, inFd, offset, count);
        if (n >= 0) {
          return n;
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

  private static int intResult(int value, ErrnoCapture errno) {
    return value < 0 ? -errno.get() : value;
  }
}
