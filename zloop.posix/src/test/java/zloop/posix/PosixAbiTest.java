package zloop.posix;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import zloop.test.support.CProgram;

/**
 * The per-OS tables: Linux's against this host's C headers, macOS's and FreeBSD's against the
 * numbers read from their headers (cited per line), so one wrong constant fails.
 */
class PosixAbiTest {

  // apple-oss-distributions/xnu e3723e1: bsd/sys/errno.h lines 90-253 (EOPNOTSUPP is the
  // __DARWIN_UNIX03 value 102; ENOTSUP 45 is separate).
  private static final String XNU_ERRNO_H =
      "EPERM=1 ENOENT=2 ESRCH=3 EINTR=4 EIO=5 ENXIO=6 E2BIG=7 EBADF=9 ENOMEM=12 EACCES=13"
          + " EFAULT=14 EBUSY=16 EEXIST=17 ENODEV=19 ENOTDIR=20 EISDIR=21 EINVAL=22 ENFILE=23"
          + " EMFILE=24 ENOSPC=28 ESPIPE=29 EROFS=30 EPIPE=32 ERANGE=34 EAGAIN=35"
          + " EWOULDBLOCK=35 EINPROGRESS=36 EALREADY=37 ENOTSOCK=38 EDESTADDRREQ=39"
          + " EMSGSIZE=40 EPROTOTYPE=41 ENOPROTOOPT=42 EPROTONOSUPPORT=43 ESOCKTNOSUPPORT=44"
          + " ENOTSUP=45 EPFNOSUPPORT=46 EAFNOSUPPORT=47 EADDRINUSE=48 EADDRNOTAVAIL=49"
          + " ENETDOWN=50 ENETUNREACH=51 ENETRESET=52 ECONNABORTED=53 ECONNRESET=54"
          + " ENOBUFS=55 EISCONN=56 ENOTCONN=57 ESHUTDOWN=58 ETIMEDOUT=60 ECONNREFUSED=61"
          + " ENAMETOOLONG=63 EHOSTDOWN=64 EHOSTUNREACH=65 ENOSYS=78 ECANCELED=89 EPROTO=100"
          + " ETIME=101 EOPNOTSUPP=102";

  // xnu bsd/sys/socket.h (SOCK_STREAM l.113, SO_* l.125-174, SOL_SOCKET l.380, AF_* l.387-422,
  // MSG_DONTWAIT l.621, SHUT_* l.737); SO_LINGER is SO_LINGER_SEC (l.133), in seconds.
  // bsd/netinet/in.h l.117/156, bsd/netinet6/in6.h l.545, bsd/netinet/tcp.h l.221,
  // bsd/sys/fcntl.h l.115/170/279-282/450.
  private static final String XNU_SOCKET_FCNTL =
      "AF_UNIX=1 AF_INET=2 AF_INET6=30 SOCK_STREAM=1 SOCK_DGRAM=2 SOL_SOCKET=65535"
          + " SO_ACCEPTCONN=2 SO_REUSEADDR=4 SO_KEEPALIVE=8 SO_BROADCAST=32 SO_REUSEPORT=512 SO_LINGER=4224"
          + " SO_SNDBUF=4097 SO_RCVBUF=4098 SO_ERROR=4103 SO_TYPE=4104 SO_NOSIGPIPE=4130"
          + " MSG_DONTWAIT=128 SHUT_RD=0 SHUT_WR=1 SHUT_RDWR=2 IPPROTO_TCP=6 IPPROTO_IPV6=41"
          + " IPV6_V6ONLY=27 TCP_NODELAY=1 O_NONBLOCK=4 O_CLOEXEC=16777216 F_GETFD=1 F_SETFD=2"
          + " F_GETFL=3 F_SETFL=4 FD_CLOEXEC=1";

  // freebsd/freebsd-src sys/sys/errno.h (EAGAIN 35 ... ENOSYS 78, ECANCELED 85, EPROTO 92; no
  // ETIME).
  private static final String FREEBSD_ERRNO_H =
      "EPERM=1 ENOENT=2 ESRCH=3 EINTR=4 EIO=5 ENXIO=6 E2BIG=7 EBADF=9 ENOMEM=12 EACCES=13"
          + " EFAULT=14 EBUSY=16 EEXIST=17 ENODEV=19 ENOTDIR=20 EISDIR=21 EINVAL=22 ENFILE=23"
          + " EMFILE=24 ENOSPC=28 ESPIPE=29 EROFS=30 EPIPE=32 ERANGE=34 EAGAIN=35"
          + " EWOULDBLOCK=35 EINPROGRESS=36 EALREADY=37 ENOTSOCK=38 EDESTADDRREQ=39"
          + " EMSGSIZE=40 EPROTOTYPE=41 ENOPROTOOPT=42 EPROTONOSUPPORT=43 ESOCKTNOSUPPORT=44"
          + " EOPNOTSUPP=45 EPFNOSUPPORT=46 EAFNOSUPPORT=47 EADDRINUSE=48 EADDRNOTAVAIL=49"
          + " ENETDOWN=50 ENETUNREACH=51 ENETRESET=52 ECONNABORTED=53 ECONNRESET=54"
          + " ENOBUFS=55 EISCONN=56 ENOTCONN=57 ESHUTDOWN=58 ETIMEDOUT=60 ECONNREFUSED=61"
          + " ENAMETOOLONG=63 EHOSTDOWN=64 EHOSTUNREACH=65 ENOSYS=78 ECANCELED=85 EPROTO=92";

  // freebsd sys/sys/socket.h (SOCK_CLOEXEC 0x10000000, SOCK_NONBLOCK 0x20000000, SO_BROADCAST
  // 0x0020, SO_NOSIGPIPE 0x0800, SO_LINGER 0x0080, SOL_SOCKET 0xffff, AF_INET6 28, MSG_NOSIGNAL
  // 0x20000, MSG_DONTWAIT 0x80), sys/netinet/in.h (IPPROTO_TCP 6, IPPROTO_IPV6 41),
  // sys/netinet6/in6.h (IPV6_V6ONLY 27), sys/netinet/tcp.h (TCP_NODELAY 0x01), sys/sys/fcntl.h
  // (O_NONBLOCK 0x0004, O_CLOEXEC 0x00100000). IPPROTO_TCP, IPPROTO_IPV6, IPV6_V6ONLY and
  // TCP_NODELAY were read from those headers this session (freebsd-src via the code index).
  private static final String FREEBSD_SOCKET_FCNTL =
      "AF_UNIX=1 AF_INET=2 AF_INET6=28 SOCK_STREAM=1 SOCK_DGRAM=2 SOCK_CLOEXEC=268435456"
          + " SOCK_NONBLOCK=536870912 SOL_SOCKET=65535 SO_ACCEPTCONN=2 SO_REUSEADDR=4"
          + " SO_KEEPALIVE=8 SO_BROADCAST=32 SO_REUSEPORT=512 SO_LINGER=128 SO_SNDBUF=4097 SO_RCVBUF=4098"
          + " SO_ERROR=4103 SO_TYPE=4104 SO_NOSIGPIPE=2048 MSG_DONTWAIT=128"
          + " MSG_NOSIGNAL=131072 SHUT_RD=0 SHUT_WR=1 SHUT_RDWR=2 IPPROTO_TCP=6"
          + " IPPROTO_IPV6=41 IPV6_V6ONLY=27 TCP_NODELAY=1 O_NONBLOCK=4 O_CLOEXEC=1048576"
          + " F_GETFD=1 F_SETFD=2 F_GETFL=3 F_SETFL=4 FD_CLOEXEC=1";

  @Test
  void darwinTableIsXnusHeaders() {
    assertEquals(parse(XNU_ERRNO_H + " " + XNU_SOCKET_FCNTL), DarwinAbi.ABI.constants());
    assertTrue(DarwinAbi.ABI.hasSaLen());
    assertEquals(104, DarwinAbi.ABI.sunPathLength());
    assertFalse(DarwinAbi.ABI.hasSocketFlags(), "macOS has no accept4/SOCK_NONBLOCK");
    assertFalse(DarwinAbi.ABI.has("MSG_NOSIGNAL"), "SO_NOSIGPIPE is used instead");
  }

  @Test
  void freeBsdTableIsFreeBsdsHeaders() {
    assertEquals(parse(FREEBSD_ERRNO_H + " " + FREEBSD_SOCKET_FCNTL), FreeBsdAbi.ABI.constants());
    assertTrue(FreeBsdAbi.ABI.hasSaLen());
    assertEquals(104, FreeBsdAbi.ABI.sunPathLength());
    assertTrue(FreeBsdAbi.ABI.hasSocketFlags());
  }

  @Test
  void linuxTableMatchesThisHostsHeaders(@TempDir Path dir) throws Exception {
    Map<String, Integer> ours = LinuxAbi.ABI.constants();
    StringBuilder c = new StringBuilder();
    c.append("#define _GNU_SOURCE\n#include <errno.h>\n#include <fcntl.h>\n#include <stdio.h>\n");
    c.append("#include <sys/socket.h>\n#include <sys/un.h>\n#include <netinet/in.h>\n");
    c.append("#include <netinet/tcp.h>\nint main(void) {\n");
    for (String name : ours.keySet()) {
      c.append("  printf(\"%s %ld\\n\", \"").append(name).append("\", (long) ");
      c.append(name).append(");\n");
    }
    c.append("  printf(\"sun_path %ld\\n\", (long) sizeof(((struct sockaddr_un *) 0)->sun_path));\n");
    c.append("  return 0;\n}\n");
    Map<String, Long> header = CProgram.run(dir, c.toString());

    List<Executable> checks = new ArrayList<>();
    ours.forEach((name, value) -> checks.add(() -> assertEquals(header.get(name), (long) value, name)));
    checks.add(() -> assertEquals(header.get("sun_path"), (long) LinuxAbi.ABI.sunPathLength()));
    checks.add(() -> assertFalse(LinuxAbi.ABI.hasSaLen()));
    checks.add(() -> assertTrue(LinuxAbi.ABI.hasSocketFlags()));
    assertAll(checks);
  }

  @Test
  void bsdErrnosMapToZloopsKindsAndBack() {
    for (PosixAbi abi : List.of(DarwinAbi.ABI, FreeBsdAbi.ABI)) {
      assertEquals(Errno.EAGAIN, abi.errnoKind(35), abi + " EAGAIN");
      assertEquals(Errno.EINPROGRESS, abi.errnoKind(36), abi + " EINPROGRESS");
      assertEquals(Errno.ECONNREFUSED, abi.errnoKind(61), abi + " ECONNREFUSED");
      assertEquals(Errno.ECONNRESET, abi.errnoKind(54), abi + " ECONNRESET");
      assertEquals(Errno.EOPNOTSUPP, abi.errnoKind(45), abi + " ENOTSUP/EOPNOTSUPP");
      assertEquals(35, abi.nativeErrno(Errno.EAGAIN), abi + " native EAGAIN");
      LinuxAbi.ERRNOS.forEach(
          (name, kind) -> {
            if (abi.has(name)) {
              assertEquals(kind, abi.errnoKind(abi.value(name)), abi + " " + name);
              assertEquals(abi.value(name), abi.nativeErrno(kind), abi + " native " + name);
            }
          });
    }
    assertEquals(Errno.EOPNOTSUPP, DarwinAbi.ABI.errnoKind(102));
  }

  @Test
  void linuxKindsAreTheIdentity() {
    for (int errno = 0; errno < 300; errno++) {
      assertEquals(errno, LinuxAbi.ABI.errnoKind(errno));
      assertEquals(errno, LinuxAbi.ABI.nativeErrno(errno));
    }
  }

  @Test
  void hostIsLinuxsTableHere() {
    if (Os.isLinux()) {
      assertSame(LinuxAbi.ABI, PosixAbi.host());
    }
  }

  @Test
  void anUndefinedConstantIsAClearError() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> DarwinAbi.ABI.value("SOCK_NONBLOCK"));
    assertEquals("SOCK_NONBLOCK is not defined on darwin", e.getMessage());
  }

  private static Map<String, Integer> parse(String table) {
    Map<String, Integer> m = new LinkedHashMap<>();
    for (String entry : table.trim().split("\\s+")) {
      int eq = entry.indexOf('=');
      m.put(entry.substring(0, eq), Integer.parseInt(entry.substring(eq + 1)));
    }
    return m;
  }
}
