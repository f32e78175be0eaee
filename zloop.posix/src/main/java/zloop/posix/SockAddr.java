package zloop.posix;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import zloop.UnixAddress;

/**
 * Socket addresses between Java and the kernel: {@link InetSocketAddress} and {@link UnixAddress}
 * to and from {@code struct sockaddr_in}, {@code sockaddr_in6} and {@code sockaddr_un}, in one
 * {@code struct sockaddr_storage} allocated once per loop.
 *
 * <p>Use: {@link #encode} and pass {@link #storage()} with the returned length to {@code bind} or
 * {@code connect}; or pass {@link #storage()} and {@link #capacityLength()} to {@code accept4},
 * {@code getsockname} or {@code getpeername}, then {@link #decode()}. Nothing is allocated but the
 * Java address a decode returns (and the byte arrays {@code InetAddress} hands out on encode).
 *
 * <p>Unix names: a filesystem path is encoded in the JVM's file-name charset ({@code
 * sun.jnu.encoding}, as {@link java.nio.file.Path} does), NUL-terminated; an abstract name (Linux)
 * is a leading NUL and the name's UTF-8 bytes, with the length counting exactly those bytes. An
 * unnamed Unix socket decodes to {@code null}.
 *
 * <p><b>Caveats:</b> the layouts are Linux's; the BSDs put a length byte before a one-byte family.
 * Not thread-safe: one instance per loop.
 */
public final class SockAddr {

  /*
   * <netinet/in.h>, <sys/un.h> (sa_family_t is an unsigned short in host order; ports and
   * addresses are in network order):
   *
   *   struct sockaddr_in  { sa_family_t sin_family; in_port_t sin_port; struct in_addr sin_addr;
   *                         unsigned char sin_zero[8]; };                                 // 16
   *   struct sockaddr_in6 { sa_family_t sin6_family; in_port_t sin6_port;
   *                         uint32_t sin6_flowinfo; struct in6_addr sin6_addr;
   *                         uint32_t sin6_scope_id; };                                    // 28
   *   struct sockaddr_un  { sa_family_t sun_family; char sun_path[108]; };                // 110
   */
  private static final MemoryLayout PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

  public static final StructLayout SOCKADDR_IN =
      MemoryLayout.structLayout(
          JAVA_SHORT.withName("sin_family"),
          PORT.withName("sin_port"),
          MemoryLayout.sequenceLayout(4, JAVA_BYTE).withName("sin_addr"),
          MemoryLayout.sequenceLayout(8, JAVA_BYTE).withName("sin_zero"));

  public static final StructLayout SOCKADDR_IN6 =
      MemoryLayout.structLayout(
          JAVA_SHORT.withName("sin6_family"),
          PORT.withName("sin6_port"),
          JAVA_INT.withName("sin6_flowinfo"),
          MemoryLayout.sequenceLayout(16, JAVA_BYTE).withName("sin6_addr"),
          JAVA_INT.withName("sin6_scope_id"));

  public static final StructLayout SOCKADDR_UN =
      MemoryLayout.structLayout(
          JAVA_SHORT.withName("sun_family"),
          MemoryLayout.sequenceLayout(108, JAVA_BYTE).withName("sun_path"));

  /** {@code sizeof(struct sockaddr_storage)}: room for any address. */
  public static final long STORAGE_SIZE = 128;

  private static final VarHandle FAMILY = SOCKADDR_IN.varHandle(groupElement("sin_family"));
  private static final VarHandle IN_PORT = SOCKADDR_IN.varHandle(groupElement("sin_port"));
  private static final long IN_ADDR = SOCKADDR_IN.byteOffset(groupElement("sin_addr"));
  private static final VarHandle IN6_PORT = SOCKADDR_IN6.varHandle(groupElement("sin6_port"));
  private static final VarHandle IN6_FLOWINFO =
      SOCKADDR_IN6.varHandle(groupElement("sin6_flowinfo"));
  private static final long IN6_ADDR = SOCKADDR_IN6.byteOffset(groupElement("sin6_addr"));
  private static final VarHandle IN6_SCOPE_ID =
      SOCKADDR_IN6.varHandle(groupElement("sin6_scope_id"));
  private static final long SUN_PATH = SOCKADDR_UN.byteOffset(groupElement("sun_path"));

  /** The longest Unix name: {@code sun_path} less one byte (a path's NUL, an abstract's lead). */
  public static final int MAX_UNIX_NAME = 107;

  private final MemorySegment storage;
  private final MemorySegment length;

  /** Allocates the storage in {@code arena}, which must outlive every call that uses it. */
  public SockAddr(Arena arena) {
    this.storage = arena.allocate(STORAGE_SIZE, 8);
    this.length = arena.allocate(JAVA_INT);
  }

  /** The {@code struct sockaddr_storage} every call reads from or writes to. */
  public MemorySegment storage() {
    return storage;
  }

  /**
   * The {@code socklen_t} to pass with {@link #storage()} to a call that returns an address, set to
   * the storage's capacity (the kernel overwrites it with the address's length).
   */
  public MemorySegment capacityLength() {
    length.set(JAVA_INT, 0, (int) STORAGE_SIZE);
    return length;
  }

  /**
   * Writes {@code address} into {@link #storage()} for a socket of {@code family}, returning the
   * length to pass with it. An IPv4 address for an {@code AF_INET6} socket becomes its IPv4-mapped
   * IPv6 form ({@code ::ffff:a.b.c.d}), as the JDK's dual-stack sockets do.
   *
   * @throws UnknownHostException if {@code address} is an unresolved {@link InetSocketAddress}
   * @throws SocketException if the address does not fit the family or a Unix name is too long
   */
  public int encode(SocketAddress address, int family) throws IOException {
    return switch (address) {
      case InetSocketAddress inet -> encodeInet(inet, family);
      case UnixAddress unix -> encodeUnix(unix, family);
      case UnixDomainSocketAddress jdk -> encodeUnix(UnixAddress.of(jdk.getPath()), family);
      case null -> throw new NullPointerException("address");
      default ->
          throw new SocketException(
              "unsupported address type " + address.getClass().getName() + ": " + address);
    };
  }

  private int encodeInet(InetSocketAddress address, int family) throws IOException {
    if (address.isUnresolved()) {
      throw new UnknownHostException(address.getHostString() + " (unresolved address)");
    }
    InetAddress ip = address.getAddress();
    storage.fill((byte) 0);
    if (family == Sockets.AF_INET) {
      if (!(ip instanceof Inet4Address)) {
        throw new SocketException("an IPv6 address on an IPv4 socket: " + address);
      }
      FAMILY.set(storage, 0L, (short) Sockets.AF_INET);
      IN_PORT.set(storage, 0L, (short) address.getPort());
      MemorySegment.copy(ip.getAddress(), 0, storage, JAVA_BYTE, IN_ADDR, 4);
      return (int) SOCKADDR_IN.byteSize();
    }
    if (family == Sockets.AF_INET6) {
      FAMILY.set(storage, 0L, (short) Sockets.AF_INET6);
      IN6_PORT.set(storage, 0L, (short) address.getPort());
      IN6_FLOWINFO.set(storage, 0L, 0);
      byte[] bytes = ip.getAddress();
      if (bytes.length == 4) {
        // ::ffff:a.b.c.d: ten zero bytes, two 0xff, then the IPv4 address.
        storage.set(JAVA_BYTE, IN6_ADDR + 10, (byte) 0xff);
        storage.set(JAVA_BYTE, IN6_ADDR + 11, (byte) 0xff);
        MemorySegment.copy(bytes, 0, storage, JAVA_BYTE, IN6_ADDR + 12, 4);
      } else {
        MemorySegment.copy(bytes, 0, storage, JAVA_BYTE, IN6_ADDR, 16);
      }
      int scope = ip instanceof Inet6Address v6 ? v6.getScopeId() : 0;
      IN6_SCOPE_ID.set(storage, 0L, scope);
      return (int) SOCKADDR_IN6.byteSize();
    }
    throw new SocketException("an IP address on a non-IP socket: " + address);
  }

  private int encodeUnix(UnixAddress address, int family) throws IOException {
    if (family != Sockets.AF_UNIX) {
      throw new SocketException("a Unix address on a non-Unix socket: " + address);
    }
    byte[] name =
        address.isAbstract()
            ? address.abstractName().getBytes(StandardCharsets.UTF_8)
            : FileNames.bytes(address.path());
    if (name.length > MAX_UNIX_NAME) {
      throw new SocketException(
          "Unix socket name too long ("
              + name.length
              + " bytes, at most "
              + MAX_UNIX_NAME
              + "): "
              + address);
    }
    storage.fill((byte) 0);
    FAMILY.set(storage, 0L, (short) Sockets.AF_UNIX);
    if (address.isAbstract()) {
      // A leading NUL, then exactly the name: every byte up to the length is part of it.
      MemorySegment.copy(name, 0, storage, JAVA_BYTE, SUN_PATH + 1, name.length);
      return (int) SUN_PATH + 1 + name.length;
    }
    if (name.length == 0) {
      // An empty sun_path would ask the kernel to autobind an abstract name instead.
      throw new SocketException("empty Unix socket path");
    }
    for (byte b : name) {
      if (b == 0) {
        throw new SocketException("NUL byte in Unix socket path: " + address);
      }
    }
    MemorySegment.copy(name, 0, storage, JAVA_BYTE, SUN_PATH, name.length);
    return (int) SUN_PATH + name.length + 1; // with the terminating NUL, as SUN_LEN + 1
  }

  /**
   * The address the last call left in {@link #storage()}, with the length it stored in {@link
   * #capacityLength()}: an {@link InetSocketAddress}, a {@link UnixAddress}, or {@code null} for an
   * unnamed Unix socket (or a family zloop never opens).
   */
  public SocketAddress decode() {
    int len = length.get(JAVA_INT, 0);
    int family = Short.toUnsignedInt((short) FAMILY.get(storage, 0L));
    return switch (family) {
      case Sockets.AF_INET -> {
        byte[] bytes = new byte[4];
        MemorySegment.copy(storage, JAVA_BYTE, IN_ADDR, bytes, 0, 4);
        yield new InetSocketAddress(inetAddress(bytes, 0), port(IN_PORT));
      }
      case Sockets.AF_INET6 -> {
        byte[] bytes = new byte[16];
        MemorySegment.copy(storage, JAVA_BYTE, IN6_ADDR, bytes, 0, 16);
        int scope = (int) IN6_SCOPE_ID.get(storage, 0L);
        yield new InetSocketAddress(inetAddress(bytes, scope), port(IN6_PORT));
      }
      case Sockets.AF_UNIX -> decodeUnix(len);
      default -> null;
    };
  }

  private int port(VarHandle handle) {
    return Short.toUnsignedInt((short) handle.get(storage, 0L));
  }

  private SocketAddress decodeUnix(int len) {
    int n = (int) Math.min(len - SUN_PATH, SOCKADDR_UN.byteSize() - SUN_PATH);
    if (n <= 0) {
      return null; // unnamed: only the family was stored
    }
    if (storage.get(JAVA_BYTE, SUN_PATH) == 0) {
      byte[] name = new byte[n - 1];
      MemorySegment.copy(storage, JAVA_BYTE, SUN_PATH + 1, name, 0, name.length);
      return UnixAddress.ofAbstract(new String(name, StandardCharsets.UTF_8));
    }
    int end = 0;
    while (end < n && storage.get(JAVA_BYTE, SUN_PATH + end) != 0) {
      end++;
    }
    byte[] path = new byte[end];
    MemorySegment.copy(storage, JAVA_BYTE, SUN_PATH, path, 0, end);
    return UnixAddress.of(new String(path, FileNames.CHARSET));
  }

  /**
   * The address for raw bytes; an IPv4-mapped IPv6 address without a scope becomes the IPv4
   * address, as the JDK reports a dual-stack socket's IPv4 peers.
   */
  private static InetAddress inetAddress(byte[] bytes, int scopeId) {
    try {
      return scopeId == 0
          ? InetAddress.getByAddress(bytes)
          : Inet6Address.getByAddress(null, bytes, scopeId);
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 address bytes are always valid", e);
    }
  }
}
