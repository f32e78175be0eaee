package zloop.backend.iouring;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import zloop.engine.spi.DatagramHandle;
import zloop.posix.DatagramCalls;
import zloop.posix.DatagramSockets;
import zloop.posix.ErrnoCapture;
import zloop.posix.IoVecs;
import zloop.posix.PosixDatagram;
import zloop.posix.SockAddr;

/**
 * One loop's io_uring datagram sockets and what they share: the posix datagram core (options,
 * bind, connect, sends, one-at-a-time receives), a provided-buffer ring of their own (buffer group
 * {@value #GROUP}, apart from the streams'), and the one {@code msghdr} every multishot RECVMSG
 * submits.
 *
 * <p>Each buffer holds one datagram: the {@link RecvMsgOut} header, a {@value #NAME_BYTES}-byte
 * name region (a {@code sockaddr_storage}: any sender fits) and {@value #PAYLOAD_BYTES} bytes of
 * payload, so a UDP datagram (at most 65,527 bytes) is never cut; a longer Unix datagram is, and
 * is reported as an error, as on the posix core. The buffers are an anonymous mapping: a page is
 * backed only once a datagram that long has landed in it.
 *
 * <p>The ring is registered with the first RECVMSG armed (inside a poll, once the ring the loop
 * keeps is known: the first poll may replace it). Loop thread only.
 */
final class IoUringDatagrams {

  /** The datagram sockets' buffer group; the streams use {@link BufferRing#GROUP}. */
  static final short GROUP = 1;

  /** System property: how many datagram receive buffers (a power of two). */
  static final String BUFFERS_PROPERTY = "zloop.iouring.datagramBuffers";

  static final int NAME_BYTES = (int) SockAddr.STORAGE_SIZE;
  static final int PAYLOAD_BYTES = 64 * 1024;
  static final int PAYLOAD_OFFSET = (int) RecvMsgOut.SIZE + NAME_BYTES;
  static final int BUFFER_BYTES = PAYLOAD_OFFSET + PAYLOAD_BYTES;

  private final IoUringBackend backend;
  private final DatagramSockets sockets;
  private final BufferRing buffers;
  private final MemorySegment msghdr;

  /** Per buffer, made once: the whole buffer (headers, names) and a read-only payload view. */
  private final MemorySegment[] segments;

  private final MemorySegment[] names;
  private final ByteBuffer[] payloads;
  private boolean registered;

  /** How many multishot receives the kernel ended for want of a buffer, for the tests. */
  long noBufferEnds;

  IoUringDatagrams(IoUringBackend backend, Arena arena, ErrnoCapture errno, int bufferCount)
      throws IOException {
    this.backend = backend;
    this.sockets = new DatagramSockets(backend, arena, errno);
    this.buffers = BufferRing.create(bufferCount, BUFFER_BYTES, errno);
    this.msghdr = arena.allocate(IoVecs.MSGHDR);
    msghdr.set(JAVA_INT, IoVecs.MSGHDR.byteOffset(groupElement("msg_namelen")), NAME_BYTES);
    msghdr.set(JAVA_LONG, IoVecs.MSGHDR.byteOffset(groupElement("msg_controllen")), 0L);
    this.segments = new MemorySegment[bufferCount];
    this.names = new MemorySegment[bufferCount];
    this.payloads = new ByteBuffer[bufferCount];
    for (int bid = 0; bid < bufferCount; bid++) {
      ByteBuffer whole = buffers.view(bid, BUFFER_BYTES);
      segments[bid] = MemorySegment.ofBuffer(whole);
      names[bid] = segments[bid].asSlice(RecvMsgOut.SIZE, NAME_BYTES);
      payloads[bid] = whole.slice(PAYLOAD_OFFSET, PAYLOAD_BYTES).asReadOnlyBuffer();
    }
  }

  /** The buffer count a loop starts with: {@value #BUFFERS_PROPERTY}, else 128. */
  static int configuredBufferCount() {
    return Integer.getInteger(BUFFERS_PROPERTY, 128);
  }

  /** A new datagram socket of {@code family}, receiving through a multishot RECVMSG. */
  DatagramHandle open(StandardProtocolFamily family) throws IOException {
    PosixDatagram core = (PosixDatagram) sockets.open(family);
    IoUringDatagram socket = new IoUringDatagram(backend, this, core);
    backend.acquire(socket);
    return socket;
  }

  /** Registers the buffer ring with the loop's ring, once; inside a poll. */
  void ensureRegistered() throws IOException {
    if (!registered) {
      backend.registerBuffers(buffers, GROUP);
      registered = true;
    }
  }

  long msghdrAddress() {
    return msghdr.address();
  }

  /** The name the kernel wrote into buffer {@code bid} ({@code null}: an unnamed Unix sender). */
  SocketAddress sender(int bid) {
    MemorySegment buffer = segments[bid];
    int length = Math.min(RecvMsgOut.namelen(buffer), NAME_BYTES);
    if (length <= 2) {
      return null; // no name, or only a family: an unnamed Unix socket
    }
    return calls().sender(names[bid], length);
  }

  /** The header of buffer {@code bid}. */
  MemorySegment header(int bid) {
    return segments[bid];
  }

  /** A read-only view of the first {@code length} payload bytes of buffer {@code bid}, reused. */
  ByteBuffer payload(int bid, int length) {
    return payloads[bid].limit(length).position(0);
  }

  void recycle(int bid) {
    if (buffers.owns(bid)) {
      buffers.recycle(bid);
    }
  }

  DatagramCalls calls() {
    return sockets.calls();
  }

  /** The backend is closing (its watches are gone): closes every socket still open. */
  void closeAll() {
    sockets.closeAll();
  }

  /** Unmaps the buffers: only once the kernel confirmed no receive is in flight. */
  void release() {
    buffers.close();
  }
}
