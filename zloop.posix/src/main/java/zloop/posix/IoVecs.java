package zloop.posix;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * One loop's gathering write: an array of {@link Sockets#IOV_MAX} {@code struct iovec}s and the
 * {@code struct msghdr} that points at it, allocated once, plus a staging area for heap buffers
 * (the kernel can only read native memory).
 *
 * <p>{@link #send} describes a run of {@link ByteBuffer}s (each from position to limit) and sends
 * them with one {@code sendmsg(MSG_NOSIGNAL)}: direct buffers are passed where they lie, heap
 * buffers are copied to the staging area first, up to its size; bytes beyond it, or beyond {@code
 * IOV_MAX} buffers, are left for the next call. It never changes the buffers: {@link #consume}
 * advances their positions when the caller owns them.
 *
 * <p><b>Caveats:</b> 64-bit only ({@code size_t} and pointers are 8 bytes). A direct buffer whose
 * memory is freed by another thread during the call (a segment of a closed shared arena) is the
 * caller's bug, as with any native I/O. Not thread-safe: one instance per loop.
 */
public final class IoVecs {

  /*
   * <sys/uio.h>, <sys/socket.h>:
   *
   *   struct iovec  { void *iov_base; size_t iov_len; };                                // 16
   *   struct msghdr { void *msg_name; socklen_t msg_namelen;
   *                   struct iovec *msg_iov; size_t msg_iovlen;
   *                   void *msg_control; size_t msg_controllen; int msg_flags; };       // 56
   */
  public static final StructLayout IOVEC =
      MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

  public static final StructLayout MSGHDR =
      MemoryLayout.structLayout(
          ADDRESS.withName("msg_name"),
          JAVA_INT.withName("msg_namelen"),
          MemoryLayout.paddingLayout(4),
          ADDRESS.withName("msg_iov"),
          JAVA_LONG.withName("msg_iovlen"),
          ADDRESS.withName("msg_control"),
          JAVA_LONG.withName("msg_controllen"),
          JAVA_INT.withName("msg_flags"),
          MemoryLayout.paddingLayout(4));

  private static final long IOV_BASE = IOVEC.byteOffset(groupElement("iov_base"));
  private static final long IOV_LEN = IOVEC.byteOffset(groupElement("iov_len"));
  private static final long MSG_IOV = MSGHDR.byteOffset(groupElement("msg_iov"));
  private static final long MSG_IOVLEN = MSGHDR.byteOffset(groupElement("msg_iovlen"));

  private final MemorySegment iovecs;
  private final MemorySegment msghdr;
  private final MemorySegment staging;

  /**
   * @param arena holds the arrays; must outlive every call
   * @param stagingBytes how many bytes of heap buffers one call copies at most
   */
  public IoVecs(Arena arena, int stagingBytes) {
    this.iovecs = arena.allocate(IOVEC, Sockets.IOV_MAX);
    this.msghdr = arena.allocate(MSGHDR); // zeroed: no name, no control data, no flags
    this.staging = arena.allocate(stagingBytes, 64);
    // Pointers are written as raw longs: a MemorySegment per pointer would be an allocation.
    msghdr.set(JAVA_LONG, MSG_IOV, iovecs.address());
  }

  /**
   * Sends {@code buffers[offset .. offset+length)} with one {@code sendmsg(MSG_NOSIGNAL)}, leaving
   * their positions unchanged.
   *
   * @return bytes the kernel took ({@code 0} if the buffers hold none, with no syscall), or {@code
   *     -errno} ({@code EAGAIN}: the socket is full)
   */
  public long send(int fd, ByteBuffer[] buffers, int offset, int length, ErrnoCapture errno) {
    int count = 0;
    long staged = 0;
    long stagingRoom = staging.byteSize();
    long total = 0;
    for (int i = offset; i < offset + length && count < Sockets.IOV_MAX; i++) {
      ByteBuffer b = buffers[i];
      int remaining = b.remaining();
      if (remaining == 0) {
        continue;
      }
      long address;
      long len;
      if (b.isDirect()) {
        address = MemorySegment.ofBuffer(b).address();
        len = remaining;
      } else {
        len = Math.min(remaining, stagingRoom - staged);
        if (len == 0) {
          break;
        }
        stage(b, staged, (int) len);
        address = staging.address() + staged;
        staged += len;
      }
      long at = count * IOVEC.byteSize();
      iovecs.set(JAVA_LONG, at + IOV_BASE, address);
      iovecs.set(JAVA_LONG, at + IOV_LEN, len);
      count++;
      total += len;
      if (len < remaining) {
        break; // the staging area is full: what follows must wait for the next call
      }
    }
    if (count == 0) {
      return 0;
    }
    msghdr.set(JAVA_LONG, MSG_IOVLEN, count);
    try {
      long n = Sockets.sendmsg(fd, msghdr, errno);
      assert n <= total;
      return n;
    } finally {
      // The kernel read the direct buffers through raw addresses: keep them alive until now.
      Reference.reachabilityFence(buffers);
    }
  }

  private void stage(ByteBuffer b, long at, int len) {
    if (b.hasArray()) {
      MemorySegment.copy(b.array(), b.arrayOffset() + b.position(), staging, JAVA_BYTE, at, len);
    } else {
      MemorySegment.copy(MemorySegment.ofBuffer(b), 0, staging, at, len); // read-only heap buffer
    }
  }

  /**
   * Advances the positions of {@code buffers[offset .. offset+length)} past the first {@code n}
   * bytes, as a write of {@code n} bytes consumed them.
   */
  public static void consume(ByteBuffer[] buffers, int offset, int length, long n) {
    for (int i = offset; i < offset + length && n > 0; i++) {
      ByteBuffer b = buffers[i];
      int take = (int) Math.min(n, b.remaining());
      b.position(b.position() + take);
      n -= take;
    }
  }
}
