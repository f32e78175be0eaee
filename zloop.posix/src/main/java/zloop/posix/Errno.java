package zloop.posix;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;

/**
 * errno values, their names, and the one place where a failing syscall becomes an exception.
 *
 * <p>Raw bindings return {@code >= 0} on success and {@code -errno} on failure; callers handle the
 * errnos that are statuses ({@link #EAGAIN}, {@link #EINTR}, {@link #EINPROGRESS}) and pass the
 * rest to {@link #exception} or {@link #check}, which build the standard Java exception where one
 * exists, with a message like {@code "epoll_ctl failed: EBADF (Bad file descriptor)"}.
 *
 * <p><b>Caveats:</b> the values are Linux's (x86_64 and aarch64 share the generic table; {@code
 * EWOULDBLOCK} is {@code EAGAIN} and {@code ENOTSUP} is {@code EOPNOTSUPP} there, so they are not
 * listed twice). They are zloop's errno kinds on every OS: {@link ErrnoCapture#get} translates
 * macOS's and FreeBSD's numbers into them through {@link PosixAbi}, and {@link #strerror} turns a
 * kind back into the host's number before asking libc. {@link #name} and the constants need no native access; {@link
 * #strerror} and {@link #exception} call libc.
 */
public final class Errno {

  // Process and file errors.
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EIO = 5;
  public static final int ENXIO = 6;
  public static final int E2BIG = 7;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int ENOMEM = 12;
  public static final int EACCES = 13;
  public static final int EFAULT = 14;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ENFILE = 23;
  public static final int EMFILE = 24;
  public static final int ENOSPC = 28;
  public static final int ESPIPE = 29;
  public static final int EROFS = 30;
  public static final int EPIPE = 32;
  public static final int ERANGE = 34;
  public static final int ENAMETOOLONG = 36;
  public static final int ENOSYS = 38;
  public static final int ETIME = 62;
  public static final int ENONET = 64;
  public static final int EPROTO = 71;
  public static final int ECANCELED = 125;

  // Socket errors.
  public static final int ENOTSOCK = 88;
  public static final int EDESTADDRREQ = 89;
  public static final int EMSGSIZE = 90;
  public static final int EPROTOTYPE = 91;
  public static final int ENOPROTOOPT = 92;
  public static final int EPROTONOSUPPORT = 93;
  public static final int ESOCKTNOSUPPORT = 94;
  public static final int EOPNOTSUPP = 95;
  public static final int EPFNOSUPPORT = 96;
  public static final int EAFNOSUPPORT = 97;
  public static final int EADDRINUSE = 98;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ENETDOWN = 100;
  public static final int ENETUNREACH = 101;
  public static final int ENETRESET = 102;
  public static final int ECONNABORTED = 103;
  public static final int ECONNRESET = 104;
  public static final int ENOBUFS = 105;
  public static final int EISCONN = 106;
  public static final int ENOTCONN = 107;
  public static final int ESHUTDOWN = 108;
  public static final int ETIMEDOUT = 110;
  public static final int ECONNREFUSED = 111;
  public static final int EHOSTDOWN = 112;
  public static final int EHOSTUNREACH = 113;
  public static final int EALREADY = 114;
  public static final int EINPROGRESS = 115;

  private Errno() {}

  /** The symbolic name of {@code errno} ({@code "EAGAIN"}), or {@code "errno 1234"} if unknown. */
  public static String name(int errno) {
    return switch (errno) {
      case EPERM -> "EPERM";
      case ENOENT -> "ENOENT";
      case ESRCH -> "ESRCH";
      case EINTR -> "EINTR";
      case EIO -> "EIO";
      case ENXIO -> "ENXIO";
      case E2BIG -> "E2BIG";
      case EBADF -> "EBADF";
      case EAGAIN -> "EAGAIN";
      case ENOMEM -> "ENOMEM";
      case EACCES -> "EACCES";
      case EFAULT -> "EFAULT";
      case EBUSY -> "EBUSY";
      case EEXIST -> "EEXIST";
      case ENODEV -> "ENODEV";
      case ENOTDIR -> "ENOTDIR";
      case EISDIR -> "EISDIR";
      case EINVAL -> "EINVAL";
      case ENFILE -> "ENFILE";
      case EMFILE -> "EMFILE";
      case ENOSPC -> "ENOSPC";
      case ESPIPE -> "ESPIPE";
      case EROFS -> "EROFS";
      case EPIPE -> "EPIPE";
      case ERANGE -> "ERANGE";
      case ENAMETOOLONG -> "ENAMETOOLONG";
      case ENOSYS -> "ENOSYS";
      case ETIME -> "ETIME";
      case ENONET -> "ENONET";
      case EPROTO -> "EPROTO";
      case ECANCELED -> "ECANCELED";
      case ENOTSOCK -> "ENOTSOCK";
      case EDESTADDRREQ -> "EDESTADDRREQ";
      case EMSGSIZE -> "EMSGSIZE";
      case EPROTOTYPE -> "EPROTOTYPE";
      case ENOPROTOOPT -> "ENOPROTOOPT";
      case EPROTONOSUPPORT -> "EPROTONOSUPPORT";
      case ESOCKTNOSUPPORT -> "ESOCKTNOSUPPORT";
      case EOPNOTSUPP -> "EOPNOTSUPP";
      case EPFNOSUPPORT -> "EPFNOSUPPORT";
      case EAFNOSUPPORT -> "EAFNOSUPPORT";
      case EADDRINUSE -> "EADDRINUSE";
      case EADDRNOTAVAIL -> "EADDRNOTAVAIL";
      case ENETDOWN -> "ENETDOWN";
      case ENETUNREACH -> "ENETUNREACH";
      case ENETRESET -> "ENETRESET";
      case ECONNABORTED -> "ECONNABORTED";
      case ECONNRESET -> "ECONNRESET";
      case ENOBUFS -> "ENOBUFS";
      case EISCONN -> "EISCONN";
      case ENOTCONN -> "ENOTCONN";
      case ESHUTDOWN -> "ESHUTDOWN";
      case ETIMEDOUT -> "ETIMEDOUT";
      case ECONNREFUSED -> "ECONNREFUSED";
      case EHOSTDOWN -> "EHOSTDOWN";
      case EHOSTUNREACH -> "EHOSTUNREACH";
      case EALREADY -> "EALREADY";
      case EINPROGRESS -> "EINPROGRESS";
      default -> "errno " + errno;
    };
  }

  /** libc's description of {@code errno} ({@code "Bad file descriptor"}). Calls libc. */
  public static String strerror(int errno) {
    return Libc.strerror(PosixAbi.host().nativeErrno(errno));
  }

  /**
   * Returns {@code result} if the raw call succeeded, or throws what {@link #exception} builds.
   *
   * @param result a raw result: {@code >= 0} on success, {@code -errno} on failure
   */
  public static long check(String syscall, long result) throws IOException {
    if (result < 0) {
      throw exception(syscall, (int) -result);
    }
    return result;
  }

  /**
   * The exception for {@code syscall} failing with {@code errno}: the standard Java type where one
   * exists ({@link ConnectException}, {@link BindException}, {@link NoRouteToHostException}, {@link
   * SocketException}), else {@link IOException}. Resets and broken pipes are a peer's doing, not a
   * bug, so their exceptions carry no stack trace.
   *
   * @param syscall the failing call's name, as in its man page ({@code "connect"})
   * @param errno the positive errno value
   */
  public static IOException exception(String syscall, int errno) {
    if (errno <= 0) {
      throw new IllegalArgumentException("not an errno: " + errno + " (from " + syscall + ")");
    }
    String message = syscall + " failed: " + name(errno) + " (" + strerror(errno) + ")";
    return switch (errno) {
      case ECONNREFUSED -> new ConnectException(message);
      // The kernel gave up, not a Java-side timeout: the JDK reports it as ConnectException too.
      case ETIMEDOUT ->
          syscall.equals("connect") ? new ConnectException(message) : new SocketException(message);
      case EHOSTUNREACH, ENETUNREACH -> new NoRouteToHostException(message);
      case EADDRINUSE, EADDRNOTAVAIL -> new BindException(message);
      case EACCES -> syscall.equals("bind") ? new BindException(message) : new IOException(message);
      case ECONNRESET, EPIPE -> new StacklessSocketException(message);
      case ENOTSOCK,
          EDESTADDRREQ,
          EMSGSIZE,
          EPROTOTYPE,
          ENOPROTOOPT,
          EPROTONOSUPPORT,
          ESOCKTNOSUPPORT,
          EOPNOTSUPP,
          EPFNOSUPPORT,
          EAFNOSUPPORT,
          ENETDOWN,
          ENETRESET,
          ECONNABORTED,
          ENOBUFS,
          EISCONN,
          ENOTCONN,
          ESHUTDOWN,
          EHOSTDOWN,
          EALREADY,
          EINPROGRESS ->
          new SocketException(message);
      default -> new IOException(message);
    };
  }

  /** An expected failure caused by the peer: its stack trace would only cost time to fill. */
  private static final class StacklessSocketException extends SocketException {
    StacklessSocketException(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }
}
