package zloop.posix;

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
    Map<String, Integer> m = SharedNumbers.bsd();
    // bsd/sys/errno.h
    // ENOTSUP is distinct from EOPNOTSUPP (102, __DARWIN_UNIX03) here; both are kind EOPNOTSUPP.
    m.put("ENOTSUP", 45);
    m.put("ECANCELED", 89);
    m.put("EPROTO", 100);
    m.put("ETIME", 101);
    m.put("EOPNOTSUPP", 102);
    // bsd/sys/socket.h
    m.put("AF_INET6", 30);
    // SO_LINGER is 0x0080 in ticks by default; SO_LINGER_SEC (0x1080) takes seconds, as Linux's.
    m.put("SO_LINGER", 0x1080);
    m.put("SO_NOSIGPIPE", 0x1022);
    // bsd/sys/fcntl.h
    m.put("O_CLOEXEC", 0x01000000);
    return m;
  }
}
