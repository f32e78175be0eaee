package zloop.posix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Numbers several OS tables share, so each per-OS class lists only what is its own: the ones Linux,
 * macOS and FreeBSD agree on, and the 4.4BSD heritage that xnu and FreeBSD still share (errnos
 * EPERM..EHOSTUNREACH and ENOSYS, {@code SOL_SOCKET} 0xffff and most {@code SO_*} numbers, {@code
 * MSG_DONTWAIT} 0x80, {@code IPV6_V6ONLY} 27, {@code O_NONBLOCK} 4). The per-OS
 * tests compare each whole table with its own headers.
 */
final class SharedNumbers {

  private SharedNumbers() {}

  /** Constants with the same value on Linux, macOS and FreeBSD. */
  static Map<String, Integer> everywhere() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put("AF_UNIX", 1);
    m.put("AF_INET", 2);
    m.put("SOCK_STREAM", 1);
    m.put("SOCK_DGRAM", 2);
    m.put("SHUT_RD", 0);
    m.put("SHUT_WR", 1);
    m.put("SHUT_RDWR", 2);
    m.put("IPPROTO_TCP", 6);
    m.put("IPPROTO_IPV6", 41);
    m.put("TCP_NODELAY", 0x01);
    m.put("F_GETFD", 1);
    m.put("F_SETFD", 2);
    m.put("F_GETFL", 3);
    m.put("F_SETFL", 4);
    m.put("FD_CLOEXEC", 1);
    return m;
  }

  /** {@link #everywhere()} plus what xnu and FreeBSD inherited alike from 4.4BSD. */
  static Map<String, Integer> bsd() {
    Map<String, Integer> m = everywhere();
    m.put("EPERM", 1);
    m.put("ENOENT", 2);
    m.put("ESRCH", 3);
    m.put("EINTR", 4);
    m.put("EIO", 5);
    m.put("ENXIO", 6);
    m.put("E2BIG", 7);
    m.put("EBADF", 9);
    m.put("ENOMEM", 12);
    m.put("EACCES", 13);
    m.put("EFAULT", 14);
    m.put("EBUSY", 16);
    m.put("EEXIST", 17);
    m.put("ENODEV", 19);
    m.put("ENOTDIR", 20);
    m.put("EISDIR", 21);
    m.put("EINVAL", 22);
    m.put("ENFILE", 23);
    m.put("EMFILE", 24);
    m.put("ENOSPC", 28);
    m.put("ESPIPE", 29);
    m.put("EROFS", 30);
    m.put("EPIPE", 32);
    m.put("ERANGE", 34);
    m.put("EAGAIN", 35);
    m.put("EWOULDBLOCK", 35);
    m.put("EINPROGRESS", 36);
    m.put("EALREADY", 37);
    m.put("ENOTSOCK", 38);
    m.put("EDESTADDRREQ", 39);
    m.put("EMSGSIZE", 40);
    m.put("EPROTOTYPE", 41);
    m.put("ENOPROTOOPT", 42);
    m.put("EPROTONOSUPPORT", 43);
    m.put("ESOCKTNOSUPPORT", 44);
    m.put("EPFNOSUPPORT", 46);
    m.put("EAFNOSUPPORT", 47);
    m.put("EADDRINUSE", 48);
    m.put("EADDRNOTAVAIL", 49);
    m.put("ENETDOWN", 50);
    m.put("ENETUNREACH", 51);
    m.put("ENETRESET", 52);
    m.put("ECONNABORTED", 53);
    m.put("ECONNRESET", 54);
    m.put("ENOBUFS", 55);
    m.put("EISCONN", 56);
    m.put("ENOTCONN", 57);
    m.put("ESHUTDOWN", 58);
    m.put("ETIMEDOUT", 60);
    m.put("ECONNREFUSED", 61);
    m.put("ENAMETOOLONG", 63);
    m.put("EHOSTDOWN", 64);
    m.put("EHOSTUNREACH", 65);
    m.put("ENOSYS", 78);
    m.put("SOL_SOCKET", 0xffff);
    m.put("SO_ACCEPTCONN", 0x0002);
    m.put("SO_REUSEADDR", 0x0004);
    m.put("SO_KEEPALIVE", 0x0008);
    m.put("SO_BROADCAST", 0x0020);
    m.put("SO_REUSEPORT", 0x0200);
    m.put("SO_SNDBUF", 0x1001);
    m.put("SO_RCVBUF", 0x1002);
    m.put("SO_ERROR", 0x1007);
    m.put("SO_TYPE", 0x1008);
    m.put("MSG_DONTWAIT", 0x80);
    m.put("IPV6_V6ONLY", 27);
    m.put("O_NONBLOCK", 0x00000004);
    return m;
  }
}
