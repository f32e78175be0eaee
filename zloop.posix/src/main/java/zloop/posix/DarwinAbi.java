package zloop.posix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * macOS's numbers, read from Apple's xnu sources (apple-oss-distributions/xnu at e3723e1, May
 * 2025): errnos from {@code bsd/sys/errno.h}, socket constants from {@code bsd/sys/socket.h},
 * {@code bsd/netinet/in.h}, {@code bsd/netinet6/in6.h}, {@code bsd/netinet/tcp.h}, file flags from
 * {@code bsd/sys/fcntl.h}; {@code sockaddr_un.sun_path[104]} from {@code bsd/sys/un.h}. Never run
 * on a macOS kernel.
 *
 * <p>macOS has no {@code accept4}, no {@code SOCK_NONBLOCK}/{@code SOCK_CLOEXEC} (so they are
 * absent here: {@code fcntl} after {@code socket}/{@code accept}) and no {@code SO_DOMAIN}; SIGPIPE
 * is suppressed per socket with {@code SO_NOSIGPIPE} ({@code MSG_NOSIGNAL} only exists from recent
 * SDKs on, so it is left out).
 */
final class DarwinAbi {

  static final PosixAbi ABI = new PosixAbi("darwin", constants(), true, 104);

  private DarwinAbi() {}

  private static Map<String, Integer> constants() {
    Map<String, Integer> m = new LinkedHashMap<>();
    // bsd/sys/errno.h
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
    // ENOTSUP is distinct from EOPNOTSUPP (102, __DARWIN_UNIX03) here; both are kind EOPNOTSUPP.
    m.put("ENOTSUP", 45);
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
    m.put("ECANCELED", 89);
    m.put("EPROTO", 100);
    m.put("ETIME", 101);
    m.put("EOPNOTSUPP", 102);
    // bsd/sys/socket.h
    m.put("AF_UNIX", 1);
    m.put("AF_INET", 2);
    m.put("AF_INET6", 30);
    m.put("SOCK_STREAM", 1);
    m.put("SOCK_DGRAM", 2);
    m.put("SOL_SOCKET", 0xffff);
    m.put("SO_ACCEPTCONN", 0x0002);
    m.put("SO_REUSEADDR", 0x0004);
    m.put("SO_KEEPALIVE", 0x0008);
    m.put("SO_REUSEPORT", 0x0200);
    // SO_LINGER is 0x0080 in ticks by default; SO_LINGER_SEC (0x1080) takes seconds, as Linux's.
    m.put("SO_LINGER", 0x1080);
    m.put("SO_SNDBUF", 0x1001);
    m.put("SO_RCVBUF", 0x1002);
    m.put("SO_ERROR", 0x1007);
    m.put("SO_TYPE", 0x1008);
    m.put("SO_NOSIGPIPE", 0x1022);
    m.put("MSG_DONTWAIT", 0x80);
    m.put("SHUT_RD", 0);
    m.put("SHUT_WR", 1);
    m.put("SHUT_RDWR", 2);
    // bsd/netinet/in.h, bsd/netinet6/in6.h, bsd/netinet/tcp.h
    m.put("IPPROTO_TCP", 6);
    m.put("IPPROTO_IPV6", 41);
    m.put("IPV6_V6ONLY", 27);
    m.put("TCP_NODELAY", 0x01);
    // bsd/sys/fcntl.h
    m.put("O_NONBLOCK", 0x00000004);
    m.put("O_CLOEXEC", 0x01000000);
    m.put("F_GETFD", 1);
    m.put("F_SETFD", 2);
    m.put("F_GETFL", 3);
    m.put("F_SETFL", 4);
    m.put("FD_CLOEXEC", 1);
    return m;
  }
}
