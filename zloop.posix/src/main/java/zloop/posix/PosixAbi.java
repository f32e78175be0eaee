package zloop.posix;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One operating system's numbers and socket-address layout: errno values, socket option and flag
 * constants (by their C names), whether sockaddrs start with a {@code sa_len} byte, and the length
 * of {@code sockaddr_un.sun_path}. {@link #host()} picks the table for the running OS.
 *
 * <p>zloop's errno "kinds" are Linux's numbers ({@link Errno}'s constants), so the existing {@code
 * switch} statements keep compiling; {@link #errnoKind} maps a native errno to its kind through an
 * array built once, and {@link #nativeErrno} maps back (for {@code strerror}). On Linux both are
 * the identity. On Linux with libkqueue the sockets are Linux's, so {@link LinuxAbi} applies there.
 *
 * <p><b>Caveat:</b> the macOS and FreeBSD tables are read from their headers (cited in {@link
 * DarwinAbi} and {@link FreeBsdAbi}) and tested against those numbers, but have never run on a
 * macOS or BSD kernel.
 */
public final class PosixAbi {

  private final String name;
  private final Map<String, Integer> constants;
  private final boolean saLen;
  private final int sunPathLength;
  private final int[] kindByNative;
  private final int[] nativeByKind;

  PosixAbi(String name, Map<String, Integer> constants, boolean saLen, int sunPathLength) {
    this.name = name;
    this.constants = Collections.unmodifiableMap(new LinkedHashMap<>(constants));
    this.saLen = saLen;
    this.sunPathLength = sunPathLength;
    this.kindByNative = new int[256];
    this.nativeByKind = new int[256];
    for (int i = 0; i < 256; i++) {
      kindByNative[i] = i;
      nativeByKind[i] = i;
    }
    // Every errno zloop names: the Linux number is the kind, this OS's number is the native one.
    LinuxAbi.ERRNOS.forEach(
        (errnoName, kind) -> {
          Integer nativeValue = constants.get(errnoName);
          if (nativeValue != null) {
            kindByNative[nativeValue] = kind;
            nativeByKind[kind] = nativeValue;
          }
        });
    // macOS keeps ENOTSUP (45) apart from EOPNOTSUPP (102); zloop treats both as EOPNOTSUPP.
    Integer enotsup = constants.get("ENOTSUP");
    if (enotsup != null) {
      kindByNative[enotsup] = Errno.EOPNOTSUPP;
    }
  }

  /** The table for the running OS: Linux's on Linux (libkqueue included) and on unknown systems. */
  public static PosixAbi host() {
    return switch (Os.family()) {
      case MACOS -> DarwinAbi.ABI;
      case FREEBSD -> FreeBsdAbi.ABI;
      case LINUX, OTHER -> LinuxAbi.ABI;
    };
  }

  /** The OS this table describes ({@code "linux"}, {@code "darwin"}, {@code "freebsd"}). */
  public String name() {
    return name;
  }

  /** Every constant this OS defines, by C name ({@code "EAGAIN"}, {@code "SO_NOSIGPIPE"}). */
  public Map<String, Integer> constants() {
    return constants;
  }

  /**
   * Whether this OS defines {@code cName}; {@code SOCK_NONBLOCK}, {@code MSG_NOSIGNAL}, {@code
   * SO_NOSIGPIPE} and {@code SO_DOMAIN} are the ones that differ.
   *
   * @param cName the constant's C name
   * @return true if defined here
   */
  public boolean has(String cName) {
    return constants.containsKey(cName);
  }

  /**
   * The value of {@code cName} on this OS.
   *
   * @param cName the constant's C name
   * @return its value
   * @throws IllegalArgumentException if this OS does not define it
   */
  public int value(String cName) {
    Integer v = constants.get(cName);
    if (v == null) {
      throw new IllegalArgumentException(cName + " is not defined on " + name);
    }
    return v;
  }

  /** True on the BSDs: sockaddrs start with {@code uint8 sa_len, uint8 sa_family}. */
  public boolean hasSaLen() {
    return saLen;
  }

  /** The size of {@code sockaddr_un.sun_path}: 108 on Linux, 104 on macOS and FreeBSD. */
  public int sunPathLength() {
    return sunPathLength;
  }

  /** True where {@code accept4} and {@code SOCK_NONBLOCK|SOCK_CLOEXEC} exist (not macOS). */
  public boolean hasSocketFlags() {
    return has("SOCK_NONBLOCK") && has("SOCK_CLOEXEC");
  }

  /**
   * The kind (Linux number, as in {@link Errno}) of a native errno; unknown values pass through.
   *
   * @param nativeErrno the errno this OS's libc reported
   * @return the Linux-numbered kind
   */
  public int errnoKind(int nativeErrno) {
    return nativeErrno >= 0 && nativeErrno < kindByNative.length
        ? kindByNative[nativeErrno]
        : nativeErrno;
  }

  /**
   * The native errno for a kind, for libc calls such as {@code strerror}.
   *
   * @param kind a Linux-numbered errno, as in {@link Errno}
   * @return this OS's number
   */
  public int nativeErrno(int kind) {
    return kind >= 0 && kind < nativeByKind.length ? nativeByKind[kind] : kind;
  }

  /**
   * This OS's number for a zloop address family. zloop names families by Linux's numbers ({@link
   * Sockets#AF_INET} 2, {@link Sockets#AF_INET6} 10, {@link Sockets#AF_UNIX} 1), as it names
   * errnos; {@code AF_INET6} is 30 on macOS and 28 on FreeBSD.
   *
   * @param family {@link Sockets#AF_INET}, {@link Sockets#AF_INET6} or {@link Sockets#AF_UNIX}
   * @return this OS's number
   * @throws IllegalArgumentException for any other family
   */
  public int nativeFamily(int family) {
    return switch (family) {
      case Sockets.AF_UNIX -> value("AF_UNIX");
      case Sockets.AF_INET -> value("AF_INET");
      case Sockets.AF_INET6 -> value("AF_INET6");
      default -> throw new IllegalArgumentException("unknown address family " + family);
    };
  }

  /**
   * The zloop family for one of this OS's family numbers; any other number passes through.
   *
   * @param nativeFamily a family number as this OS's kernel stored it
   * @return {@link Sockets#AF_INET}, {@link Sockets#AF_INET6}, {@link Sockets#AF_UNIX}, or the
   *     number unchanged
   */
  public int familyKind(int nativeFamily) {
    if (nativeFamily == value("AF_INET")) {
      return Sockets.AF_INET;
    }
    if (nativeFamily == value("AF_INET6")) {
      return Sockets.AF_INET6;
    }
    if (nativeFamily == value("AF_UNIX")) {
      return Sockets.AF_UNIX;
    }
    return nativeFamily;
  }

  @Override
  public String toString() {
    return "PosixAbi[" + name + "]";
  }
}
