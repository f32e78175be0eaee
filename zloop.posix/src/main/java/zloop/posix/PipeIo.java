package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The native memory one loop's pipes share, allocated once: the receive buffer (with its read-only
 * view) and the staging area heap buffers are copied through before a {@code write}. Mechanics
 * only: raw results ({@code >= 0} or {@code -errno}); {@link PosixPipe} decides who hears what.
 * Loop thread only; nothing allocated per call.
 */
final class PipeIo {

  /** What one {@code read} into the receive buffer takes at most: a default pipe's capacity. */
  static final int RECEIVE_SIZE = 64 * 1024;

  /** What one {@code write} of a heap buffer copies at most. */
  static final int STAGING_SIZE = 64 * 1024;

  private final ErrnoCapture errno;
  private final MemorySegment receive;
  private final ByteBuffer receiveView;
  private final MemorySegment staging;

  PipeIo(Arena arena, ErrnoCapture errno) {
    this.errno = errno;
    this.receive = arena.allocate(RECEIVE_SIZE, 64);
    this.receiveView = receive.asByteBuffer().asReadOnlyBuffer();
    this.staging = arena.allocate(STAGING_SIZE, 64);
  }

  ErrnoCapture errno() {
    return errno;
  }

  /** One {@code read} into the receive buffer: bytes, 0 at EOF, or -errno. */
  long read(int fd) {
    return Libc.read(fd, receive, RECEIVE_SIZE, errno);
  }

  /** The read-only view of the first {@code n} received bytes. */
  ByteBuffer received(int n) {
    receiveView.clear().limit(n);
    return receiveView;
  }

  /** One {@code read} into {@code target} from its position, which is left alone. */
  long readInto(int fd, ByteBuffer target) {
    int room = target.remaining();
    if (target.isDirect()) {
      return Libc.read(fd, MemorySegment.ofBuffer(target), room, errno);
    }
    long n = Libc.read(fd, receive, Math.min(room, RECEIVE_SIZE), errno);
    if (n > 0) {
      MemorySegment.copy(
          receive, JAVA_BYTE, 0, target.array(), target.arrayOffset() + target.position(), (int) n);
    }
    return n;
  }

  /**
   * One {@code write} of {@code b}'s remaining bytes (at most {@link #STAGING_SIZE} of a heap
   * buffer), position untouched: bytes written or -errno ({@code EAGAIN}: the pipe is full).
   */
  long write(int fd, ByteBuffer b) {
    int remaining = b.remaining();
    if (remaining == 0) {
      return 0;
    }
    if (b.isDirect()) {
      try {
        return Libc.write(fd, MemorySegment.ofBuffer(b), remaining, errno);
      } finally {
        java.lang.ref.Reference.reachabilityFence(b);
      }
    }
    int len = Math.min(remaining, STAGING_SIZE);
    if (b.hasArray()) {
      MemorySegment.copy(b.array(), b.arrayOffset() + b.position(), staging, JAVA_BYTE, 0, len);
    } else {
      MemorySegment.copy(MemorySegment.ofBuffer(b), 0, staging, 0, len); // read-only heap buffer
    }
    return Libc.write(fd, staging, len, errno);
  }
}
