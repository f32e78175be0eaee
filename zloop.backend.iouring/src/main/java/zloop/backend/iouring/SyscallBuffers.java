package zloop.backend.iouring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.SocketAddress;
import java.nio.file.Path;
import zloop.posix.ErrnoCapture;
import zloop.posix.FileNames;
import zloop.posix.SockAddr;
import zloop.posix.SocketOptions;
import zloop.posix.Sockets;

/**
 * The native memory of the calls a loop makes directly rather than through the ring (socket,
 * bind, listen, options, addresses, shutdown, close, sendfile), allocated once when the backend
 * opens: the errno capture, the {@code sockaddr} codec, the option value, and the path and offset
 * for {@code sendfile}. One loop thread uses it, one call at a time.
 */
final class SyscallBuffers {

  /** {@code SO_PEERNAME} (Linux, every architecture): the peer's address, without checking state. */
  private static final int SO_PEERNAME = 28;

  private static final int SOCKADDR_IN_SIZE = 16;
  private static final int SOCKADDR_IN6_SIZE = 28;

  final ErrnoCapture errno;
  final SockAddr addresses;
  final SocketOptions options;
  private final MemorySegment path;
  private final MemorySegment fileOffset;

  SyscallBuffers(Arena arena) {
    this.errno = new ErrnoCapture(arena);
    this.addresses = new SockAddr(arena);
    this.options = new SocketOptions(arena, errno);
    this.path = arena.allocate(FileNames.PATH_MAX);
    this.fileOffset = arena.allocate(ValueLayout.JAVA_LONG);
  }

  /**
   * The address a socket {@code fd} of {@code domain} was accepted from, as the kernel recorded it
   * at accept time, or {@code null}. For TCP this is {@code SO_PEERNAME}, which unlike {@code
   * getpeername} answers for a connection that was reset since (as {@code accept4} would have).
   */
  SocketAddress acceptedPeer(int fd, int domain) {
    int exact =
        switch (domain) {
          case Sockets.AF_INET -> SOCKADDR_IN_SIZE;
          case Sockets.AF_INET6 -> SOCKADDR_IN6_SIZE;
          default -> 0;
        };
    MemorySegment length = addresses.capacityLength();
    int r;
    if (exact == 0) {
      r = Sockets.getpeername(fd, addresses.storage(), length, errno);
    } else {
      // SO_PEERNAME refuses (EINVAL) a buffer longer than the address: ask for exactly its size.
      length.set(ValueLayout.JAVA_INT, 0, exact);
      r = Sockets.getsockopt(fd, Sockets.SOL_SOCKET, SO_PEERNAME, addresses.storage(), length, errno);
    }
    return r < 0 ? null : addresses.decode();
  }

  /** {@code file} as a C string, in the path scratch. */
  MemorySegment path(Path file) throws IOException {
    return FileNames.toNative(file, path);
  }

  /** The {@code off_t} sendfile reads and advances, set to {@code position}. */
  MemorySegment fileOffset(long position) {
    fileOffset.set(ValueLayout.JAVA_LONG, 0, position);
    return fileOffset;
  }
}
