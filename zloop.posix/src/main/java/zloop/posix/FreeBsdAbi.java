package zloop.posix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * FreeBSD's numbers, read from freebsd/freebsd-src: errnos from {@code sys/sys/errno.h} (EAGAIN 35
 * ... ECONNREFUSED 61, ENOSYS 78, ECANCELED 85, EPROTO 92; FreeBSD has no ETIME), socket constants
 * from {@code sys/sys/socket.h} (AF_INET6 28, SOCK_CLOEXEC 0x10000000, SOCK_NONBLOCK 0x20000000,
 * SO_NOSIGPIPE 0x0800, MSG_NOSIGNAL 0x20000), {@code sys/netinet/in.h}, {@code
 * sys/netinet6/in6.h}, {@code sys/netinet/tcp.h}, file flags from {@code sys/sys/fcntl.h}
 * (O_NONBLOCK 0x0004, O_CLOEXEC 0x00100000); {@code sockaddr_un.sun_path[104]} from {@code
 * sys/sys/un.h}. Never run on a FreeBSD kernel.
 *
 * <p>FreeBSD has {@code accept4} and {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} (since 10.0) and
 * {@code MSG_NOSIGNAL}; zloop still sets {@code SO_NOSIGPIPE} so a write through any path cannot
 * raise SIGPIPE. {@code SO_DOMAIN} is left out (only in recent releases).
 */
final class FreeBsdAbi {

  static final PosixAbi ABI = new PosixAbi("freebsd", constants(), true, 104);

  private FreeBsdAbi() {}

  private static Map<String, Integer> constants() {
    Map<String, Integer> m = new LinkedHashMap<>();
    // sys/sys/errno.h
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
    m.put("ECANCELED", 85);
    m.put("EPROTO", 92);
    m.put("EOPNOTSUPP", 45);
    // sys/sys/socket.h
    m.put("AF_UNIX", 1);
    m.put("AF_INET", 2);
    m.put("AF_INET6", 28);
    m.put("SOCK_STREAM", 1);
    m.put("SOCK_DGRAM", 2);
    m.put("SOCK_CLOEXEC", 0x10000000);
    m.put("SOCK_NONBLOCK", 0x20000000);
    m.put("SOL_SOCKET", 0xffff);
    m.put("SO_ACCEPTCONN", 0x0002);
    m.put("SO_REUSEADDR", 0x0004);
    m.put("SO_KEEPALIVE", 0x0008);
    m.put("SO_REUSEPORT", 0x0200);
    m.put("SO_LINGER", 0x0080);
    m.put("SO_SNDBUF", 0x1001);
    m.put("SO_RCVBUF", 0x1002);
    m.put("SO_ERROR", 0x1007);
    m.put("SO_TYPE", 0x1008);
    m.put("SO_NOSIGPIPE", 0x0800);
    m.put("MSG_DONTWAIT", 0x80);
    m.put("MSG_NOSIGNAL", 0x20000);
    m.put("SHUT_RD", 0);
    m.put("SHUT_WR", 1);
    m.put("SHUT_RDWR", 2);
    // sys/netinet/in.h, sys/netinet6/in6.h, sys/netinet/tcp.h
    m.put("IPPROTO_TCP", 6);
    m.put("IPPROTO_IPV6", 41);
    m.put("IPV6_V6ONLY", 27);
    m.put("TCP_NODELAY", 0x01);
    // sys/sys/fcntl.h
    m.put("O_NONBLOCK", 0x00000004);
    m.put("O_CLOEXEC", 0x00100000);
    m.put("F_GETFD", 1);
    m.put("F_SETFD", 2);
    m.put("F_GETFL", 3);
    m.put("F_SETFL", 4);
    m.put("FD_CLOEXEC", 1);
    return m;
  }
}
