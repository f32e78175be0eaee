package zloop.backend.iouring;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import zloop.posix.ErrnoCapture;
import zloop.posix.FileNames;
import zloop.posix.SockAddr;
import zloop.posix.SocketOptions;

/**
 * The native memory of the calls a loop makes directly rather than through the ring (socket,
 * bind, listen, options, addresses, shutdown, close, sendfile), allocated once when the backend
 * opens: the errno capture, the {@code sockaddr} codec, the option value, and the path and offset
 * for {@code sendfile}. One loop thread uses it, one call at a time.
 */
final class SyscallBuffers {

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
