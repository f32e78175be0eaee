package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zloop.UnixAddress;

/** The sockaddr codec: bytes as the kernel reads them, and back. No syscalls. */
class SockAddrTest {

  private final Arena arena = Arena.ofConfined();
  private final SockAddr codec = new SockAddr(arena);

  @AfterEach
  void free() {
    arena.close();
  }

  @Test
  void ipv4IsFamilyHostOrderPortAndAddressNetworkOrder() throws Exception {
    int len = codec.encode(inet("127.0.0.1", 0x1234), Sockets.AF_INET);
    assertEquals(16, len);
    assertArrayEquals(
        new byte[] {2, 0, 0x12, 0x34, 127, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0}, bytes(len));
    assertEquals(inet("127.0.0.1", 0x1234), decode(len));
  }

  @Test
  void ipv6RoundTripsWithScope() throws Exception {
    byte[] linkLocal = InetAddress.ofLiteral("fe80::1").getAddress();
    InetSocketAddress address =
        new InetSocketAddress(Inet6Address.getByAddress(null, linkLocal, 3), 443);
    int len = codec.encode(address, Sockets.AF_INET6);
    assertEquals(28, len);
    assertEquals(10, codec.storage().get(JAVA_BYTE, 0));
    assertEquals(3, codec.storage().get(JAVA_INT, 24));
    InetSocketAddress back = (InetSocketAddress) decode(len);
    assertEquals(443, back.getPort());
    assertArrayEquals(linkLocal, back.getAddress().getAddress());
    assertEquals(3, ((Inet6Address) back.getAddress()).getScopeId());
  }

  @Test
  void ipv4OnAnIpv6SocketIsMappedAndDecodesAsIpv4() throws Exception {
    int len = codec.encode(inet("10.1.2.3", 80), Sockets.AF_INET6);
    byte[] addr = codec.storage().asSlice(8, 16).toArray(JAVA_BYTE);
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, 10, 1, 2, 3}, addr);
    InetSocketAddress back = (InetSocketAddress) decode(len);
    assertInstanceOf(Inet4Address.class, back.getAddress());
    assertEquals(inet("10.1.2.3", 80), back);
  }

  @Test
  void unixPathIsNulTerminated() throws Exception {
    UnixAddress address = UnixAddress.of("/tmp/zloop.sock");
    int len = codec.encode(address, Sockets.AF_UNIX);
    assertEquals(2 + "/tmp/zloop.sock".length() + 1, len);
    assertEquals(0, codec.storage().get(JAVA_BYTE, len - 1));
    assertEquals(address, decode(len));
  }

  @Test
  void jdkUnixAddressIsAccepted() throws Exception {
    int len = codec.encode(UnixDomainSocketAddress.of("/tmp/a"), Sockets.AF_UNIX);
    assertEquals(UnixAddress.of("/tmp/a"), decode(len));
  }

  @Test
  void abstractNameIsLeadingNulAndExactLength() throws Exception {
    UnixAddress address = UnixAddress.ofAbstract("zloop-test");
    int len = codec.encode(address, Sockets.AF_UNIX);
    assertEquals(2 + 1 + "zloop-test".length(), len);
    assertEquals(0, codec.storage().get(JAVA_BYTE, 2));
    assertEquals('z', codec.storage().get(JAVA_BYTE, 3));
    assertEquals(address, decode(len));
  }

  @Test
  void unnamedUnixSocketDecodesToNull() {
    codec.storage().set(JAVA_BYTE, 0, (byte) Sockets.AF_UNIX);
    codec.storage().set(JAVA_BYTE, 1, (byte) 0);
    assertNull(decode(2));
  }

  @Test
  void longestUnixNameFitsAndOneMoreByteDoesNot() throws Exception {
    String longest = "/" + "x".repeat(SockAddr.MAX_UNIX_NAME - 1);
    assertEquals(110, codec.encode(UnixAddress.of(longest), Sockets.AF_UNIX));
    assertEquals(UnixAddress.of(longest), decode(110));
    assertThrows(
        SocketException.class, () -> codec.encode(UnixAddress.of(longest + "x"), Sockets.AF_UNIX));
    assertThrows(
        SocketException.class,
        () -> codec.encode(UnixAddress.ofAbstract("y".repeat(108)), Sockets.AF_UNIX));
  }

  @Test
  void rejectsAddressesThatDoNotFitTheSocket() {
    assertThrows(SocketException.class, () -> codec.encode(inet("::1", 1), Sockets.AF_INET));
    assertThrows(SocketException.class, () -> codec.encode(inet("127.0.0.1", 1), Sockets.AF_UNIX));
    assertThrows(
        SocketException.class, () -> codec.encode(UnixAddress.of("/tmp/x"), Sockets.AF_INET));
    assertThrows(SocketException.class, () -> codec.encode(UnixAddress.of(""), Sockets.AF_UNIX));
    assertThrows(
        UnknownHostException.class,
        () ->
            codec.encode(
                InetSocketAddress.createUnresolved("example.invalid", 80), Sockets.AF_INET));
  }

  private static InetSocketAddress inet(String literal, int port) {
    return new InetSocketAddress(InetAddress.ofLiteral(literal), port);
  }

  private byte[] bytes(int len) {
    return codec.storage().asSlice(0, len).toArray(JAVA_BYTE);
  }

  /** Decodes as if the kernel had just returned {@code len} bytes of address. */
  private java.net.SocketAddress decode(int len) {
    MemorySegment length = codec.capacityLength();
    length.set(JAVA_INT, 0, len);
    return codec.decode();
  }
}
