package zloop.posix;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Linux's numbers (x86_64 and aarch64 share them): checked against the C headers by a compiled
 * probe in the tests. Also the table for libkqueue on Linux, whose sockets are Linux's.
 */
final class LinuxAbi {

  /** The errnos zloop names, Linux-numbered: these numbers are zloop's errno kinds. */
  static final Map<String, Integer> ERRNOS = errnos();

  static final PosixAbi ABI = new PosixAbi("linux", constants(), false, 108);

  private LinuxAbi() {}

  private static Map<String, Integer> errnos() {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (var f : Errno.class.getFields()) {
      if (java.lang.reflect.Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
        try {
          m.put(f.getName(), f.getInt(null));
        } catch (IllegalAccessException e) {
          throw new AssertionError(e);
        }
      }
    }
    return m;
  }

  private static Map<String, Integer> constants() {
    Map<String, Integer> m = SharedNumbers.everywhere();
    m.putAll(ERRNOS);
    m.put("EWOULDBLOCK", 11);
    m.put("AF_INET6", 10);
    m.put("SOCK_NONBLOCK", 04000);
    m.put("SOCK_CLOEXEC", 02000000);
    m.put("SOL_SOCKET", 1);
    m.put("SO_REUSEADDR", 2);
    m.put("SO_BROADCAST", 6);
    m.put("SO_PEERNAME", 28);
    m.put("SO_TYPE", 3);
    m.put("SO_ERROR", 4);
    m.put("SO_SNDBUF", 7);
    m.put("SO_RCVBUF", 8);
    m.put("SO_KEEPALIVE", 9);
    m.put("SO_LINGER", 13);
    m.put("SO_REUSEPORT", 15);
    m.put("SO_ACCEPTCONN", 30);
    m.put("SO_DOMAIN", 39);
    m.put("IPV6_V6ONLY", 26);
    m.put("MSG_DONTWAIT", 0x40);
    m.put("MSG_NOSIGNAL", 0x4000);
    m.put("O_NONBLOCK", 04000);
    m.put("O_CLOEXEC", 02000000);
    return m;
  }
}
