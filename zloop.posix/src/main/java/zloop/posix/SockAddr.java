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
 * <p>Per OS ({@link PosixAbi}): Linux starts every sockaddr with a 2-byte host-order {@code
 * sa_family}; macOS and FreeBSD with {@code uint8 sa_len, uint8 sa_family} (xnu {@code
 * bsd/netinet/in.h} {@code struct sockaddr_in}, {@code bsd/netinet6/in6.h} {@code struct
 * sockaddr_in6}, {@code bsd/sys/un.h} {@code struct sockaddr_un}; FreeBSD {@code sys/netinet/in.h},
 * {@code sys/netinet6/in6.h}, {@code sys/sys/un.h}). Everything after those two bytes is at the
 * same offset on all three; {@code sun_path} is 108 bytes on Linux and 104 on the BSDs, so a
 * {@code sockaddr_un} is 110 or 106 bytes. Family numbers are the OS's ({@code AF_INET6} 10, 30,
 * 28) on the wire and zloop's ({@link Sockets#AF_INET6}) in the API. Abstract Unix names exist on
 * Linux only.
 *
 * <p><b>Caveats:</b> the BSD encodings are tested byte for byte against their headers' layouts but
 * have never run on a BSD kernel. Not thread-safe: one instance per loop.
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

  /**
   * The longest Unix name on this host: {@code sun_path} less one byte (a path's NUL, an abstract
   * name's lead).
   */
  public static final int MAX_UNIX_NAME = PosixAbi.host().sunPathLength() - 1;

  private final MemorySegment storage;
  private final MemorySegment length;
  private final PosixAbi abi;
  private final boolean saLen;
  private final int maxUnixName;

  /** Allocates the storage in {@code arena}, which must outlive every call that uses it. */
  public SockAddr(Arena arena) {
    this(arena, PosixAbi.host());
  }

  /**
   * A codec for {@code abi}'s layouts: the host's in use, any OS's in layout tests.
   *
   * @param arena holds the storage; must outlive every call that uses it
   * @param abi the OS whose sockaddrs this writes and reads
   */
  SockAddr(Arena arena, PosixAbi abi) {
    this.storage = arena.allocate(STORAGE_SIZE, 8);
    this.length = arena.allocate(JAVA_INT);
    this.abi = abi;
    this.saLen = abi.hasSaLen();
    this.maxUnixName = abi.sunPathLength() - 1;
  }

  /** Writes the header: Linux's 2-byte family, or the BSDs' length byte and 1-byte family. */
  private void header(int family, int size) {
    int nativeFamily = abi.nativeFamily(family);
    if (saLen) {
      storage.set(JAVA_BYTE, 0, (byte) size);
      storage.set(JAVA_BYTE, 1, (byte) nativeFamily);
    } else {
      FAMILY.set(storage, 0L, (short) nativeFamily);
    }
  }

  /**
   * The native {@code sa_family} of the sockaddr at the start of {@code address} on {@code abi}.
   *
   * @param address a sockaddr as the kernel stored it
   * @param abi the OS that stored it
   * @return the OS's family number
   */
  static int nativeFamily(MemorySegment address, PosixAbi abi) {
    return abi.hasSaLen()
        ? Byte.toUnsignedInt(address.get(JAVA_BYTE, 1))
        : Short.toUnsignedInt((short) FAMILY.get(address, 0L));
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
      header(Sockets.AF_INET, (int) SOCKADDR_IN.byteSize());
      IN_PORT.set(storage, 0L, (short) address.getPort());
      MemorySegment.copy(ip.getAddress(), 0, storage, JAVA_BYTE, IN_ADDR, 4);
      return (int) SOCKADDR_IN.byteSize();
    }
    if (family == Sockets.AF_INET6) {
      header(Sockets.AF_INET6, (int) SOCKADDR_IN6.byteSize());
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
    if (address.isAbstract() && saLen) {
      throw new SocketException("abstract Unix socket names exist only on Linux: " + address);
    }
    byte[] name =
        address.isAbstract()
            ? address.abstractName().getBytes(StandardCharsets.UTF_8)
            : FileNames.bytes(address.path());
    if (name.length > maxUnixName) {
      throw new SocketException(
          "Unix socket name too long ("
              + name.length
              + " bytes, at most "
              + maxUnixName
              + "): "
              + address);
    }
    storage.fill((byte) 0);
    if (address.isAbstract()) {
      // A leading NUL, then exactly the name: every byte up to the length is part of it.
      header(Sockets.AF_UNIX, 0);
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
    int size = (int) SUN_PATH + name.length + 1; // with the terminating NUL, as SUN_LEN + 1
    header(Sockets.AF_UNIX, size);
    return size;
  }

  /**
   * The address the last call left in {@link #storage()}, with the length it stored in {@link
   * #capacityLength()}: an {@link InetSocketAddress}, a {@link UnixAddress}, or {@code null} for an
   * unnamed Unix socket (or a family zloop never opens).
   */
  public SocketAddress decode() {
    int len = length.get(JAVA_INT, 0);
    int family = abi.familyKind(nativeFamily(storage, abi));
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
    int n = (int) Math.min(len - SUN_PATH, abi.sunPathLength());
    if (n <= 0) {
      return null; // unnamed: only the family was stored
    }
    if (storage.get(JAVA_BYTE, SUN_PATH) == 0) {
      if (saLen) {
        return null; // the BSDs have no abstract names: an empty path is an unnamed socket
      }
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
