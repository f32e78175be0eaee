package zloop.posix;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * The reads and writes one loop makes on readiness, with the native memory they share, allocated
 * once when the backend opens: the gathering write's iovecs and heap staging area, and the receive
 * buffer with its read-only view. Everything else a socket calls is the shared core's ({@link
 * zloop.posix.PosixSocket}, {@link zloop.posix.SocketCalls}).
 *
 * <p>Mechanics only: calls return raw results ({@code >= 0} or {@code -errno}); which handler
 * hears of what is {@link ReadinessSocket}'s policy. One loop thread, one call at a time, nothing
 * allocated per call.
 */
final class ReadinessIo {

  /** The receive buffer: what one {@code recv} into the backend's own memory reads at most. */
  static final int RECEIVE_SIZE = 256 * 1024;

  /** How many bytes of heap buffers one gathering write copies at most. */
  static final int STAGING_SIZE = 256 * 1024;

  private final ErrnoCapture errno;
  private final IoVecs iovecs;
  private final MemorySegment receive;
  private final ByteBuffer receiveView; // read-only, over receive; its limit is set per read

  ReadinessIo(Arena arena, ErrnoCapture errno) {
    this.errno = errno;
    this.iovecs = new IoVecs(arena, STAGING_SIZE);
    this.receive = arena.allocate(RECEIVE_SIZE, 64);
    this.receiveView = receive.asByteBuffer().asReadOnlyBuffer();
  }

  // ------------------------------------------------------------------ reading

  /** One {@code recv} into the receive buffer: bytes (see {@link #received}), 0 at EOF, -errno. */
  long receive(int fd) {
    return Sockets.recv(fd, receive, RECEIVE_SIZE, errno);
  }

  /** The read-only view of the first {@code n} received bytes: position 0, limit {@code n}. */
  ByteBuffer received(int n) {
    receiveView.clear().limit(n);
    return receiveView;
  }

  /**
   * One {@code recv} into {@code target} from its position, leaving the position alone: straight
   * into a direct buffer, through the receive buffer into a heap one. Bytes, 0 at EOF, or -errno.
   */
  long receiveInto(int fd, ByteBuffer target) {
    int room = target.remaining();
    if (target.isDirect()) {
      return Sockets.recv(fd, MemorySegment.ofBuffer(target), room, errno);
    }
    long n = Sockets.recv(fd, receive, Math.min(room, RECEIVE_SIZE), errno);
    if (n > 0) {
      int at = target.arrayOffset() + target.position();
      MemorySegment.copy(receive, JAVA_BYTE, 0, target.array(), at, (int) n);
    }
    return n;
  }

  // ------------------------------------------------------------------ writing

  /** One gathering {@code sendmsg} of {@code buffers}, positions untouched: bytes or -errno. */
  long send(int fd, ByteBuffer[] buffers, int offset, int count) {
    return iovecs.send(fd, buffers, offset, count, errno);
  }
}
