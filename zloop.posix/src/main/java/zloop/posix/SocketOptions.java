package zloop.posix;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import zloop.ZloopSocketOptions;

/**
 * Java socket options as {@code setsockopt}/{@code getsockopt} levels, names and values: {@link
 * StandardSocketOptions#SO_REUSEADDR}, {@code SO_REUSEPORT}, {@code SO_KEEPALIVE}, {@code
 * SO_RCVBUF}, {@code SO_SNDBUF}, {@code SO_LINGER}, {@code TCP_NODELAY}, {@link
 * ZloopSocketOptions#IPV6_V6ONLY}, and {@code SO_BROADCAST} (datagram sockets). Also reads {@code SO_ERROR}, which is how a non-blocking connect
 * reports its outcome.
 *
 * <p>Values follow the JDK: booleans are C ints 0/1; {@code SO_LINGER} is seconds, negative meaning
 * off (at most 65535); buffer sizes are what the kernel reports (Linux doubles what was set).
 * Unknown options throw {@link UnsupportedOperationException}; an option the socket's protocol
 * lacks fails in the kernel ({@code ENOPROTOOPT}, {@code EOPNOTSUPP}) as a {@link
 * java.net.SocketException}.
 *
 * <p>One instance per loop: the option value lives in a segment it allocates once. Not thread-safe.
 */
public final class SocketOptions {

  /*
   * <sys/socket.h>:
   *
   *   struct linger { int l_onoff; int l_linger; };
   */
  public static final StructLayout LINGER =
      MemoryLayout.structLayout(JAVA_INT.withName("l_onoff"), JAVA_INT.withName("l_linger"));

  private static final VarHandle L_ONOFF = LINGER.varHandle(groupElement("l_onoff"));
  private static final VarHandle L_LINGER = LINGER.varHandle(groupElement("l_linger"));

  /** How an option's value is laid out in C. */
  private enum Kind {
    BOOLEAN,
    INT,
    LINGER
  }

  private record Native(String name, int level, int optName, Kind kind) {}

  private static final Map<SocketOption<?>, Native> OPTIONS =
      Map.of(
          StandardSocketOptions.SO_REUSEADDR,
          new Native("SO_REUSEADDR", Sockets.SOL_SOCKET, Sockets.SO_REUSEADDR, Kind.BOOLEAN),
          StandardSocketOptions.SO_REUSEPORT,
          new Native("SO_REUSEPORT", Sockets.SOL_SOCKET, Sockets.SO_REUSEPORT, Kind.BOOLEAN),
          StandardSocketOptions.SO_KEEPALIVE,
          new Native("SO_KEEPALIVE", Sockets.SOL_SOCKET, Sockets.SO_KEEPALIVE, Kind.BOOLEAN),
          StandardSocketOptions.SO_RCVBUF,
          new Native("SO_RCVBUF", Sockets.SOL_SOCKET, Sockets.SO_RCVBUF, Kind.INT),
          StandardSocketOptions.SO_SNDBUF,
          new Native("SO_SNDBUF", Sockets.SOL_SOCKET, Sockets.SO_SNDBUF, Kind.INT),
          StandardSocketOptions.SO_LINGER,
          new Native("SO_LINGER", Sockets.SOL_SOCKET, Sockets.SO_LINGER, Kind.LINGER),
          StandardSocketOptions.TCP_NODELAY,
          new Native("TCP_NODELAY", Sockets.IPPROTO_TCP, Sockets.TCP_NODELAY, Kind.BOOLEAN),
          ZloopSocketOptions.IPV6_V6ONLY,
          new Native("IPV6_V6ONLY", Sockets.IPPROTO_IPV6, Sockets.IPV6_V6ONLY, Kind.BOOLEAN),
          StandardSocketOptions.SO_BROADCAST,
          new Native(
              "SO_BROADCAST",
              Sockets.SOL_SOCKET,
              PosixAbi.host().value("SO_BROADCAST"),
              Kind.BOOLEAN));

  private static final PosixAbi ABI = PosixAbi.host();

  /** The largest linger time, in seconds, as {@link java.net.Socket#setSoLinger} clamps it. */
  private static final int MAX_LINGER = 65535;

  private final ErrnoCapture errno;
  private final MemorySegment value;
  private final MemorySegment length;

  /**
   * @param arena holds the value segments; must outlive every call
   * @param errno the loop's capture
   */
  public SocketOptions(Arena arena, ErrnoCapture errno) {
    this.errno = errno;
    this.value = arena.allocate(LINGER); // the largest value: 8 bytes, int-aligned
    this.length = arena.allocate(JAVA_INT);
  }

  /** Whether {@link #set} and {@link #get} know {@code option}. */
  public static boolean supports(SocketOption<?> option) {
    return OPTIONS.containsKey(option);
  }

  /**
   * {@code setsockopt} for {@code option}.
   *
   * @throws UnsupportedOperationException if the option is not one this class knows
   * @throws IllegalArgumentException if {@code value} is null or out of range
   * @throws IOException if the kernel refuses it
   */
  public <T> void set(int fd, SocketOption<T> option, T value) throws IOException {
    Native n = lookup(option);
    if (value == null) {
      throw new IllegalArgumentException("null value for socket option " + option.name());
    }
    int size =
        switch (n.kind) {
          case BOOLEAN -> {
            this.value.set(JAVA_INT, 0, ((Boolean) value) ? 1 : 0);
            yield Integer.BYTES;
          }
          case INT -> {
            int v = (Integer) value;
            if (v < 0) {
              throw new IllegalArgumentException("negative " + option.name() + ": " + v);
            }
            this.value.set(JAVA_INT, 0, v);
            yield Integer.BYTES;
          }
          case LINGER -> {
            int seconds = (Integer) value;
            L_ONOFF.set(this.value, 0L, seconds < 0 ? 0 : 1);
            L_LINGER.set(this.value, 0L, seconds < 0 ? 0 : Math.min(seconds, MAX_LINGER));
            yield (int) LINGER.byteSize();
          }
        };
    int r = Sockets.setsockopt(fd, n.level, n.optName, this.value, size, errno);
    if (r < 0) {
      throw Errno.exception("setsockopt(" + n.name + ")", -r);
    }
  }

  /**
   * {@code getsockopt} for {@code option}.
   *
   * @throws UnsupportedOperationException if the option is not one this class knows
   * @throws IOException if the kernel refuses it
   */
  public <T> T get(int fd, SocketOption<T> option) throws IOException {
    Native n = lookup(option);
    length.set(JAVA_INT, 0, (int) LINGER.byteSize());
    int r = Sockets.getsockopt(fd, n.level, n.optName, value, length, errno);
    if (r < 0) {
      throw Errno.exception("getsockopt(" + n.name + ")", -r);
    }
    Object result =
        switch (n.kind) {
          case BOOLEAN -> value.get(JAVA_INT, 0) != 0;
          case INT -> value.get(JAVA_INT, 0);
          case LINGER -> (int) L_ONOFF.get(value, 0L) == 0 ? -1 : (int) L_LINGER.get(value, 0L);
        };
    return option.type().cast(result);
  }

  /**
   * Reads and clears the socket's pending error ({@code SO_ERROR}): {@code 0} if none, the positive
   * errno if one, or {@code -errno} if {@code getsockopt} itself failed.
   */
  public int pendingError(int fd) {
    length.set(JAVA_INT, 0, Integer.BYTES);
    int r = Sockets.getsockopt(fd, Sockets.SOL_SOCKET, Sockets.SO_ERROR, value, length, errno);
    // SO_ERROR holds the OS's errno number: zloop's handlers speak Errno's kinds.
    return r < 0 ? r : ABI.errnoKind(value.get(JAVA_INT, 0));
  }

  private static Native lookup(SocketOption<?> option) {
    Native n = OPTIONS.get(option);
    if (n == null) {
      throw new UnsupportedOperationException("socket option " + option.name() + " not supported");
    }
    return n;
  }
}
