package zloop.posix;

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
    Map<String, Integer> m = SharedNumbers.bsd();
    // sys/sys/errno.h
    m.put("ECANCELED", 85);
    m.put("EPROTO", 92);
    m.put("EOPNOTSUPP", 45);
    // sys/sys/socket.h
    m.put("AF_INET6", 28);
    m.put("SOCK_CLOEXEC", 0x10000000);
    m.put("SOCK_NONBLOCK", 0x20000000);
    m.put("SO_LINGER", 0x0080);
    m.put("SO_NOSIGPIPE", 0x0800);
    m.put("MSG_NOSIGNAL", 0x20000);
    // sys/sys/fcntl.h
    m.put("O_CLOEXEC", 0x00100000);
    return m;
  }
}
