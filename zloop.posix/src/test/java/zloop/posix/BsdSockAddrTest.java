package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zloop.UnixAddress;

/**
 * The sockaddr codec for each OS table, byte for byte against the layouts read from the headers
 * (no syscalls, so macOS's and FreeBSD's run here too):
 *
 * <pre>
 *   xnu bsd/netinet/in.h, FreeBSD sys/netinet/in.h:
 *     struct sockaddr_in  { uint8 sin_len; sa_family_t(uint8) sin_family; in_port_t sin_port;
 *                           struct in_addr sin_addr; char sin_zero[8]; }           // 16
 *   xnu bsd/netinet6/in6.h, FreeBSD sys/netinet6/in6.h:
 *     struct sockaddr_in6 { uint8 sin6_len; sa_family_t sin6_family; in_port_t sin6_port;
 *                           uint32 sin6_flowinfo; struct in6_addr sin6_addr;
 *                           uint32 sin6_scope_id; }                                // 28
 *   xnu bsd/sys/un.h, FreeBSD sys/sys/un.h:
 *     struct sockaddr_un  { uint8 sun_len; sa_family_t sun_family; char sun_path[104]; } // 106
 * </pre>
 *
 * (xnu {@code bsd/sys/_types/_sa_family_t.h}: {@code typedef __uint8_t sa_family_t}.) Offsets:
 * port 2, IPv4 address 4; flowinfo 4, IPv6 address 8, scope id 24; sun_path 2 — on Linux too,
 * whose first two bytes are one host-order {@code uint16 sa_family}.
 */
class BsdSockAddrTest {

  private final Arena arena = Arena.ofConfined();

  @AfterEach
  void free() {
    arena.close();
  }

  /** One OS: its table, its AF_INET6 and AF_UNIX numbers as its headers define them. */
  private record Os(PosixAbi abi, int afInet6, int sockaddrUnSize) {}

  private static final List<Os> BSDS =
      List.of(new Os(DarwinAbi.ABI, 30, 106), new Os(FreeBsdAbi.ABI, 28, 106));

  @Test
  void ipv4IsLengthFamilyPortAddress() throws Exception {
    for (Os os : BSDS) {
      SockAddr codec = new SockAddr(arena, os.abi);
      int len = codec.encode(new InetSocketAddress(InetAddress.ofLiteral("10.1.2.3"), 0x1f90), 2);
      assertEquals(16, len, os.abi.name());
      byte[] expected = {16, 2, 0x1f, (byte) 0x90, 10, 1, 2, 3, 0, 0, 0, 0, 0, 0, 0, 0};
      assertArrayEquals(expected, bytes(codec, len), os.abi.name());
      assertEquals(
          new InetSocketAddress(InetAddress.ofLiteral("10.1.2.3"), 0x1f90),
          decode(codec, len),
          os.abi.name());
    }
  }

  @Test
  void ipv6IsLengthFamilyPortFlowAddressScope() throws Exception {
    byte[] linkLocal = InetAddress.ofLiteral("fe80::1:2").getAddress();
    InetSocketAddress address =
        new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 7), 443);
    for (Os os : BSDS) {
      SockAddr codec = new SockAddr(arena, os.abi);
      int len = codec.encode(address, Sockets.AF_INET6);
      assertEquals(28, len, os.abi.name());
      ByteBuffer expected = ByteBuffer.allocate(28);
      expected.put((byte) 28).put((byte) os.afInet6); // sin6_len, sin6_family
      expected.putShort((short) 443); // sin6_port, network order
      expected.putInt(0); // sin6_flowinfo
      expected.put(linkLocal); // sin6_addr at 8
      expected.order(ByteOrder.nativeOrder()).putInt(7); // sin6_scope_id at 24, host order
      assertArrayEquals(expected.array(), bytes(codec, len), os.abi.name());
      InetSocketAddress back = (InetSocketAddress) decode(codec, len);
      assertEquals(address, back, os.abi.name());
      assertEquals(7, ((Inet6Address) back.getAddress()).getScopeId(), os.abi.name());
    }
  }

  @Test
  void unixPathIsLengthFamilyAndNulTerminatedPathIn104Bytes() throws Exception {
    for (Os os : BSDS) {
      SockAddr codec = new SockAddr(arena, os.abi);
      int len = codec.encode(UnixAddress.of("/tmp/s"), Sockets.AF_UNIX);
      assertEquals(2 + 6 + 1, len, os.abi.name());
      assertArrayEquals(
          new byte[] {9, 1, '/', 't', 'm', 'p', '/', 's', 0}, bytes(codec, len), os.abi.name());
      assertEquals(UnixAddress.of("/tmp/s"), decode(codec, len), os.abi.name());

      String longest = "/" + "x".repeat(os.sockaddrUnSize - 2 - 2); // 103 bytes and the NUL
      assertEquals(os.sockaddrUnSize, codec.encode(UnixAddress.of(longest), Sockets.AF_UNIX));
      assertEquals(UnixAddress.of(longest), decode(codec, os.sockaddrUnSize), os.abi.name());
      assertThrows(
          SocketException.class,
          () -> codec.encode(UnixAddress.of(longest + "x"), Sockets.AF_UNIX),
          os.abi.name() + ": 104 bytes leave no room for the NUL");
    }
  }

  @Test
  void abstractUnixNamesAreRefusedOffLinux() {
    for (Os os : BSDS) {
      SockAddr codec = new SockAddr(arena, os.abi);
      SocketException e =
          assertThrows(
              SocketException.class,
              () -> codec.encode(UnixAddress.ofAbstract("name"), Sockets.AF_UNIX));
      assertEquals("abstract Unix socket names exist only on Linux: " + UnixAddress.ofAbstract("name"), e.getMessage());
    }
  }

  @Test
  void anUnnamedBsdUnixSocketDecodesToNull() {
    for (Os os : BSDS) {
      SockAddr codec = new SockAddr(arena, os.abi);
      // What getsockname stores for an unbound Unix socket: the header and an empty path.
      codec.storage().fill((byte) 0);
      codec.storage().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 16);
      codec.storage().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 1, (byte) 1);
      codec.capacityLength().set(JAVA_INT, 0, 16);
      assertNull(codec.decode(), os.abi.name());
    }
  }

  @Test
  void linuxIsTwoByteFamilyAndA108BytePath() throws Exception {
    SockAddr codec = new SockAddr(arena, LinuxAbi.ABI);
    int len = codec.encode(new InetSocketAddress(InetAddress.ofLiteral("::1"), 1), 10);
    assertEquals(28, len);
    ByteBuffer header = ByteBuffer.wrap(bytes(codec, 2)).order(ByteOrder.nativeOrder());
    assertEquals(10, header.getShort(), "sa_family is a host-order uint16 AF_INET6 (10)");
    assertEquals(110, codec.encode(UnixAddress.of("/" + "y".repeat(106)), Sockets.AF_UNIX));
  }

  @Test
  void familiesTranslateBetweenZloopsAndEachOs() {
    for (Os os : BSDS) {
      assertEquals(Sockets.AF_INET6, os.abi.familyKind(os.afInet6), os.abi.name());
      assertEquals(Sockets.AF_INET, os.abi.familyKind(2), os.abi.name());
      assertEquals(Sockets.AF_UNIX, os.abi.familyKind(1), os.abi.name());
      assertEquals(99, os.abi.familyKind(99), "unknown families pass through");
      assertEquals(os.afInet6, os.abi.nativeFamily(Sockets.AF_INET6), os.abi.name());
    }
    assertEquals(Sockets.AF_INET6, LinuxAbi.ABI.familyKind(10));
    assertThrows(IllegalArgumentException.class, () -> LinuxAbi.ABI.nativeFamily(99));
  }

  private static byte[] bytes(SockAddr codec, int len) {
    return codec.storage().asSlice(0, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
  }

  private static SocketAddress decode(SockAddr codec, int len) {
    MemorySegment length = codec.capacityLength();
    length.set(JAVA_INT, 0, len);
    return codec.decode();
  }
}
